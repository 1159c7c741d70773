import Foundation

/// Batch normalization over `[N, C]` (1-D) or `[N, C, H, W]` (2-D) with three modes.
///
/// - **standard**, training: normalize with the batch mean and biased variance; update the
///   running statistics with momentum 0.1 and the unbiased variance (PyTorch).
/// - **standard**, eval: normalize with the running statistics.
/// - **momentum** (the Momentum² teacher, SPEC §2), training: normalize with the mixed
///   statistics `μ̃ = α·μ_b + (1−α)·μ`, `σ̃² = α·σ²_b + (1−α)·σ²` (unbiased σ²_b); after every
///   ``viewsPerUpdate`` forwards the running statistics take the views' average,
///   `μ ← α·avg(μ_b) + (1−α)·μ`, then `t ← t+1`, `α ← (cos(πt/T)+1)/2`.
///   In eval mode it normalizes with the running statistics like standard BN.
public final class BatchNorm: Module {
    /// How the module normalizes in training mode.
    public enum Mode: String, Codable, Sendable {
        /// Training-mode statistics (student, BYOL-style teacher).
        case standard
        /// Momentum BN (Momentum² teacher).
        case momentum
    }

    /// How the momentum teacher turns the batch variance into the one it mixes.
    public enum VarianceCorrection: String, Codable, Sendable {
        /// n/(n−1) once (the method as stated).
        case unbiased
        /// As the original code: the unbiased variance corrected by n/(n−1) a second time,
        /// both where it normalizes and where it enters the running statistics.
        case double
    }

    /// The momentum-BN state, for inspection and checkpoints.
    public struct MomentumState: Codable, Sendable, Equatable {
        /// α: the weight of the batch statistics (1 at the start).
        public var alpha: TensorScalar = 1
        /// Iterations (pairs of views) completed.
        public var iterations = 0
        /// T: iterations over which α decays to 0.
        public var totalIterations = 1
        /// Views seen since the last update.
        public var pendingViews = 0
        /// Per-channel sum of the pending views' batch means.
        public var pendingMean: [TensorScalar] = []
        /// Per-channel sum of the pending views' batch variances, corrected as they are mixed.
        public var pendingVariance: [TensorScalar] = []
    }

    /// C: the number of channels normalized.
    public let features: Int
    /// 1 for `[N, C]` input, 2 for images (only affects printing).
    public let dimensions: Int
    /// ε added to the variance before the square root (default 1e-5).
    public let eps: TensorScalar
    /// Running-statistics momentum of standard mode (PyTorch's 0.1).
    public var runningMomentum: TensorScalar
    /// How the layer normalizes in training mode (``Mode/standard`` until switched to
    /// momentum BN).
    public var mode: Mode
    /// How momentum mode corrects the batch variance (default ``VarianceCorrection/unbiased``);
    /// standard mode ignores it.
    public var varianceCorrection: VarianceCorrection = .unbiased
    /// Forwards per momentum update (two views).
    public var viewsPerUpdate = 2
    /// Momentum-BN state.
    public var momentumState = MomentumState()
    /// The ranks whose batches this layer normalizes together (SyncBN): training-mode
    /// statistics are those of the global batch, every rank's part of it the same size; nil:
    /// this process's batch alone.
    public var syncGroup: ProcessGroup?
    /// The last training-mode forward's batch mean per channel.
    public private(set) var lastBatchMean: [TensorScalar]?
    /// The last training-mode forward's batch variance per channel: unbiased, and in momentum mode
    /// corrected as ``varianceCorrection`` says.
    public private(set) var lastBatchVariance: [TensorScalar]?

    /// γ, the per-channel scale `[C]` (parameter `weight`, starts at 1).
    public var weight: Tensor { ownParameters[0].tensor }
    /// β, the per-channel shift `[C]` (parameter `bias`, starts at 0).
    public var bias: Tensor { ownParameters[1].tensor }
    /// Running mean μ `[C]` (buffer `running_mean`, starts at 0).
    public var runningMean: Tensor { ownBuffers[0].tensor }
    /// Running variance σ² `[C]` (buffer `running_var`, starts at 1).
    public var runningVariance: Tensor { ownBuffers[1].tensor }
    /// How many times the running statistics were updated, a scalar (buffer
    /// `num_batches_tracked`, as PyTorch); normalization does not read it.
    public var batchesTracked: Tensor { ownBuffers[2].tensor }

    /// A BN layer with γ = 1, β = 0, running mean 0 and variance 1.
    public init(_ features: Int, dimensions: Int = 2, eps: TensorScalar = 1e-5, momentum: TensorScalar = 0.1, mode: Mode = .standard) throws {
        guard features > 0 else { throw TensorError.invalidArgument(op: "BatchNorm", reason: "features must be positive, got \(features)") }
        (self.features, self.dimensions, self.eps, self.runningMomentum, self.mode) = (features, dimensions, eps, momentum, mode)
        super.init()
        register(parameter: "weight", try Tensor.ones([features]))
        register(parameter: "bias", try Tensor.zeros([features]))
        register(buffer: "running_mean", try Tensor.zeros([features]))
        register(buffer: "running_var", try Tensor.ones([features]))
        register(buffer: "num_batches_tracked", Tensor(scalar: 0))
    }

