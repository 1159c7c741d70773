import Foundation

/// The full Momentum² step of SPEC §6: ResNet-18 (small stem) on 32×32×3 at batch 64,
/// student forward + backward on two views, teacher forward on two views, EMA, SGD.
public enum StepBenchmark {
    /// Measured figures of the step.
    public struct Figures: Codable, Sendable {
        /// Median seconds of one whole step.
        public var secondsPerStep: Double
        /// Images per second: batch (per view) / seconds per step.
        public var imagesPerSecond: Double
        /// 8 × forward FLOPs per image × images per second.
        public var effectiveGFLOPS: Double
        /// Nominal forward GFLOPs of one image through the backbone (2·MACs).
        public var forwardGFLOPsPerImage: Double
        /// Peak resident memory of the process so far (``peakResidentMB()``), in MiB.
        public var peakResidentMB: Double
    }

    /// Median over `repeats` steps after two warm-up steps.
    public static func run(width: Int = 64, batch: Int = 64, size: Int = 32, channels: Int = 3, repeats: Int = 5) throws -> Figures {
        var config = MethodConfig(backbone: .init(depth: 18, width: width, inChannels: channels, stem: .small), hidden: 512, out: 128, batch: batch, totalSteps: 1000)
        config.warmupSteps = 10
        let m2 = try Momentum2Teacher(config: config)
        let g = RandomGenerator(seed: 3)
        let x1 = try Tensor.randn([batch, channels, size, size], generator: g)
        let x2 = try Tensor.randn([batch, channels, size, size], generator: g)
        _ = try m2.step(x1, x2)
        let t = try Benchmark.medianSeconds(repeats: repeats) { _ = try m2.step(x1, x2) }
        let flops = try NetworkBenchmark.forwardFLOPs(m2.student.backbone, input: [1, channels, size, size])
        let ips = Double(batch) / t
        return Figures(secondsPerStep: t, imagesPerSecond: ips, effectiveGFLOPS: 8 * flops * ips / 1e9,
                       forwardGFLOPsPerImage: flops / 1e9, peakResidentMB: peakResidentMB())
    }

    /// Peak resident set size of the process (VmHWM), in MiB.
    public static func peakResidentMB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
