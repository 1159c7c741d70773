import Foundation

/// Data-parallel training of one ``Momentum2Teacher`` over the ranks of a ``ProcessGroup``
/// (PyTorch's DistributedDataParallel, for this method): every rank steps the same model on
/// its part of the global batch, and after each step every rank holds the same student and
/// teacher.
///
/// Per step, two kinds of communication:
/// - **Gradients**, averaged with all-reduces over flat buckets of about ``bucketBytes``
///   (not one call per tensor). Buckets follow the parameters in reverse order, the order
///   backward finishes them, and each starts, non-blocking, as soon as its gradients are
///   final (``withLeafGradientObserver(_:_:)``) while backward goes on.
/// - **One small all-reduce** of the rest: the step's loss and output spread (their averages
///   are what the step reports), the trainer's control words (a stop request, a deadline, a
///   re-size, which all ranks must apply at the same step), and — with per-rank BN — every BN
///   layer's running statistics. Averaging the updated running statistics equals updating
///   them with the ranks' averaged batch statistics, the update being linear in them: the
///   teacher's momentum BN normalizes each rank's batch alone, with no communication in the
///   forward pass, and every rank still holds the same teacher (SPEC §8).
///
/// With ``MethodConfig/syncBN`` the BN layers normalize with the global batch's statistics
/// instead (``syncBatchNorm(_:weight:bias:eps:batchWeight:varianceFactor:runningMean:runningVariance:group:)``),
/// so their running statistics agree without averaging.
public final class DataParallel {
    /// The ranks.
    public let group: ProcessGroup
    /// Target size of a gradient bucket (`M2T_BUCKET_KB` overrides it).
    public let bucketBytes: Int
    /// Steps between comparisons of a checksum of every parameter and buffer across the
    /// ranks (`M2T_CHECKSUM_EVERY`); a mismatch stops training.
    public var checksumEvery: Int
    /// Seconds gradient all-reduces were in flight, and of those the seconds the step waited
    /// for them after backward: `1 − exposed / inFlight` of the communication was hidden.
    public private(set) var inFlightSeconds = 0.0, exposedSeconds = 0.0
    /// Steps whose gradients were averaged.
    public private(set) var reducedSteps = 0
    /// Words the trainer adds to the step's small all-reduce (summed over the ranks; read
    /// the sums in ``reducedControl`` after the step). Called after the step's backward pass,
    /// so that a stop requested during the step is seen at its end, not a step later.
    public var control: () -> [Double] = { [] }
    /// The control words of the last step, summed over the ranks.
    public private(set) var reducedControl: [Double] = []

    private let buckets: [Bucket]
    private let owner: [ObjectIdentifier: Int]
    private let statistics: [Tensor]

    /// Prepares `m2` for data-parallel steps on `group`: buckets over the student's
    /// parameters; with `syncBN`, every BN layer of both networks normalizes over the group.
    /// - Parameter bucketBytes: the target bucket size (default 1 MiB, or `M2T_BUCKET_KB`).
    public init(_ m2: Momentum2Teacher, group: ProcessGroup, bucketBytes: Int? = nil) throws {
        self.group = group
        let env = ProcessInfo.processInfo.environment
        self.bucketBytes = bucketBytes ?? (env["M2T_BUCKET_KB"].flatMap(Int.init) ?? 1024) * 1024
        checksumEvery = max(env["M2T_CHECKSUM_EVERY"].flatMap(Int.init) ?? 200, 1)
        var buckets: [Bucket] = [], current: [Tensor] = [], size = 0
        for (_, p) in m2.student.namedParameters().reversed() {
            current.append(p)
            size += p.count * MemoryLayout<TensorScalar>.size
            if size >= self.bucketBytes { buckets.append(try Bucket(current)); (current, size) = ([], 0) }
        }
        if !current.isEmpty { buckets.append(try Bucket(current)) }
        self.buckets = buckets
        var owner: [ObjectIdentifier: Int] = [:]
        for (i, b) in buckets.enumerated() { for p in b.parameters { owner[ObjectIdentifier(p)] = i } }
        self.owner = owner
        let layers = (m2.student.namedModules() + m2.teacher.namedModules()).compactMap { $0.module as? BatchNorm }
        if m2.config.syncBN {
            for bn in layers { bn.syncGroup = group }
            statistics = []
        } else {
            statistics = layers.flatMap { [$0.runningMean, $0.runningVariance] }
        }
    }

    /// Runs `backward` (a closure that runs the step's backward passes) with the gradient
    /// buckets starting as their gradients become final, then waits for every bucket and
    /// leaves each parameter's gradient averaged over the ranks.
    func reduceGradients(_ backward: () throws -> Void) throws {
        for b in buckets { b.reset() }
        var nextToStart = 0
        // Buckets start in order on every rank: collectives must be called in the same order.
        func startReady() throws {
            while nextToStart < buckets.count, buckets[nextToStart].isReady {
                try buckets[nextToStart].start(group)
                nextToStart += 1
            }
            for b in buckets.prefix(nextToStart) { try b.poll() }
        }
        var failure: Error?
        try withLeafGradientObserver({ [owner, buckets] leaf in
            guard failure == nil, let i = owner[ObjectIdentifier(leaf)] else { return }
            buckets[i].markReady(leaf)
            do { try startReady() } catch { failure = error }
        }, backward)
        if let failure { throw failure }
        // Gradients that arrived without the observer (branches hand theirs over at the join).
        for b in buckets { b.markAllReady() }
        try startReady()
        let waited = Date()
        for b in buckets { try b.finish(group) }
        let exposed = Date().timeIntervalSince(waited)
        exposedSeconds += exposed
        inFlightSeconds += buckets.map(\.secondsInFlight).reduce(0, +)
        reducedSteps += 1
    }

