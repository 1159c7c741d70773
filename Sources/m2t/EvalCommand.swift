import ArgumentParser
import Foundation
import M2Script

/// `m2t eval CHECKPOINT`: linear probe and kNN of a pre-trained backbone.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint's backbone: linear probe, kNN, and optionally the baselines.")

    @ArgumentParser.Argument(help: "A checkpoint written by m2t pretrain (last.safetensors or best.safetensors).")
    var checkpoint: String

    @Option(help: "Which backbone: teacher or student.") var backbone = "teacher"
    @OptionGroup var probeOptions: ProbeOptions
    @Flag(help: "Also evaluate the random-init network and raw pixels.") var baselines = false
    @Option(help: "Override the data directory recorded in the checkpoint.") var dataDir: String?
    @Option(help: "Use only this many training images.") var trainLimit: Int?
    @Option(help: "Use only this many test images.") var testLimit: Int?
    @Option(help: "Write results.json here.") var output: String?
    @Option(help: "Before probing, re-estimate the BN statistics of the evaluated networks on this many training images at the evaluation size (precise BN; 0: keep the checkpoint's).") var preciseBn = 0

    func run() throws {
        let stop = CancellationToken()
        let interrupts = InterruptWatcher(cancelling: stop)
        defer { withExtendedLifetime(interrupts) {} }
        do {
            let run = try Checkpoint.restore(URL(fileURLWithPath: checkpoint))
            let (m2, state) = (run.m2, run.state)
            // A checkpoint without a recorded experiment (the language's pretrain) is evaluated
            // on Fashion-MNIST, or on --data-dir.
            var config = run.experiment ?? ExperimentConfig(data: .fashionMNIST(directory: nil), method: m2.config, budget: .steps(m2.config.totalSteps))
            if let dataDir {
                switch config.data {
                case .fashionMNIST: config.data = .fashionMNIST(directory: dataDir)
                case .cifar10: config.data = .cifar10(directory: dataDir)
                case let .imageFolder(_, test, size): config.data = .imageFolder(train: dataDir, test: test, size: size)
                }
            }
            try probeOptions.apply(to: &config)
            config.baselines = baselines
            config.output = output
            guard preciseBn >= 0 else { throw ExitMessage("--precise-bn must not be negative") }
            config.preciseBN = preciseBn > 0 ? preciseBn : nil
            let data = try config.data.load(trainLimit: trainLimit ?? config.trainLimit, testLimit: testLimit ?? config.testLimit)
            guard backbone == "teacher" || backbone == "student" else { throw ExitMessage("--backbone must be teacher or student") }
            let net = backbone == "teacher" ? m2.teacher.backbone : m2.student.backbone
            let observer = ProgressLine().observer
            observer(.note(BLASKernels.note))
            let rows = try Experiment.evaluate(net, config: config, data: data, label: "\(backbone) backbone (step \(state.step))",
                                               observer: observer, cancellation: stop)
            let result = ExperimentResult(training: nil, rows: rows, config: config)
            try Experiment.save(result)
            print(result.table, terminator: "")
        } catch let e as ExitMessage {
            throw e
        } catch {
            throw ExitMessage("\(error)")
        }
    }
}
