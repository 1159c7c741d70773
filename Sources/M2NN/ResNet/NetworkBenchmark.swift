import Foundation

/// Whole-network timings for `m2t bench`.
public enum NetworkBenchmark {
    /// Forward + backward images/s of a ResNet (default: ResNet-18, small stem, 32×32×3,
    /// batch 64), median over `repeats`, with the nominal forward FLOPs per image.
    public static func resnetForwardBackward(depth: Int = 18, width: Int = 64, batch: Int = 64, size: Int = 32, channels: Int = 3,
                                             repeats: Int = 5) throws -> (imagesPerSecond: Double, secondsPerStep: Double, forwardFLOPsPerImage: Double) {
        let net = try ResNet(.init(depth: depth, width: width, inChannels: channels, stem: .small))
        let x = try Tensor.randn([batch, channels, size, size], generator: RandomGenerator(seed: 5))
        let t = try Benchmark.medianSeconds(repeats: repeats) {
            net.zeroGrad()
            let y = try net(x)
            try y.sum().backward()
        }
        return (Double(batch) / t, t, try forwardFLOPs(net, input: [1, channels, size, size]))
    }

    /// The distinct convolutions of `net` on an input of `input` shape, with how often each
    /// occurs (what `m2t bench` times for a given width, size and channel count).
    public static func convShapes(of net: Module, input: [Int]) throws -> [Benchmark.ConvShape] {
        let trace = try net.summary(input: input)
        var inputSize: [String: Int] = [:]
        for row in trace { if let s = row.inputShape, s.count == 4 { inputSize[row.path] = s[2] } }
        var shapes: [Benchmark.ConvShape] = []
        for (path, m) in net.namedModules() {
            guard let c = m as? Conv2d, let side = inputSize[path] else { continue }
            let name = "\(c.inChannels)→\(c.outChannels) k\(c.kernel) s\(c.stride) @\(side)"
            if let i = shapes.firstIndex(where: { $0.name == name }) {
                let s = shapes[i]
                shapes[i] = .init(name: s.name, cin: s.cin, cout: s.cout, kernel: s.kernel, stride: s.stride, padding: s.padding, size: s.size, occurrences: s.occurrences + 1)
            } else {
                shapes.append(.init(name: name, cin: c.inChannels, cout: c.outChannels, kernel: c.kernel, stride: c.stride,
                                    padding: c.padding, size: side, occurrences: 1))
            }
        }
        return shapes
    }

    /// Nominal forward FLOPs of one image: 2·MACs of every convolution and linear layer.
    public static func forwardFLOPs(_ net: Module, input: [Int]) throws -> Double {
        let rows = try net.summary(input: input)
        var total = 0.0
        for (path, m) in net.namedModules() {
            guard let shape = rows.first(where: { $0.path == path })?.outputShape else { continue }
            let outCount = Double(shape.reduce(1, *))
            if let c = m as? Conv2d {
                total += 2 * outCount * Double(c.inChannels * c.kernel * c.kernel)
            } else if let l = m as? Linear {
                total += 2 * outCount * Double(l.inFeatures)
            }
        }
        return total
    }
}