    /// The step's small all-reduce: averages `loss`, `spread` and the running BN statistics
    /// (per-rank BN) over the ranks, sums ``control``'s words into ``reducedControl``.
    /// - Returns: the average loss and output spread.
    func reduceStepValues(loss: Double, spread: Double) throws -> (loss: Double, spread: Double) {
        var words = [loss, spread] + control()
        let fixed = words.count
        for t in statistics { words += t.scalars.map { Double($0) } }
        try words.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }
        let n = Double(group.size)
        var offset = fixed
        for t in statistics {
            let averaged = words[offset..<(offset + t.count)].map { TensorScalar($0 / n) }
            try averaged.withUnsafeBufferPointer { try t.assignElements(from: $0.baseAddress!) }
            offset += t.count
        }
        reducedControl = Array(words[2..<fixed])
        return (words[0] / n, words[1] / n)
    }

    /// Compares a checksum of the student's and the teacher's parameters and buffers across
    /// the ranks.
    /// - Throws: ``TrainingError/ranksDiverged(step:checksums:)`` when they differ (on every
    ///   rank: they all see every checksum).
    public func verifyIdentical(_ m2: Momentum2Teacher) throws {
        let tensors = m2.student.stateDict(prefix: "student.") + m2.teacher.stateDict(prefix: "teacher.")
        let all = try group.allGather(Checkpoint.checksumValue(of: tensors))
        guard Set(all).count == 1 else { throw TrainingError.ranksDiverged(step: m2.step, checksums: all) }
    }

    /// Gradient buckets, in the order they start.
    public var bucketCount: Int { buckets.count }

    /// Bytes of gradients each rank all-reduces per step (every bucket once).
    public var gradientBytes: Int { buckets.reduce(0) { $0 + $1.count } * MemoryLayout<TensorScalar>.size }

    /// The fraction of gradient communication hidden behind backward so far.
    public var hiddenFraction: Double { inFlightSeconds > 0 ? max(0, 1 - exposedSeconds / inFlightSeconds) : 0 }

    /// What the gradient communication cost so far, per step.
    public var summary: CommunicationSummary {
        let steps = Double(max(reducedSteps, 1))
        return CommunicationSummary(ranks: group.size, gradientBytesPerStep: gradientBytes, buckets: buckets.count,
                                    inFlightSecondsPerStep: inFlightSeconds / steps, exposedSecondsPerStep: exposedSeconds / steps,
                                    hiddenFraction: hiddenFraction)
    }
}

/// The gradient communication of a data-parallel run, averaged per step (docs/distributed.md
/// compares these figures with its cost model).
public struct CommunicationSummary: Codable, Sendable, Equatable {
    /// Ranks in the group.
    public var ranks: Int
    /// Bytes of gradients each rank all-reduces per step.
    public var gradientBytesPerStep: Int
    /// Flat buffers those bytes travel in.
    public var buckets: Int
    /// Seconds the buckets' all-reduces were in flight per step, summed over the buckets
    /// (buckets in flight at the same time count once each).
    public var inFlightSecondsPerStep: Double
    /// Seconds per step the step waited for the all-reduces after its backward pass.
    public var exposedSecondsPerStep: Double
    /// `1 − exposed / in flight`: the part of the communication backward hid.
    public var hiddenFraction: Double
}

/// Parameters whose gradients travel together in one flat buffer.
private final class Bucket {
    let parameters: [Tensor]
    /// The flat buffer, at a fixed address for the non-blocking all-reduce.
    private let buffer: UnsafeMutableBufferPointer<TensorScalar>
    private var ready = Set<ObjectIdentifier>()
    private var pending: PendingReduction?
    private var started = Date(), completed: Date?

    /// Elements of the flat buffer.
    var count: Int { buffer.count }

    init(_ parameters: [Tensor]) throws {
        self.parameters = parameters
        buffer = .allocate(capacity: parameters.reduce(0) { $0 + $1.count })
        buffer.initialize(repeating: 0)
    }

    deinit { buffer.deallocate() }

    var isReady: Bool { ready.count == parameters.count }
    var secondsInFlight: Double { completed.map { $0.timeIntervalSince(started) } ?? 0 }

    func reset() { (ready, pending, completed) = ([], nil, nil) }
    func markReady(_ p: Tensor) { ready.insert(ObjectIdentifier(p)) }
    func markAllReady() { for p in parameters { ready.insert(ObjectIdentifier(p)) } }

    /// Packs the gradients (zeros for a parameter without one) and starts the all-reduce.
    func start(_ group: ProcessGroup) throws {
        var at = buffer.baseAddress!
        for p in parameters {
            if let g = p.grad { g.copyElements(to: at) } else { at.update(repeating: 0, count: p.count) }
            at += p.count
        }
        started = Date()
        pending = try group.startAllReduceSum(buffer)
    }

    /// Notes when the all-reduce completed, if it has.
    func poll() throws {
        if completed == nil, let pending, try pending.test() { completed = Date() }
    }

    /// Waits for the all-reduce and gives each parameter its averaged gradient (a tensor of
    /// its own: the one backward left may be shared with another).
    func finish(_ group: ProcessGroup) throws {
        guard let pending else { return }
        try pending.wait()
        if completed == nil { completed = Date() }
        let scale = 1 / TensorScalar(group.size)
        var offset = 0
        for p in parameters {
            p.grad = try Tensor(buffer[offset..<(offset + p.count)].map { $0 * scale }, shape: p.shape)
            offset += p.count
        }
    }
}
