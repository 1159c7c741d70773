import Foundation

/// Whole-network timings for `m2t bench`.
public enum NetworkBenchmark {
    /// Forward + backward images/s of a ResNet (default: ResNet-18, small stem, 32×32×3,
    /// batch 64), median over `repeats`, with the nominal forward FLOPs per image.
    public static func resnetForwardBackward(depth: Int = 18, batch: Int = 64, size: Int = 32, channels: Int = 3,
                                             repeats: Int = 5) throws -> (imagesPerSecond: Double, secondsPerStep: Double, forwardFLOPsPerImage: Double) {
        let net = try ResNet(.init(depth: depth, width: 64, inChannels: channels, stem: .small))
        let x = try Tensor.randn([batch, channels, size, size], generator: RandomGenerator(seed: 5))
        let t = try Benchmark.medianSeconds(repeats: repeats) {
            net.zeroGrad()
            let y = try net(x)
            try y.sum().backward()
        }
        return (Double(batch) / t, t, try forwardFLOPs(net, input: [1, channels, size, size]))
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
