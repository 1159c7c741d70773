import Foundation

/// The gradient all-reduce's cost on the group it runs in (`mpirun -np N m2t bench
/// --allreduce`): the numbers docs/distributed.md's cost model takes from a cluster.
///
/// Times a blocking sum-all-reduce of buffers from a few KB to tens of MB and fits the ring
/// all-reduce's cost, `t(S) = a + 2(N−1)/N · S / B`: `a` the fixed cost of one call
/// (latency, per-message overheads), `B` the bandwidth each rank sends and receives at.
public enum AllReduceBenchmark {
    /// One buffer size.
    public struct Point: Codable, Sendable, Equatable {
        /// Bytes each rank contributes.
        public var bytes: Int
        /// Median seconds of one all-reduce (the slowest rank's median).
        public var seconds: Double
        /// `2(N−1)/N · bytes / seconds`: the rate the ring moves data at (NCCL's "bus bandwidth").
        public var busBytesPerSecond: Double
    }

    /// The measured points and the fitted model.
    public struct Figures: Codable, Sendable, Equatable {
        /// Ranks in the group.
        public var ranks: Int
        /// One per buffer size, smallest first.
        public var points: [Point]
        /// The fitted fixed cost of one all-reduce call, in seconds.
        public var latencySeconds: Double
        /// The fitted bandwidth `B`, in bytes per second.
        public var bandwidthBytesPerSecond: Double

        /// The model's seconds for an all-reduce of `bytes` over `ranks` ranks in `calls` buffers.
        public func predictedSeconds(bytes: Double, ranks: Int, calls: Int = 1) -> Double {
            guard ranks > 1 else { return 0 }
            let n = Double(ranks)
            return Double(calls) * latencySeconds + 2 * (n - 1) / n * bytes / bandwidthBytesPerSecond
        }
    }

    /// The default sizes: 4 KiB to 64 MiB, by factors of 4.
    public static let defaultSizes = (0...7).map { 4096 << (2 * $0) }

    /// Measures every size `repeats` times (after one warm-up call) on every rank of `group`.
    /// - Throws: ``TrainingError/invalidDistributedSetup(reason:)`` for a group of one rank or an
    ///   empty size list.
    public static func run(group: ProcessGroup, sizes: [Int] = defaultSizes, repeats: Int = 7) throws -> Figures {
        guard group.size > 1 else {
            throw TrainingError.invalidDistributedSetup(reason: "the all-reduce benchmark needs at least 2 ranks (start it with mpirun -np N)")
        }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= MemoryLayout<TensorScalar>.size }), repeats > 0 else {
            throw TrainingError.invalidDistributedSetup(reason: "the all-reduce benchmark needs sizes of at least one element and repeats > 0")
        }
        let n = Double(group.size)
        var points: [Point] = []
        for bytes in sizes {
            let count = bytes / MemoryLayout<TensorScalar>.size
            let buffer = UnsafeMutableBufferPointer<TensorScalar>.allocate(capacity: count)
            defer { buffer.deallocate() }
            buffer.initialize(repeating: 1)
            try group.allReduceSum(buffer)
            var times: [Double] = []
            for _ in 0..<repeats {
                try group.barrier()
                let start = Date()
                try group.allReduceSum(buffer)
                times.append(Date().timeIntervalSince(start))
            }
            // The slowest rank's median: every rank reports the same figure.
            let median = times.sorted()[times.count / 2]
            var slowest = (0..<group.size).map { $0 == group.rank ? median : 0 }
            try slowest.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }
            let seconds = slowest.max() ?? median
            let real = Double(count * MemoryLayout<TensorScalar>.size)
            points.append(Point(bytes: Int(real), seconds: seconds, busBytesPerSecond: 2 * (n - 1) / n * real / max(seconds, 1e-12)))
        }
        let (a, b) = fitLine(points.map { (2 * (n - 1) / n * Double($0.bytes), $0.seconds) })
        return Figures(ranks: group.size, points: points, latencySeconds: max(a, 0), bandwidthBytesPerSecond: b > 0 ? 1 / b : .infinity)
    }

    /// Least squares `y = a + b·x`, each point weighted by `1/y²` so that the small sizes
    /// (which set `a`) count as much as the large ones (which set `b`).
    static func fitLine(_ xy: [(Double, Double)]) -> (a: Double, b: Double) {
        var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for (x, y) in xy {
            let w = 1 / max(y * y, 1e-18)
            (sw, sx, sy, sxx, sxy) = (sw + w, sx + w * x, sy + w * y, sxx + w * x * x, sxy + w * x * y)
        }
        let det = sw * sxx - sx * sx
        guard det != 0 else { return (sy / max(sw, 1e-300), 0) }
        return ((sxx * sy - sx * sxy) / det, (sw * sxy - sx * sy) / det)
    }
}
