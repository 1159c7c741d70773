import Foundation

/// The outcome of one training step.
public struct StepResult: Codable, Sendable, Equatable {
    /// The step index k that was taken.
    public var step: Int
    /// The loss of the step, before the optimizer update: 0 (aligned) to 8 (opposite).
    public var loss: TensorScalar
    /// Learning rate used by the optimizer step.
    public var learningRate: TensorScalar
    /// Teacher EMA momentum m_k used before the teacher forwards.
    public var teacherMomentum: TensorScalar
    /// Momentum-BN α of the teacher when it normalized (1 with plain BN).
    public var bnMomentum: TensorScalar
    /// Mean over dimensions of the batch std of the normalized student outputs; near 0
    /// means the representation has collapsed (healthy ≈ 1/√out).
    public var outputStd: TensorScalar
}

/// The Momentum² Teacher method: a student, a momentum teacher with momentum BN, the loss and
/// the optimizer, usable as one ``step(_:_:)`` or piece by piece:
///
/// ```swift
/// let m = try m2.emaUpdate()          // θ_t ← m·θ_t + (1−m)·θ_s
/// let q1 = try m2.student(x1), q2 = try m2.student(x2)
/// let k1 = try m2.teacher(x2), k2 = try m2.teacher(x1)
/// let loss = try m2.loss(q1: q1, q2: q2, k1: k1, k2: k2)
/// try loss.backward()
/// try m2.optimizerStep()
/// ```
public final class Momentum2Teacher {
    /// The settings; only ``resizeSchedules(totalSteps:)`` changes them after construction.
    public private(set) var config: MethodConfig
    /// Backbone → projector → predictor → L2-normalize, trained by ``optimizer``.
    public let student: StudentNetwork
    /// Backbone → projector → L2-normalize, updated only by ``emaUpdate()``.
    public let teacher: TeacherNetwork
    /// The student's optimizer (``MethodConfig/optimizer``); ``optimizerStep()`` sets its learning rate.
    public private(set) var optimizer: any Optimizer
    /// k: optimizer steps taken so far.
    public private(set) var step = 0
    /// The m used by the last EMA update.
    public private(set) var lastTeacherMomentum: Double = 0

    /// A student, a teacher with the student's parameters (and momentum BN unless
    /// ``MethodConfig/teacherBN`` says plain), and the optimizer; both networks in training mode.
    /// - Throws: ``TensorError`` when `config` cannot train (see ``MethodConfig/validate()``).
    public init(config: MethodConfig) throws {
        try config.validate()
        self.config = config
        student = try StudentNetwork(config: config)
        teacher = try TeacherNetwork(config: config, copying: student)
        optimizer = try Momentum2Teacher.makeOptimizer(config, student)
        student.train()
        teacher.train()
    }

    static func makeOptimizer(_ config: MethodConfig, _ student: StudentNetwork) throws -> any Optimizer {
        let params = student.namedParameters().map { NamedParameter(name: $0.name, tensor: $0.tensor) }
        let lr = TensorScalar(config.learningRate(step: 0))
        switch config.optimizer {
        case .sgd:
            return try SGD(params, learningRate: lr, momentum: TensorScalar(config.momentum), weightDecay: TensorScalar(config.weightDecay))
        case .lars:
            return try LARS(params, learningRate: lr, momentum: TensorScalar(config.momentum), weightDecay: TensorScalar(config.weightDecay),
                            trustCoefficient: TensorScalar(config.larsEta))
        }
    }

    // MARK: - The pieces

    /// `θ_t ← m_k·θ_t + (1 − m_k)·θ_s` over the teacher's parameters (BN buffers excluded),
    /// with the teacher momentum of the current step k (cosine from m₀ to 1).
    /// - Returns: m_k as the schedule gives it (the tensors are updated with it rounded to
    ///   ``TensorScalar``).
    @discardableResult
    public func emaUpdate() throws -> Double {
        let m = config.teacherMomentum(step: step)
        let mt = TensorScalar(m)
        let source = Dictionary(uniqueKeysWithValues: student.namedParameters())
        let pairs = teacher.namedParameters().compactMap { name, t in source[name].map { (t, $0) } }
        try FusedUpdate.movingAverage(pairs.map(\.0), toward: pairs.map(\.1), momentum: mt)
        lastTeacherMomentum = m
        return m
    }