    /// Switches to momentum BN with α decaying over `totalIterations`, from the start.
    public func useMomentumStatistics(totalIterations: Int, correction: VarianceCorrection = .unbiased) {
        mode = .momentum
        varianceCorrection = correction
        momentumState = MomentumState(totalIterations: max(totalIterations, 1))
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2 || x.rank == 4, x.shape[1] == features else {
            throw TensorError.shapeMismatch(op: "BatchNorm\(dimensions)d(\(features))", lhs: x.shape, rhs: [features])
        }
        guard isTraining else {
            return try batchNorm(x, weight: weight, bias: bias, eps: eps, batchWeight: 0,
                                 runningMean: runningMean, runningVariance: runningVariance).output
        }
        let n = x.count / features * (syncGroup?.size ?? 1)
        guard n > 1 else {
            throw TensorError.invalidArgument(op: "BatchNorm\(dimensions)d", reason: "training needs more than one value per channel, got input \(x.shape)")
        }
        let unbias = TensorScalar(n) / TensorScalar(n - 1)
        switch mode {
        case .standard:
            let r = try normalize(x, alpha: 1, factor: 1)
            let mean = r.batchMean ?? [], variance = (r.batchVariance ?? []).map { $0 * unbias }
            // Inside a parallel branch the statistics are recorded at the join, in order.
            try Parallel.deferEffect { [self] in
                (lastBatchMean, lastBatchVariance) = (mean, variance)
                try updateRunning(mean: mean, variance: variance, momentum: runningMomentum)
            }
            return r.output
        case .momentum:
            let alpha = momentumState.alpha
            // The original code applies n/(n−1) to an already unbiased variance.
            let factor = varianceCorrection == .double ? unbias * unbias : unbias
            let r = try normalize(x, alpha: alpha, factor: factor)
            let mean = r.batchMean ?? []
            let variance = (r.batchVariance ?? []).map { $0 * factor }
            try Parallel.deferEffect { [self] in
                (lastBatchMean, lastBatchVariance) = (mean, variance)
                try accumulateView(mean: mean, variance: variance)
            }
            return r.output
        }
    }

    /// The training-mode kernel: this batch's statistics, or the global batch's with a
    /// ``syncGroup``; mixed with the running ones by α.
    private func normalize(_ x: Tensor, alpha: TensorScalar, factor: TensorScalar) throws -> BatchNormOutput {
        if let group = syncGroup, group.size > 1 {
            return try syncBatchNorm(x, weight: weight, bias: bias, eps: eps, batchWeight: alpha, varianceFactor: factor,
                                     runningMean: runningMean, runningVariance: runningVariance, group: group)
        }
        if alpha == 1 && factor == 1 { return try batchNorm(x, weight: weight, bias: bias, eps: eps) }
        return try batchNorm(x, weight: weight, bias: bias, eps: eps, batchWeight: alpha, varianceFactor: factor,
                             runningMean: runningMean, runningVariance: runningVariance, computeBatchStatistics: true)
    }

    /// Adds one view's statistics; after ``viewsPerUpdate`` views, updates the running
    /// statistics with their average and advances α.
    func accumulateView(mean: [TensorScalar], variance: [TensorScalar]) throws {
        var s = momentumState
        guard mean.count == features, variance.count == features,
              s.pendingViews == 0 || (s.pendingMean.count == features && s.pendingVariance.count == features) else {
            throw TensorError.invalidArgument(op: "BatchNorm\(dimensions)d momentum update", reason: "statistics of \(mean.count) channels for \(features) features")
        }
        if s.pendingViews == 0 { s.pendingMean = mean; s.pendingVariance = variance } else {
            for c in 0..<features { s.pendingMean[c] += mean[c]; s.pendingVariance[c] += variance[c] }
        }
        s.pendingViews += 1
        if s.pendingViews >= viewsPerUpdate {
            let k = TensorScalar(s.pendingViews)
            try updateRunning(mean: s.pendingMean.map { $0 / k }, variance: s.pendingVariance.map { $0 / k }, momentum: s.alpha)
            s.pendingViews = 0
            s.pendingMean = []; s.pendingVariance = []
            s.iterations += 1
            s.alpha = TensorScalar(Schedule.bnMomentum(iteration: s.iterations, total: s.totalIterations))
        }
        momentumState = s
    }

    /// Lets α decay over `totalIterations` from here on, with α recomputed for the iterations
    /// already done (a time budget re-sizes its schedules once the step rate is known).
    public func resizeMomentumSchedule(totalIterations: Int) {
        momentumState.totalIterations = max(totalIterations, 1)
        momentumState.alpha = TensorScalar(Schedule.bnMomentum(iteration: momentumState.iterations, total: momentumState.totalIterations))
    }

    /// Replaces the running statistics (precise BN).
    public func setRunningStatistics(mean: [TensorScalar], variance: [TensorScalar]) throws {
        guard mean.count == features, variance.count == features else {
            throw TensorError.invalidArgument(op: "BatchNorm\(dimensions)d(\(features)) statistics", reason: "got \(mean.count) means and \(variance.count) variances")
        }
        try updateRunning(mean: mean, variance: variance, momentum: 1)
    }

    /// `running ← momentum·batch + (1 − momentum)·running`.
    func updateRunning(mean: [TensorScalar], variance: [TensorScalar], momentum: TensorScalar) throws {
        let (rm, rv) = (runningMean, runningVariance)
        for c in 0..<features {
            rm.storage.pointer[c] = momentum * mean[c] + (1 - momentum) * rm.storage.pointer[c]
            rv.storage.pointer[c] = momentum * variance[c] + (1 - momentum) * rv.storage.pointer[c]
        }
        batchesTracked.storage.pointer[0] += 1
    }

    override public var typeName: String { "BatchNorm\(dimensions)d" }
    override public var extraDescription: String { "\(features)" + (mode == .momentum ? ", momentum BN" : "") }
}
