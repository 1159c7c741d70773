import Foundation

/// How long and how visibly to train.
public struct TrainerOptions {
    /// Steps between metric records (the observer hears of every step).
    public var logEvery = 20
    /// Steps between checkpoints (one is also written at the end of every epoch, at the end
    /// and on a stop request).
    public var checkpointEvery = 200
    /// Where `last.safetensors`, `best.safetensors` and `metrics.jsonl` go; nil: nowhere.
    public var outputDirectory: URL?
    /// Whether to run the kNN monitor at the end of every epoch.
    public var monitorKNN = true
    /// Stop after this many steps in total (nil: at the method's `totalSteps`). The
    /// schedules still run over `totalSteps`; a later call can continue.
    public var stopAtStep: Int?
    /// Wall-clock time at which training ends, with steps left or not (a normal end: the
    /// final monitor run and checkpoint follow).
    public var deadline: Date?
    /// Re-sizes the schedules to a budget of minutes once the step rate is known.
    public var timeBudget: TimeBudget?
    /// Receives progress and notes; nil: a silent run.
    public var observer: TrainingObserver?
    /// A stop request: polled before every step and by the kNN monitor between batches; the
    /// run then writes its checkpoint and stops (a data-parallel run stops every rank after
    /// the step in which any rank saw the request).
    public var cancellation: CancellationToken?

    /// Options writing into `outputDirectory` (nil: nothing is written).
    public init(outputDirectory: URL? = nil) { self.outputDirectory = outputDirectory }
}

/// What a run did.
public struct TrainingSummary: Codable, Sendable {
    /// The method's step count at the end.
    public var steps: Int
    /// Epochs done at the end: steps / batches per epoch.
    public var epochs: Double
    /// Seconds of this call of ``Trainer/run()``.
    public var seconds: Double
    /// Images per second over all the run's training time (earlier sessions included).
    public var imagesPerSecond: Double
    /// The loss of the last step taken (nil if none was).
    public var finalLoss: TensorScalar?
    /// The last kNN monitor result.
    public var knnTop1: Double?
    /// Why the run stopped before its end ("interrupted", a non-finite loss); nil when it
    /// ended normally (at its last step, its stop step or its deadline).
    public var stoppedEarly: String?
    /// In a data-parallel run, what the gradient communication cost per step and how much
    /// of it backward hid (``DataParallel/summary``); nil in one process.
    public var communication: CommunicationSummary?
}

/// The training loop that `m2t pretrain` and the language's `pretrain(…)` both drive: steps
/// over a two-view loader until the method's total steps (or ``TrainerOptions/stopAtStep``,
/// or the deadline), with JSONL metrics, the kNN monitor at every epoch end, periodic atomic
/// checkpoints, a stop request honoured after a checkpoint, and a guard against non-finite
/// losses. Progress goes to ``TrainerOptions/observer``.
public final class Trainer {
    /// The method it trains; training continues from its current step.
    public let m2: Momentum2Teacher
    /// The two-view loader the steps draw from; checkpoints record its position.
    public let loader: DataLoader
    /// The kNN monitor, run at every epoch end and after the last step when
    /// ``TrainerOptions/monitorKNN`` is on (nil: none).
    public let monitor: KNNMonitor?
    /// Logging, checkpoints, stopping and progress.
    public let options: TrainerOptions
    /// The run's records: those of earlier sessions before the starting step, then this one's.
    public let metrics: MetricsLog
    /// Settings recorded in checkpoints for `m2t eval` / resume.
    public var runInfo: [String: String] = [:]
    private var elapsedBefore: Double
    private var bestScore: Double = -.infinity
    private var lastLoss: TensorScalar?
    /// Runs of the kNN monitor in this call of ``run()`` and their seconds.
    private var monitorRuns = 0, monitorSeconds = 0.0

    /// A trainer continuing from `m2`'s current step. Records of `metrics.jsonl` from that
    /// step on are dropped (they are about to be redone); a fresh model starts a fresh file.
    /// - Parameter resumedState: the checkpoint state when resuming (restores the loader, the
    ///   elapsed time and the run settings).
    public init(m2: Momentum2Teacher, loader: DataLoader, monitor: KNNMonitor?, options: TrainerOptions,
                resumedState: TrainerState? = nil) throws {
        (self.m2, self.loader, self.monitor, self.options) = (m2, loader, monitor, options)
        guard loader.batchesPerEpoch > 0 else {
            throw TensorError.invalidArgument(op: "pretrain", reason: "the dataset has \(loader.dataset.count) images, fewer than one batch of \(loader.batchSize)")
        }
        if let s = resumedState {
            if let l = s.loader { try loader.restore(l) }
            (elapsedBefore, lastLoss, runInfo) = (s.elapsed, s.lastLoss, s.run)
        } else {
            elapsedBefore = 0
        }
        let metricsURL = options.outputDirectory?.appendingPathComponent("metrics.jsonl")
        let kept = m2.step > 0 ? (metricsURL.map(MetricsLog.read) ?? []).filter { $0.step < m2.step } : []
        if let metricsURL { try MetricsLog.rewrite(metricsURL, with: kept) }
        metrics = try MetricsLog(url: metricsURL, keeping: kept)
    }