    /// `mean(4 − 2(⟨q1,k1⟩ + ⟨q2,k2⟩))`, with q from the student and k from the teacher
    /// (k1 = teacher(x2), k2 = teacher(x1)).
    public func loss(q1: Tensor, q2: Tensor, k1: Tensor, k2: Tensor) throws -> Tensor {
        try momentum2Loss(q1: q1, q2: q2, k1: k1, k2: k2)
    }

    /// Sets the learning rate of step k, applies the optimizer, clears gradients, k ← k + 1.
    /// - Returns: the learning rate used.
    @discardableResult
    public func optimizerStep() throws -> TensorScalar {
        let lr = TensorScalar(config.learningRate(step: step))
        optimizer.learningRate = lr
        try optimizer.step()
        optimizer.zeroGrad()
        step += 1
        return lr
    }

    /// Whether ``step(_:_:)`` runs the two views side by side, each on its own core (see
    /// ``stepViewsInParallel(_:_:)``); on by default with two or more threads, off with
    /// `M2T_VIEW_BRANCHES=0`. Both ways compute the same step and are deterministic; the
    /// branches give the bits one thread gives in turn, two threads in turn differ from both
    /// by the order of floating-point sums.
    public var viewsInParallel = Parallel.threads >= 2 && ProcessInfo.processInfo.environment["M2T_VIEW_BRANCHES"] != "0"

    /// One whole step on two views of a batch: EMA, student on each view (separate batches),
    /// teacher on the swapped views, loss, backward, optimizer.
    public func step(_ x1: Tensor, _ x2: Tensor) throws -> StepResult {
        guard x1.shape == x2.shape else { throw TensorError.shapeMismatch(op: "step (views)", lhs: x1.shape, rhs: x2.shape) }
        let k = step
        let m = try emaUpdate()
        let alpha = teacherBNMomentum
        // SyncBN's collectives must run one after the other, never from two branches at once.
        let branches = viewsInParallel && !(config.syncBN && dataParallel != nil)
        var value: TensorScalar = 0, q1 = Tensor(scalar: 0)
        func views() throws {
            // The student's convolution weights serve its forward and backward on both views,
            // the teacher's its forward on both: transformed once (Winograd), not per use.
            let (studentWeights, teacherWeights) = (Momentum2Teacher.sameSizeConvWeights(student), Momentum2Teacher.sameSizeConvWeights(teacher))
            (value, q1) = try withPreparedWinogradWeights(forward: studentWeights + teacherWeights, inputGradient: studentWeights) {
                branches ? try stepViewsInParallel(x1, x2) : try stepViewsInTurn(x1, x2)
            }
        }
        var spread: TensorScalar
        if let dataParallel {
            // Every rank takes part in every collective, even with a non-finite loss (no
            // gradients then, zeros in the buckets); the averaged loss tells them all.
            try dataParallel.reduceGradients(views)
            let local = value.isFinite ? try Momentum2Teacher.outputStd(q1) : .nan
            let averaged = try dataParallel.reduceStepValues(loss: Double(value), spread: Double(local))
            (value, spread) = (TensorScalar(averaged.loss), TensorScalar(averaged.spread))
        } else {
            try views()
            spread = value.isFinite ? try Momentum2Teacher.outputStd(q1) : .nan
        }
        guard value.isFinite else {
            optimizer.zeroGrad()
            throw TrainingError.nonFiniteLoss(step: k, value: value)
        }
        let lr = try optimizerStep()
        return StepResult(step: k, loss: value, learningRate: lr, teacherMomentum: TensorScalar(m), bnMomentum: alpha, outputStd: spread)
    }

    /// The weights of `module`'s 3×3 stride-1 convolutions that keep the image size (the ones
    /// ``withPreparedWinogradWeights(forward:inputGradient:_:)`` may serve).
    static func sameSizeConvWeights(_ module: Module) -> [Tensor] {
        module.namedModules().compactMap { _, m in
            guard let conv = m as? Conv2d, conv.kernel == 3, conv.stride == 1, conv.padding == 1 else { return nil }
            return conv.weight
        }
    }

