import ArgumentParser
import Foundation
import M2Script

/// `m2t bench`: the performance figures of SPEC §6 as one JSON object.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SGEMM, the ResNet-18 convolutions and the training step; print JSON.")

    @Flag(name: .long, help: "Print JSON (the default and only format).")
    var json = false

    @Option(name: .long, help: "Batch size of the convolution benchmarks.")
    var batch = 64

    @Option(name: .long, help: "Timed repetitions per measurement (the median is reported).")
    var repeats = 5

    @Option(help: "ResNet-18 first-stage width (64 in SPEC §6; 16 is the Fashion-MNIST default).")
    var width = 64

    @Option(help: "Input side (32 in SPEC §6; 28 for Fashion-MNIST).")
    var size = 32

    @Option(help: "Input channels (3 in SPEC §6; 1 for Fashion-MNIST).")
    var channels = 3

    @Flag(help: "Measure only SGEMM and the training step (a few seconds), for alternating round by round with scripts/pytorch-step.py (scripts/step-ratio.sh).")
    var step = false

    @Flag(help: "Under mpirun: time the gradient all-reduce from 4 KiB to 64 MiB and fit its latency and bandwidth (docs/distributed.md), instead of the rest.")
    var allreduce = false

    func run() throws {
        if allreduce { return try runAllReduce() }
        if step { return try runStep() }
        let shapes = try NetworkBenchmark.convShapes(of: resnet18(width: width, channels: channels, stem: .small), input: [1, channels, size, size])
        var report = try Benchmark.run(batch: batch, repeats: repeats, shapes: shapes)
        let net = try NetworkBenchmark.resnetForwardBackward(width: width, batch: batch, size: size, channels: channels, repeats: repeats)
        report.extra["resnet18_fwd_bwd_images_per_s"] = net.imagesPerSecond
        report.extra["resnet18_fwd_bwd_s_per_batch"] = net.secondsPerStep
        report.extra["resnet18_forward_gflops_per_image"] = net.forwardFLOPsPerImage / 1e9
        report.extra["resnet18_fwd_bwd_gflops"] = 3 * net.forwardFLOPsPerImage * net.imagesPerSecond / 1e9
        let step = try StepBenchmark.run(width: width, batch: batch, size: size, channels: channels, repeats: repeats)
        report.extra.merge(Self.stepFigures(step, sgemm: report.sgemmGFLOPS)) { $1 }
        report.extra["m2t_step_peak_rss_mb"] = step.peakResidentMB
        // 4 (Float32); 8 in the Float64 build, where "sgemm" is DGEMM.
        report.extra["tensor_element_bytes"] = Double(MemoryLayout<TensorScalar>.size)
        report.extra["augment_two_view_32_pairs_per_s"] = DataBenchmark.twoViewThroughput()
        report.extra["jpeg224_decode_two_view_images_per_s"] = (try? DataBenchmark.jpegTwoViewThroughput()) ?? 0
        let language = try LanguageBenchmark.measure()
        report.extra["language_loop_native_step_s"] = language.native
        report.extra["language_loop_script_step_s"] = language.script
        report.extra["language_loop_overhead"] = language.overhead
        report.extra["language_loop_same_result"] = language.sameResult ? 1 : 0
        print(report.jsonString)
    }

    /// `--step`: SGEMM and the step, in the keys of the whole report.
    private func runStep() throws {
        let sgemm = try Benchmark.sgemmRate(repeats: repeats)
        let step = try StepBenchmark.run(width: width, batch: batch, size: size, channels: channels, repeats: repeats)
        let figures = Self.stepFigures(step, sgemm: sgemm).merging(["sgemmGFLOPS": sgemm, "threads": Double(Parallel.threads)]) { $1 }
        try Self.printJSON(figures)
    }

    /// The step's figures under the report's `extra` keys.
    private static func stepFigures(_ step: StepBenchmark.Figures, sgemm: Double) -> [String: Double] {
        ["m2t_step_s": step.secondsPerStep, "m2t_step_images_per_s": step.imagesPerSecond,
         "m2t_step_effective_gflops": step.effectiveGFLOPS, "m2t_step_ratio_to_sgemm": step.effectiveGFLOPS / sgemm]
    }

    /// Prints `value` as pretty JSON with sorted keys.
    private static func printJSON(_ value: some Encodable) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try e.encode(value), as: UTF8.self))
    }

    /// `--allreduce`: every rank measures, rank 0 prints.
    private func runAllReduce() throws {
        guard let world = try Distributed.world() else {
            throw ExitMessage("--allreduce measures the ranks mpirun starts: mpirun -np 2 m2t bench --allreduce")
        }
        do {
            let figures = try AllReduceBenchmark.run(group: world, repeats: repeats)
            guard world.rank == 0 else { return }
            try Self.printJSON(figures)
        } catch let error as TrainingError {
            throw Distributed.prefixed(ExitMessage(error.description))
        }
    }
}
