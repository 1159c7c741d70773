import ArgumentParser
import Foundation
import M2Script

/// `m2t pretrain`: pre-train with Momentum² Teacher, then evaluate; with no arguments, the
/// embedded default demo on Fashion-MNIST (``Demo``).
struct PretrainCommand: ParsableCommand {
    /// The recipe `m2t pretrain` runs with no options (`make demo`): a fixed number of steps,
    /// so that the same seed prints the same table on any machine of the same CPU kind and
    /// any thread count, sized so that pre-training and evaluation fit a few minutes on two
    /// cores. docs/results.md ("The default demo") has the curve behind each number.
    enum Demo {
        /// Steps of pre-training when no budget is given.
        static let steps = 2000
        /// Images per view per step: momentum BN makes small batches work, and at a fixed
        /// number of images twice the steps learn more.
        static let batch = 32
        /// Learning rate per 256 images (0.075 per step at batch 32).
        static let learningRate = 0.6
        /// Linear warm-up steps before the cosine.
        static let warmupSteps = 50
        /// Side of Fashion-MNIST's training views (evaluation stays at 28×28): half the
        /// step's cost, and crops that show a garment about as large as the test images do.
        static let fashionMNISTViewSize = 20
        /// The teacher's base momentum m₀ (the paper's is 0.99, for ImageNet schedules of
        /// hundreds of thousands of steps): 2,000 steps want a teacher that follows the
        /// student more closely. Over four seeds at this recipe every m₀ = 0.97 run came
        /// within a point of raw pixels (83.74–85.06%, mean 84.39%) and one m₀ = 0.99 run of
        /// four did not (83.13–84.81%, mean 84.12%); docs/results.md.
        static let teacherMomentum = 0.97
        /// Weight decay on the student (the paper's is 1e-4, for ImageNet): on Fashion-MNIST
        /// 5e-4 read 1.5 points more than 1e-4 after 8,000 steps (87.37% against 85.83%;
        /// 1e-3 read 86.94%), and the demo's 2,000 steps 84.80% against 84.06%; docs/results.md.
        static let weightDecay = 5e-4
    }

    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pre-train a backbone with Momentum² Teacher, then run the linear probe and the baselines.")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Backbone: resnet18, resnet34 or resnet50 (default resnet18; --paper-preset's resnet50).") var arch: String?
    @Option(help: "Channels of the first stage (default 16; --paper-preset's 64).") var width: Int?
    @Option(help: "Stem: small or imagenet (default small; --paper-preset's imagenet).") var stem: ResNet.Stem?
    @Option(help: "Images per view per step (default \(Demo.batch); --paper-preset's 128).") var batch: Int?
    @Option(help: "Pre-training epochs instead of a number of steps.") var epochs: Double?
    @Option(help: "Pre-training steps (default \(Demo.steps) when neither --epochs nor --minutes is given).") var steps: Int?
    @Option(help: "Wall-clock minutes of pre-training instead of a number of steps (schedules are sized to fit).") var minutes: Double?
    @Option(help: "Projector/predictor hidden width (default 512; --paper-preset's 4096).") var hidden: Int?
    @Option(help: "Projector/predictor output width (default 128; --paper-preset's 256).") var out: Int?
    @Option(help: "Optimizer: sgd or lars.") var optimizer: MethodConfig.OptimizerKind = .sgd
    @Option(help: "Learning rate per 256 images, scaled by batch/256 (default \(Demo.learningRate); --paper-preset's 0.05).") var lr: Double?
    @Option(help: "Warm-up steps (default \(Demo.warmupSteps); --paper-preset's 0).") var warmup: Int?
    @Option(help: "Weight decay on the student (default \(Demo.weightDecay); the paper's, and --paper-preset's, is 1e-4).") var weightDecay: Double?
    @Option(help: "Teacher EMA base momentum m0 (default \(Demo.teacherMomentum); the paper's, and --paper-preset's, is 0.99).") var m0: Double?
    @Option(help: "Teacher BN: momentum or plain.") var teacherBn: MethodConfig.TeacherBN = .momentum
    @Flag(help: "Turn the teacher EMA off (a stop-gradient copy every step).") var noEma = false
    @Flag(help: "The original code's double variance correction.") var doubleCorrection = false
    @Flag(help: "Under mpirun: student and teacher BN normalize with the whole global batch's statistics (SyncBN, as BYOL), instead of each rank's own batch (the paper's way).") var syncBn = false
    @OptionGroup var probeOptions: ProbeOptions
    @Flag(help: "Skip the random-init and raw-pixel baselines.") var noBaselines = false
    @Flag(help: "Skip the final evaluation (the kNN monitor still runs each epoch).") var noProbe = false
    @Flag(help: "Skip the per-epoch kNN monitor.") var noMonitor = false
    @Option(help: "Output folder for checkpoints, metrics and results.") var output = "runs/m2t"
    @Option(help: "Resume from a checkpoint (e.g. runs/m2t/last.safetensors).") var resume: String?
    @Option(help: "Seed of everything random.") var seed: UInt64 = 0
    @Option(help: "Steps between progress lines and metrics records.") var logEvery = 20
    @Option(help: "Steps between checkpoints (also written at every epoch end and on Ctrl-C).") var checkpointEvery = 200
    @Option(help: "Use only this many training images.") var trainLimit: Int?
    @Option(help: "Use only this many test images.") var testLimit: Int?
    @Option(help: "Side of the training views (default: 20 for Fashion-MNIST, the images' own otherwise; evaluation always uses the images' size).") var viewSize: Int?
    @Option(help: "Smallest random-resized crop of the training views, as a fraction of the image area (default: 0.2 for small images, 0.08 for larger).") var cropMin: Double?
    @Option(help: "Probabilities of the Gaussian blur in view 1 and view 2, as 'P1,P2' or one 'P' for both (the paper's are 1,0.1).") var blur: String?
    @Option(help: "Probabilities of the solarization in view 1 and view 2, as 'P1,P2' or one 'P' for both (the paper's are 0,0.2).") var solarize: String?
    @Option(help: "Before probing, re-estimate the BN statistics of the evaluated networks on this many training images at the evaluation size (precise BN; default 0: keep the running statistics).") var preciseBn = 0
    @Flag(help: "Paper's ImageNet settings (ResNet-50, heads 4096/256, batch 128, lr 0.05/256, no warm-up, weight decay 1e-4, m0 0.99); an option given with it overrides its value.") var paperPreset = false

    func experiment() throws -> ExperimentConfig {
        let source = try dataOptions.source()
        // The recipe: the paper's ImageNet settings or the demo's, then every option given.
        var m: MethodConfig
        if paperPreset {
            m = .paperImageNet(totalSteps: 1)
        } else {
            m = MethodConfig(backbone: .init(depth: 18, width: 16, inChannels: 1, stem: .small), batch: Demo.batch, totalSteps: 1)
            m.baseLearningRate = Demo.learningRate
            m.warmupSteps = Demo.warmupSteps
            m.weightDecay = Demo.weightDecay
            m.baseMomentum = Demo.teacherMomentum
        }
        if let arch {
            guard arch.hasPrefix("resnet"), let depth = Int(arch.dropFirst(6)), [18, 34, 50].contains(depth) else {
                throw ValidationError("unknown --arch '\(arch)': resnet18, resnet34 or resnet50")
            }
            m.backbone.depth = depth
        }
        m.backbone.inChannels = source.channels
        m.backbone.seed = seed
        if let width { m.backbone.width = width }
        if let stem { m.backbone.stem = stem }
        if let hidden { m.hidden = hidden }
        if let out { m.out = out }
        if let batch { m.batch = batch }
        if let lr { m.baseLearningRate = lr }
        if let warmup { m.warmupSteps = warmup }
        if let weightDecay { m.weightDecay = weightDecay }
        if let m0 { m.baseMomentum = m0 }
        m.teacherBN = teacherBn
        m.ema = !noEma
        m.doubleVarianceCorrection = doubleCorrection
        m.syncBN = syncBn
        m.optimizer = optimizer
        m.seed = seed
        guard [steps != nil, epochs != nil, minutes != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("give one budget: --steps, --epochs or --minutes")
        }
        let budget: ExperimentConfig.Budget = steps.map { .steps($0) } ?? epochs.map { .epochs($0) } ?? minutes.map { .minutes($0) } ?? .steps(Demo.steps)
        var e = ExperimentConfig(data: source, method: m, budget: budget)
        e.output = output
        e.seed = seed
        try probeOptions.apply(to: &e)
        e.baselines = !noBaselines
        e.monitorKNN = !noMonitor
        e.trainLimit = trainLimit
        guard logEvery > 0, checkpointEvery > 0 else { throw ValidationError("--log-every and --checkpoint-every must be positive") }
        e.logEvery = logEvery
        e.checkpointEvery = checkpointEvery
        e.testLimit = testLimit
        // Recorded explicitly, so that a checkpoint resumes with the views it trained on.
        if case .fashionMNIST = source { e.viewSize = viewSize ?? Demo.fashionMNISTViewSize } else { e.viewSize = viewSize }
        e.cropMin = cropMin
        e.blur = try blur.map { try Self.probabilities($0, option: "--blur") }
        e.solarize = try solarize.map { try Self.probabilities($0, option: "--solarize") }
        guard preciseBn >= 0 else { throw ValidationError("--precise-bn must not be negative") }
        e.preciseBN = preciseBn > 0 ? preciseBn : nil
        return e
    }

    /// The value of `--blur` or `--solarize`: view 1's and view 2's probabilities, or one for both.
    static func probabilities(_ text: String, option: String) throws -> [Double] {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
        let parsed = fields.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(fields.count), parsed.count == fields.count, parsed.allSatisfy({ (0...1).contains($0) }) else {
            throw ValidationError("\(option) takes one probability or two, 'P1,P2', each in [0, 1]; got '\(text)'")
        }
        return parsed.count == 1 ? [parsed[0], parsed[0]] : parsed
    }

    func run() throws {
        let world = try Distributed.world()
        let leader = (world?.rank ?? 0) == 0
        let stop = CancellationToken()
        let interrupts = InterruptWatcher(cancelling: stop, alsoOnTermination: world != nil)
        defer { withExtendedLifetime(interrupts) {} }
        let progress = ProgressLine()
        var config = try experiment()
        do {
            // Rank 0's configuration is the run's: the ranks cannot disagree.
            if let world { config = try JSONDecoder().decode(ExperimentConfig.self, from: Data(try world.shareFromRoot { Array(try config.json().utf8) })) }
            // A resumed run continues the recorded experiment (data, seed, batch, budget), so
            // that it reproduces the original losses; an option that contradicts it is refused.
            let resuming = try resume.map { try Checkpoint.restore(URL(fileURLWithPath: $0), group: world) }
            if let recorded = resuming?.experiment {
                try ResumeCheck.refuseConflicts(recorded: recorded, given: config)
                config = recorded
                config.output = output
            }
            let data = try config.data.load(trainLimit: config.trainLimit, testLimit: config.testLimit, viewSize: config.viewSize, cropMin: config.cropMin,
                                            blur: config.blur, solarize: config.solarize)
            let say = leader ? progress.observer : { _ in }
            say(.note("data: \(data.name), \(data.train.count) training images\(data.test.map { ", \($0.count) test" } ?? "")" +
                      (world.map { ", \($0.size) ranks × \(Parallel.threads) threads" } ?? "")))
            say(.note(BLASKernels.note))
            let (m2, summary) = try Experiment.pretrain(config, data: data, resuming: resuming, observer: say, cancellation: stop, group: world)
            progress.finish()
            try Distributed.writeRankState(m2)
            if let stopped = summary.stoppedEarly {
                // Every rank stopped at the same step; rank 0 says so for all of them.
                guard leader || stopped != "interrupted" else { throw ExitCode(1) }
                throw ExitMessage("training stopped: \(stopped)")
            }
            // Rank 0 evaluates alone, on all of its machine's cores (the kernels give the same
            // numbers on any number of threads, so the same as one process); the others wait.
            guard leader else {
                try world?.barrier()
                return
            }
            defer { try? world?.barrier() }
            let threads = Parallel.threads
            Parallel.threads = threads * (world?.localSize ?? 1)
            defer { Parallel.threads = threads }
            let rows = noProbe ? [] : try Experiment.evaluate(m2.teacher.backbone, config: config, data: data, observer: say, cancellation: stop)
            // Exported after the evaluation, with the BN statistics the probe read.
            let exportURL = URL(fileURLWithPath: config.output ?? ".").appendingPathComponent("teacher_backbone.safetensors")
            try Checkpoint.exportBackbone(m2.teacher.backbone, to: exportURL)
            let result = ExperimentResult(training: summary, rows: rows, config: config)
            try Experiment.save(result)
            let loss = Double(summary.finalLoss ?? .nan)
            print(String(format: "pre-training: %d steps, %.2f epochs, %.0f s, %.0f images/s, final loss %.4f",
                         summary.steps, summary.epochs, summary.seconds, summary.imagesPerSecond, loss))
            if let c = summary.communication {
                print(String(format: "data parallel: %d ranks, %.2f MB of gradients per step in %d buckets, all-reduce %.1f ms/step in flight, %.1f ms/step exposed (%.0f%% hidden behind backward)",
                             c.ranks, Double(c.gradientBytesPerStep) / 1e6, c.buckets, c.inFlightSecondsPerStep * 1e3,
                             c.exposedSecondsPerStep * 1e3, c.hiddenFraction * 100))
            }
            if let knn = summary.knnTop1 { print(String(format: "kNN monitor at the end: %.2f%%", knn * 100)) }
            if !rows.isEmpty { print(result.table, terminator: "") }
            print("teacher backbone: \(exportURL.path)")
        } catch let e as ExitMessage {
            throw Distributed.prefixed(e)
        } catch let e as ExitCode {
            throw e
        } catch {
            throw Distributed.prefixed(ExitMessage("\(error)"))
        }
    }
}

/// An error whose message is printed as it is, with exit code 1.
struct ExitMessage: Error, CustomStringConvertible {
    let description: String
    init(_ s: String) { description = s }
}

extension MethodConfig.OptimizerKind: ExpressibleByArgument {}
extension MethodConfig.TeacherBN: ExpressibleByArgument {}
