/// The two networks of the method. Keys: `backbone.…`, `projector.0.weight`, `predictor.…`.

/// Student = backbone → projector → predictor → L2-normalize; trained by gradients.
public final class StudentNetwork: Module {
    /// The ResNet backbone (keys `backbone.…`).
    public let backbone: ResNet
    /// Projector Linear(d→h) → BN1d → ReLU → Linear(h→o) (keys `projector.…`).
    public let projector: Sequential
    /// Predictor Linear(o→h) → BN1d → ReLU → Linear(h→o) (keys `predictor.…`).
    public let predictor: Sequential

    /// A student as `config` describes it; the backbone takes its seed from
    /// ``MethodConfig/backbone``, the heads one derived from ``MethodConfig/seed``.
    public init(config: MethodConfig) throws {
        backbone = try ResNet(config.backbone)
        let g = RandomGenerator(seed: config.seed &+ 0x5EED)
        projector = try mlpHead(input: backbone.featureDimension, hidden: config.hidden, output: config.out, generator: g)
        predictor = try mlpHead(input: config.out, hidden: config.hidden, output: config.out, generator: g)
        super.init()
        register("backbone", backbone)
        register("projector", projector)
        register("predictor", predictor)
    }

    /// The L2-normalized prediction q of a batch.
    override public func forward(_ x: Tensor) throws -> Tensor {
        try l2Normalize(predictor(projector(backbone(x))), axis: 1)
    }
}

/// Teacher = backbone → projector → L2-normalize; updated only by EMA, never by gradients.
/// With momentum BN every BN layer (2-D in the backbone, 1-D in the projector) mixes batch
/// and running statistics.
public final class TeacherNetwork: Module {
    /// The backbone, an EMA of the student's; the kNN monitor embeds with it (keys `backbone.…`).
    public let backbone: ResNet
    /// Projector Linear(d→h) → BN1d → ReLU → Linear(h→o) (keys `projector.…`).
    public let projector: Sequential

    /// A teacher with the student's architecture; parameters are copied from `student`,
    /// BN running statistics start fresh at 0/1.
    public init(config: MethodConfig, copying student: StudentNetwork) throws {
        backbone = try ResNet(config.backbone)
        projector = try mlpHead(input: backbone.featureDimension, hidden: config.hidden, output: config.out, generator: RandomGenerator(seed: 0))
        super.init()
        register("backbone", backbone)
        register("projector", projector)
        try copyParameters(from: student)
        for (_, m) in namedModules() {
            guard let bn = m as? BatchNorm else { continue }
            if config.teacherBN == .momentum {
                bn.useMomentumStatistics(totalIterations: config.totalSteps, correction: config.doubleVarianceCorrection ? .double : .unbiased)
            }
        }
    }

    /// Sets every teacher parameter to the student's (BN buffers untouched); the teacher's
    /// parameters never require gradients.
    public func copyParameters(from student: StudentNetwork) throws {
        let source = Dictionary(uniqueKeysWithValues: student.namedParameters())
        for (name, t) in namedParameters() {
            guard let s = source[name] else { throw TensorError.invalidArgument(op: "teacher", reason: "student has no parameter \(name)") }
            try t.copyValues(from: s)
            t.requiresGrad = false
        }
    }

    /// The L2-normalized projection k of a batch, without gradients.
    override public func forward(_ x: Tensor) throws -> Tensor {
        try withNoGrad { try l2Normalize(projector(backbone(x)), axis: 1) }
    }

    /// Every BN layer with its dotted path.
    public var batchNorms: [(name: String, layer: BatchNorm)] {
        namedModules().compactMap { n, m in (m as? BatchNorm).map { (n, $0) } }
    }

    /// The BN layer at a dotted path (`"backbone.layer1.0.bn1"`).
    public func bn(_ path: String) -> BatchNorm? { submodule(path) as? BatchNorm }
}