    /// Trains until the total steps, the stop step, the deadline, or a stop request.
    ///
    /// In a data-parallel run (``Momentum2Teacher/dataParallel``) every rank runs this loop
    /// on its part of each batch, and every decision that ends or re-sizes the run is taken
    /// by all ranks at the same step: a stop request (any rank's), the deadline and the time
    /// budget's re-sizes (rank 0's clock) travel in the step's small all-reduce and apply
    /// after it.
    public func run() throws -> TrainingSummary {
        var total = min(m2.config.totalSteps, options.stopAtStep ?? .max)
        let start = Date(), firstStep = m2.step
        var imagesSinceLog = 0, logStart = start
        var rate = 0.0
        var stopped: String?
        var resizer = options.timeBudget.flatMap { m2.step <= $0.measureFrom && options.stopAtStep == nil ? BudgetResizer($0) : nil }
        let parallel = m2.dataParallel
        var proposedTotal: Int?
        func interrupted() throws {
            try checkpoint(start: start, name: "last")
            tell(.note("interrupted at step \(m2.step): checkpoint saved"))
            stopped = "interrupted"
        }
        func deadlinePassed() -> Bool { options.deadline.map { m2.step < total && Date() >= $0 } ?? false }
        // Read at each step's small all-reduce: a stop, the deadline and rank 0's re-size
        // proposal, applied by every rank at the same step.
        parallel?.control = { [options] in
            defer { proposedTotal = nil }
            return [options.cancellation?.isCancelled ?? false ? 1 : 0, deadlinePassed() ? 1 : 0, Double(proposedTotal ?? 0)]
        }
        defer { parallel?.control = { [] } }
        training: while m2.step < total {
            if parallel == nil, options.cancellation?.isCancelled ?? false {
                try interrupted()
                break
            }
            guard let (x1, x2, _) = try loader.nextPair() else {
                do {
                    try endOfEpoch(start: start)
                } catch is Interrupted {
                    try interrupted()
                    break
                }
                // The progress line's images/s are training's: the monitor reports its own
                // seconds, and a window that spanned it read "21 img/s" after each epoch.
                (imagesSinceLog, logStart) = (0, Date())
                continue
            }
            let r: StepResult
            do {
                r = try m2.step(x1, x2)
            } catch let e as TrainingError {
                tell(.note("\(e)"))
                stopped = "\(e)"
                break
            }
            lastLoss = r.loss
            imagesSinceLog += x1.shape[0] * (parallel?.group.size ?? 1)
            let now = Date()
            if now.timeIntervalSince(logStart) >= 1 || m2.step == total {
                rate = Double(imagesSinceLog) / now.timeIntervalSince(logStart)
                (imagesSinceLog, logStart) = (0, now)
            }
            let elapsed = elapsedBefore + now.timeIntervalSince(start)
            let logged = m2.step % options.logEvery == 0 || m2.step == total || m2.step == 1
            if logged { metrics.append(MetricRecord(r, epoch: loader.state.epoch, elapsed: elapsed, imagesPerSecond: rate)) }
            tell(.step(TrainingProgress(result: r, total: total, epoch: loader.state.epoch, imagesPerSecond: rate, elapsed: elapsed,
                                        elapsedInRun: now.timeIntervalSince(start), firstStep: firstStep, isLogged: logged)))
            let proposal = try resizer?.propose(step: m2.step, total: total, now: now, batchesPerEpoch: loader.batchesPerEpoch,
                                                monitor: (monitorRuns, monitorSeconds), tell: tell)
            if let parallel {
                let c = parallel.reducedControl
                proposedTotal = proposal
                // Rank 0 proposed it a step ago, as at least one more step than it had then.
                if c.count == 3, c[2] > 0 { total = try resize(to: max(Int(c[2]), m2.step + 1)) }
                if c.count == 3, c[0] > 0 {
                    try interrupted()
                    break training
                }
                if m2.step % parallel.checksumEvery == 0 { try parallel.verifyIdentical(m2) }
                if m2.step % options.checkpointEvery == 0 { try checkpoint(start: start, name: "last") }
                if c.count == 3, c[1] > 0 { tell(.note("the time ran out at step \(m2.step) of \(total); the schedules stop short")); break }
                continue
            }
            if let proposal { total = try resize(to: proposal) }
            if m2.step % options.checkpointEvery == 0 { try checkpoint(start: start, name: "last") }
            if deadlinePassed() {
                tell(.note("the time ran out at step \(m2.step) of \(total); the schedules stop short"))
                break
            }
        }
        var knn: Double?
        if stopped == nil {
            do {
                knn = try runMonitor(start: start)
            } catch is Interrupted {
                tell(.note("the final kNN monitor run was interrupted"))
            }
            try checkpoint(start: start, name: "last")
        }
        try parallel?.verifyIdentical(m2)
        try parallel?.group.barrier()
        let seconds = Date().timeIntervalSince(start)
        return TrainingSummary(steps: m2.step, epochs: Double(m2.step) / Double(max(loader.batchesPerEpoch, 1)), seconds: seconds,
                               imagesPerSecond: Double(m2.step) * Double(m2.config.batch) / max(elapsedBefore + seconds, 1e-9),
                               finalLoss: lastLoss, knnTop1: knn, stoppedEarly: stopped,
                               communication: parallel.map(\.summary))
    }