    /// Data-parallel training over `group` from now on (``DataParallel``): the caller gives
    /// each rank its part of every global batch; a world of one changes nothing.
    /// - Parameter bucketBytes: the gradient buckets' target size (``DataParallel/bucketBytes``).
    public func distribute(over group: ProcessGroup, bucketBytes: Int? = nil) throws {
        guard group.size > 1 else { return }
        dataParallel = try DataParallel(self, group: group, bucketBytes: bucketBytes)
    }

    /// The data-parallel side of ``step(_:_:)``, when training over several ranks.
    public private(set) var dataParallel: DataParallel?

    /// Forwards, loss and (for a finite loss) backward, one piece after the other.
    /// - Returns: the loss and q1.
    private func stepViewsInTurn(_ x1: Tensor, _ x2: Tensor) throws -> (TensorScalar, Tensor) {
        let q1 = try student(x1), q2 = try student(x2)
        let k1 = try teacher(x2), k2 = try teacher(x1)
        let loss = try self.loss(q1: q1, q2: q2, k1: k1, k2: k2)
        let value = try loss.item()
        if value.isFinite { try loss.backward() }
        return (value, q1)
    }

    /// The same with the views side by side (``Parallel/branches(_:_:keepGradients:)``):
    /// one core computes q1 = student(x1), k1 = teacher(x2), its half of the loss and that
    /// half's backward; the other core q2 = student(x2), k2 = teacher(x1) and the other
    /// half. The loss splits exactly into the two halves, the student's graphs of the two
    /// views are separate anyway (two batches), and the BN statistics and parameter
    /// gradients are handed over at the join in the order of ``stepViewsInTurn(_:_:)``.
    /// A small batch keeps one core busy far better than two cores one kernel at a time.
    private func stepViewsInParallel(_ x1: Tensor, _ x2: Tensor) throws -> (TensorScalar, Tensor) {
        func half(_ own: Tensor, _ other: Tensor) throws -> (loss: TensorScalar, q: Tensor) {
            let q = try student(own), k = try teacher(other)
            let loss = try halfMomentum2Loss(q: q, k: k)
            let value = try loss.item()
            if value.isFinite { try loss.backward() }
            return (value, q.detach())
        }
        let (a, b) = try Parallel.branches({ try half(x1, x2) }, { try half(x2, x1) },
                                           keepGradients: { $0.loss.isFinite && $1.loss.isFinite })
        return (a.loss + b.loss, a.q)
    }

    /// Makes every schedule (learning rate, teacher momentum m_k, momentum-BN α) end at
    /// `totalSteps` instead. A time budget does this early (by 10% of the way) once the real
    /// step rate is known: the schedules still end at their final values, and the values of
    /// the current step move by a fraction of a percent (0.07% at run 6's last re-size).
    public func resizeSchedules(totalSteps: Int) throws {
        guard totalSteps > step else {
            throw TensorError.invalidArgument(op: "resizeSchedules", reason: "total steps \(totalSteps) must exceed the \(step) steps already taken")
        }
        var c = config
        c.totalSteps = totalSteps
        try c.validate()
        config = c
        if config.teacherBN == .momentum {
            for (_, bn) in teacher.batchNorms { bn.resizeMomentumSchedule(totalIterations: totalSteps) }
        }
    }

    /// α of the teacher's momentum BN (1 for a plain-BN teacher).
    public var teacherBNMomentum: TensorScalar {
        config.teacherBN == .momentum ? (teacher.batchNorms.first?.layer.momentumState.alpha ?? 1) : 1
    }

    /// Mean over dimensions of the per-dimension std across the batch of normalized outputs.
    public static func outputStd(_ q: Tensor) throws -> TensorScalar {
        try withNoGrad { try q.detach().variance(axes: [0], unbiased: false).sqrt().mean().item() }
    }

    // MARK: - State for checkpoints

    /// Restores the step counter and optimizer buffers (checkpoint resume).
    public func restore(step: Int, optimizerState: [Tensor?]) throws {
        guard step >= 0 && step <= config.totalSteps else {
            throw TrainingError.badCheckpoint(reason: "step \(step) outside 0...\(config.totalSteps)")
        }
        self.step = step
        try optimizer.loadState(optimizerState)
    }
}
