/// Everything that defines a Momentum² Teacher model and its optimization (SPEC §2).
public struct MethodConfig: Codable, Sendable, Equatable {
    /// How the teacher normalizes.
    public enum TeacherBN: String, Codable, Sendable, CaseIterable {
        /// Momentum BN: mixed batch/running statistics with α decaying from 1 to 0.
        case momentum
        /// Plain training-mode BN (BYOL-style): batch statistics only.
        case plain
    }

    /// The student's optimizer.
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
        /// `sgd`: SGD with momentum and weight decay; `lars`: LARS with trust coefficient
        /// ``MethodConfig/larsEta`` (for large batches).
        case sgd, lars
    }

    /// The backbone (student and teacher share the architecture).
    public var backbone: ResNet.Config
    /// h: hidden width of the projector and predictor (default 512; the paper's 4096).
    public var hidden: Int
    /// o: output width of the projector and predictor (default 128; the paper's 256).
    public var out: Int
    /// Images per view per step.
    public var batch: Int
    /// K: total optimizer steps (the schedules end there).
    public var totalSteps: Int
    /// m₀: the teacher EMA momentum at step 0 (cosine to 1).
    public var baseMomentum: Double = 0.99
    /// false: the teacher is a stop-gradient copy of the student every step (m = 0).
    public var ema = true
    /// How the teacher's BN layers normalize (default ``TeacherBN/momentum``).
    public var teacherBN: TeacherBN = .momentum
    /// The original code's double variance correction in momentum BN.
    public var doubleVarianceCorrection = false
    /// SyncBN: in a data-parallel run, student and teacher BN normalize with the statistics
    /// of the whole global batch (BYOL's and SimCLR's way), instead of each rank's own batch
    /// (the paper's way, the default). The same as plain BN in one process.
    public var syncBN: Bool {
        get { syncBatchNorm ?? false }
        set { syncBatchNorm = newValue ? true : nil }
    }
    /// Stored optionally, so that checkpoints written before it existed still decode.
    private var syncBatchNorm: Bool?
    /// The student's optimizer (default ``OptimizerKind/sgd``).
    public var optimizer: OptimizerKind = .sgd
    /// Learning rate per 256 images (scaled by batch/256), unless ``learningRate`` is set.
    public var baseLearningRate: Double = 0.05
    /// An absolute learning rate, overriding the scaled one.
    public var learningRate: Double?
    /// Linear warm-up steps (from 1e-6), then cosine to 0.
    public var warmupSteps = 0
    /// Keep the learning rate constant (no warm-up, no cosine).
    public var constantLearningRate = false
    /// Optimizer momentum μ (default 0.9).
    public var momentum: Double = 0.9
    /// Weight decay λ on the student's parameters (default 1e-4); LARS leaves out its excluded
    /// ones (BN parameters and biases).
    public var weightDecay: Double = 1e-4
    /// LARS trust coefficient η.
    public var larsEta: Double = 0.001
    /// Seed of the heads' initialization (the backbone has its own in ``backbone``).
    public var seed: UInt64 = 0

    /// A configuration with the defaults above; `totalSteps` is K, over which every schedule runs.
    public init(backbone: ResNet.Config, hidden: Int = 512, out: Int = 128, batch: Int = 64, totalSteps: Int) {
        (self.backbone, self.hidden, self.out, self.batch, self.totalSteps) = (backbone, hidden, out, batch, totalSteps)
    }

    /// The paper's ImageNet settings: ResNet-50, heads 4096/256, batch 128, m₀ 0.99,
    /// lr 0.05·batch/256 with cosine, weight decay 1e-4, momentum BN.
    public static func paperImageNet(totalSteps: Int) -> MethodConfig {
        var c = MethodConfig(backbone: .init(depth: 50, width: 64, inChannels: 3, stem: .imagenet), hidden: 4096, out: 256, batch: 128, totalSteps: totalSteps)
        c.warmupSteps = 0
        return c
    }

    /// The peak learning rate: absolute if set, else `baseLearningRate · batch / 256`.
    public var peakLearningRate: Double { learningRate ?? Schedule.scaledLearningRate(basePer256: baseLearningRate, batch: batch) }

    /// The learning rate of step k.
    public func learningRate(step k: Int) -> Double {
        if constantLearningRate { return peakLearningRate }
        return Schedule.warmupCosine(step: k, total: totalSteps, warmup: warmupSteps, base: peakLearningRate)
    }

    /// The teacher momentum of step k (0 when EMA is off).
    public func teacherMomentum(step k: Int) -> Double {
        ema ? Schedule.teacherMomentum(step: k, total: totalSteps, base: baseMomentum) : 0
    }

    /// Rejects settings that cannot train.
    public func validate() throws {
        func bad(_ reason: String) -> TensorError { .invalidArgument(op: "momentum2_teacher", reason: reason) }
        guard hidden > 0, out > 0 else { throw bad("hidden and out must be positive") }
        guard batch >= 2 else { throw bad("batch must be at least 2 (batch norm needs more than one sample), got \(batch)") }
        guard totalSteps > 0 else { throw bad("total steps must be positive, got \(totalSteps)") }
        guard (0...1).contains(baseMomentum) else { throw bad("base momentum m0 must lie in [0, 1], got \(baseMomentum)") }
        guard peakLearningRate >= 0, peakLearningRate.isFinite else { throw bad("learning rate must be a non-negative number") }
        guard warmupSteps >= 0, weightDecay >= 0, momentum >= 0 else { throw bad("warm-up, weight decay and momentum must not be negative") }
    }
}