    /// Re-sizes the schedules to end at `k` steps; returns the new total.
    private func resize(to k: Int) throws -> Int {
        try m2.resizeSchedules(totalSteps: k)
        return k
    }

    private func tell(_ event: TrainingEvent) { options.observer?(event) }

    /// The kNN monitor and a checkpoint (rank 0), then, in a data-parallel run, a barrier:
    /// the other ranks wait there without spinning, leaving the cores to the monitor.
    private func endOfEpoch(start: Date) throws {
        try runMonitor(start: start)
        try checkpoint(start: start, name: "last")
        try m2.dataParallel?.group.barrier()
    }

    @discardableResult
    private func runMonitor(start: Date) throws -> Double? {
        guard options.monitorKNN, let monitor else { return nil }
        let t0 = Date()
        // In a data-parallel run a stop request waits for the next step, where all ranks agree.
        let acc = try monitor.evaluate(m2.teacher.backbone, cancellation: m2.dataParallel == nil ? options.cancellation : nil)
        let cost = Date().timeIntervalSince(t0)
        (monitorRuns, monitorSeconds) = (monitorRuns + 1, monitorSeconds + cost)
        var rec = MetricRecord(kind: "knn", step: max(m2.step - 1, 0), epoch: loader.state.epoch, elapsed: elapsedBefore + Date().timeIntervalSince(start))
        (rec.knnTop1, rec.seconds) = (acc, cost)
        metrics.append(rec)
        tell(.note(String(format: "kNN monitor (teacher backbone, %d bank / %d queries): top-1 %.2f%%  (%.1f s)",
                          monitor.bankCount, monitor.queryCount, acc * 100, cost)))
        if acc > bestScore {
            bestScore = acc
            try checkpoint(start: start, name: "best")
        }
        return acc
    }

    /// Writes `<name>.safetensors` (+ `.json`) atomically into the output directory.
    public func checkpoint(start: Date, name: String) throws {
        guard let dir = options.outputDirectory else { return }
        var state = TrainerState(step: m2.step, method: m2.config, loader: loader.state, teacherBN: Checkpoint.teacherBNStates(m2),
                                 lastLoss: lastLoss, elapsed: elapsedBefore + Date().timeIntervalSince(start), run: runInfo)
        state.worldSize = m2.dataParallel?.group.size
        try Checkpoint.save(m2, state: state, to: dir.appendingPathComponent("\(name).safetensors"))
    }
}

/// The trainer's side of a ``TimeBudget``: which step re-sizes next, and the window of steps
/// it times (from ``TimeBudget/measureFrom``, then from the previous re-size).
private struct BudgetResizer {
    let budget: TimeBudget
    var next: (step: Int, done: Int)?
    var window: (start: Date, step: Int, monitorSeconds: Double)?

    init(_ budget: TimeBudget) {
        self.budget = budget
        next = (budget.resizeAt, 0)
    }

    /// After a step: opens the window at ``TimeBudget/measureFrom``; at a re-size step,
    /// works out from the window's seconds per step (checkpoints included, monitor runs not)
    /// how many steps fit, and returns that total if it differs (the trainer applies it).
    mutating func propose(step: Int, total: Int, now: Date, batchesPerEpoch: Int,
                          monitor: (runs: Int, seconds: Double), tell: (TrainingEvent) -> Void) throws -> Int? {
        if step == budget.measureFrom { window = (now, step, monitor.seconds) }
        guard let at = next, step == at.step, let w = window else { return nil }
        let perStep = (now.timeIntervalSince(w.start) - (monitor.seconds - w.monitorSeconds)) / Double(step - w.step)
        window = (now, step, monitor.seconds)
        var b = budget
        if monitor.runs > 0 { b.monitorSeconds = monitor.seconds / Double(monitor.runs) }
        let k = b.totalSteps(step: step, perStep: perStep, batchesPerEpoch: batchesPerEpoch, now: now)
        next = budget.nextResize(after: step, total: k, done: at.done)
        guard k != total else { return nil }
        tell(.note(String(format: "time budget: %.4f s/step over steps %d–%d → schedules re-sized from %d to %d steps (%.2f epochs)",
                          perStep, w.step, step, total, k, Double(k) / Double(max(batchesPerEpoch, 1)))))
        return k
    }
}
