import CBLAS
import Foundation

/// The measurements behind `m2t bench` (SPEC §6): the BLAS SGEMM rate and the forward +
/// backward rate of a list of convolution shapes (`m2t bench` passes the distinct
/// convolutions of ResNet-18 with the small-input stem).
///
/// Rates are in GFLOP/s of the nominal direct-convolution work (2·MACs per pass; backward =
/// input gradient + weight gradient = 2 passes), medians over repeats, and compared with the
/// SGEMM rate measured in the same run.
public enum Benchmark {
    /// One convolution shape of the benchmark.
    public struct ConvShape: Sendable {
        public let name: String
        public let cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, size: Int
        /// How many times the shape occurs in one ResNet-18 forward pass.
        public let occurrences: Int

        public init(name: String, cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, size: Int, occurrences: Int) {
            (self.name, self.cin, self.cout, self.kernel, self.stride, self.padding, self.size, self.occurrences)
                = (name, cin, cout, kernel, stride, padding, size, occurrences)
        }
    }

    /// Median wall time of `body` over `repeats` runs after one warm-up.
    public static func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// The SGEMM rate (GFLOP/s) for an n³ product with OpenBLAS's own threading on all cores.
    public static func sgemmRate(n: Int = 2048, repeats: Int) throws -> Double {
        let gen = RandomGenerator(seed: 1)
        let a = try Tensor.randn([n, n], generator: gen), b = try Tensor.randn([n, n], generator: gen)
        let c = try Tensor.zeros([n, n])
        openblas_set_num_threads(Int32(Parallel.threads))
        defer { openblas_set_num_threads(1) }
        let t = medianSeconds(repeats: repeats) {
            Kernels.blasGEMM(false, false, n, n, n, 1, a.base, n, b.base, n, 0, c.base, n)
        }
        return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
    }

    /// Forward and backward (input + weight gradients) timings of one convolution shape.
    public static func convRates(_ s: ConvShape, batch: Int, repeats: Int) throws -> (forward: Double, backward: Double, flops: Double) {
        let gen = RandomGenerator(seed: 2)
        let x = try Tensor.randn([batch, s.cin, s.size, s.size], generator: gen)
        let w = try Tensor.randn([s.cout, s.cin, s.kernel, s.kernel], std: 0.05, generator: gen)
        let g = try ConvGeometry(input: x.shape, outChannels: s.cout, kernelH: s.kernel, kernelW: s.kernel, stride: s.stride, padding: s.padding, op: "bench")
        let y = try Tensor(uninitializedShape: [batch, s.cout, g.outHeight, g.outWidth])
        let dx = try Tensor(uninitializedShape: x.shape), dw = try Tensor(uninitializedShape: w.shape)
        let dy = try Tensor.randn(y.shape, generator: gen)
        let tf = try medianSeconds(repeats: repeats) { try ConvKernels.forward(g, x: x.base, w: w.base, bias: nil, y: y.base) }
        let tb = try medianSeconds(repeats: repeats) {
            try ConvKernels.backward(g, x: x.base, w: w.base, dy: dy.base, dx: dx.base, dw: dw.base, db: nil)
        }
        return (tf, tb, g.forwardFLOPs)
    }

    /// Runs every measurement.
    public static func run(batch: Int, repeats: Int, shapes: [ConvShape]) throws -> BenchmarkReport {
        var report = BenchmarkReport()
        report.threads = Parallel.threads
        report.sgemmGFLOPS = try sgemmRate(repeats: repeats)
        var totalFlops = 0.0, totalTime = 0.0
        for s in shapes {
            let (tf, tb, flops) = try convRates(s, batch: batch, repeats: repeats)
            let fwd = flops / tf / 1e9, bwd = 2 * flops / tb / 1e9, both = 3 * flops / (tf + tb) / 1e9
            report.convs.append(.init(name: s.name, occurrences: s.occurrences, forwardGFLOPS: fwd, backwardGFLOPS: bwd,
                                      forwardBackwardGFLOPS: both, ratioToSGEMM: both / report.sgemmGFLOPS))
            totalFlops += 3 * flops * Double(s.occurrences)
            totalTime += (tf + tb) * Double(s.occurrences)
        }
        report.convAggregateGFLOPS = totalFlops / totalTime / 1e9
        report.convAggregateRatioToSGEMM = report.convAggregateGFLOPS / report.sgemmGFLOPS
        report.convAggregateSecondsPerBatch = totalTime
        return report
    }
}

/// What `m2t bench` prints.
public struct BenchmarkReport: Codable, Sendable {
    /// One convolution shape's rates.
    public struct Conv: Codable, Sendable {
        public var name: String
        public var occurrences: Int
        public var forwardGFLOPS: Double
        public var backwardGFLOPS: Double
        public var forwardBackwardGFLOPS: Double
        public var ratioToSGEMM: Double
    }
    public var threads = 0
    /// The OpenBLAS kernel family that ran SGEMM and the BLAS products (``BLASKernels``):
    /// the SGEMM rate, and with it every ratio, depends on it.
    public var blasKernels = BLASKernels.name
    public var sgemmGFLOPS = 0.0
    public var convs: [Conv] = []
    /// FLOP-weighted forward+backward rate over one ResNet-18 pass.
    public var convAggregateGFLOPS = 0.0
    public var convAggregateRatioToSGEMM = 0.0
    public var convAggregateSecondsPerBatch = 0.0
    /// Measurements added by higher layers (step rates, data throughput), by name.
    public var extra: [String: Double] = [:]

    /// Pretty-printed JSON with sorted keys.
    public var jsonString: String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? String(data: e.encode(self), encoding: .utf8)) ?? "{}"
    }
}
