import Foundation

/// How long and how visibly to train.
public struct TrainerOptions: Sendable {
    /// Steps between progress lines / metric records.
    public var logEvery = 20
    /// Steps between checkpoints (one is also written at the end of every epoch and on Ctrl-C).
    public var checkpointEvery = 200
    /// Where `last.safetensors`, `best.safetensors` and `metrics.jsonl` go; nil: nowhere.
    public var outputDirectory: URL?
    /// Whether to run the kNN monitor at the end of every epoch.
    public var monitorKNN = true
    /// Print progress.
    public var verbose = true
    /// Stop after this many steps in total (nil: at the method's `totalSteps`). The
    /// schedules still run over `totalSteps`; a later call can continue.
    public var stopAtStep: Int?
    /// A wall-clock deadline: the schedules are re-sized to it once the step rate is known.
    public var timeBudget: TimeBudget?

    public init(outputDirectory: URL? = nil) { self.outputDirectory = outputDirectory }
}

/// A wall-clock budget for a fresh run: the trainer times its steps from `measureFrom` on
/// and re-sizes the method's schedules (``Momentum2Teacher/resizeSchedules(totalSteps:)``)
/// at step `resizeAt` and again, once each, at `laterResizes` (fractions of the total steps),
/// so that training, the kNN monitor runs and the checkpoints end by `deadline`. A
/// step-rate guess made before training (a few steps on a cold process) is off by 10–30%,
/// and steps 30–150 alone ran 10% faster than the first 10% of a run (no checkpoints yet,
/// a machine shared with other jobs); by 10% of the way the rate is known. Re-sizing there
/// by 10% moves the current learning rate, teacher momentum and BN α by under 0.5%.
///
/// The machine can also slow down later (run 8 went from ~500 to ~420 images/s after its
/// 10% re-size). So the later re-sizes continue to 90% of the way, each timing the steps
/// since the one before, and training stops at `hardDeadline` whatever is left.
public struct TimeBudget: Sendable {
    public var deadline: Date
    /// Where training stops even with steps left (the budget's full minutes); `nil`: never.
    public var hardDeadline: Date?
    /// Expected seconds of one kNN monitor run (0 without the monitor), until one is timed.
    public var monitorSeconds: Double
    public var measureFrom = 30
    public var resizeAt = 150
    public var laterResizes = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90]

    public init(deadline: Date, hardDeadline: Date? = nil, monitorSeconds: Double) {
        (self.deadline, self.hardDeadline, self.monitorSeconds) = (deadline, hardDeadline, monitorSeconds)
    }

    /// Total steps that fit before the deadline, given `step` steps done, `perStep` seconds a
    /// step, `batchesPerEpoch`, and `now`; never fewer than `step + 1`.
    public func totalSteps(step: Int, perStep: Double, batchesPerEpoch: Int, now: Date) -> Int {
        let remaining = deadline.timeIntervalSince(now)
        let bpe = max(batchesPerEpoch, 1)
        var left = Int(remaining / perStep)
        // One monitor run per epoch boundary crossed, plus the final one.
        let runs = Double((step + max(left, 0)) / bpe - step / bpe + 1)
        left = Int((remaining - runs * monitorSeconds) / perStep)
        return max(step + 1, step + left)
    }

    /// The next re-size after `step` in a run of `total` steps, if any: its step, and how
    /// many of `laterResizes` will then have been used. Each fraction re-sizes at most once
    /// (`done` of them already have), however much the total moved since.
    public func nextResize(after step: Int, total: Int, done: Int = 0) -> (step: Int, done: Int)? {
        for (i, fraction) in laterResizes.enumerated().dropFirst(done) {
            let at = Int(fraction * Double(total))
            if at > step && at < total { return (at, i + 1) }
        }
        return nil
    }
}

/// What a run did.
public struct TrainingSummary: Codable, Sendable {
    public var steps: Int
    public var epochs: Double
    public var seconds: Double
    public var imagesPerSecond: Double
    public var finalLoss: TensorScalar?
    public var knnTop1: Double?
    public var stoppedEarly: String?
}

/// The training loop: steps over a two-view loader until the method's total steps, with
/// progress, JSONL metrics, the kNN monitor, periodic atomic checkpoints, Ctrl-C handling
/// (checkpoint, then stop) and a guard against non-finite losses.
public final class Trainer {
    public let m2: Momentum2Teacher
    public let loader: DataLoader
    public let monitor: KNNMonitor?
    public let options: TrainerOptions
    public let metrics: MetricsLog
    /// Settings recorded in checkpoints for `m2t eval` / resume.
    public var runInfo: [String: String] = [:]
    private var elapsedBefore: Double
    private var bestScore: Double = -.infinity
    private var lastLoss: TensorScalar?
    /// Runs of the kNN monitor in this call of ``run()`` and their seconds.
    private var monitorRuns = 0, monitorSeconds = 0.0

    /// - Parameter resumedState: the checkpoint state when resuming (restores the loader).
    public init(m2: Momentum2Teacher, loader: DataLoader, monitor: KNNMonitor?, options: TrainerOptions,
                resumedState: TrainerState? = nil) throws {
        (self.m2, self.loader, self.monitor, self.options) = (m2, loader, monitor, options)
        guard loader.batchesPerEpoch > 0 else {
            throw TensorError.invalidArgument(op: "pretrain", reason: "the dataset has \(loader.dataset.count) images, fewer than one batch of \(loader.batchSize)")
        }
        let metricsURL = options.outputDirectory?.appendingPathComponent("metrics.jsonl")
        if let s = resumedState {
            if let l = s.loader { try loader.restore(l) }
            elapsedBefore = s.elapsed
            lastLoss = s.lastLoss
            // Keep only the records up to the checkpoint: later ones are about to be redone.
            let old = metricsURL.map(MetricsLog.read) ?? []
            let kept = old.filter { $0.step < s.step }
            if let metricsURL { try writeAtomically(Data(kept.map { Trainer.line($0) }.joined().utf8), to: metricsURL) }
            metrics = try MetricsLog(url: metricsURL, keeping: kept)
            runInfo = s.run
        } else {
            elapsedBefore = 0
            if let metricsURL { try? FileManager.default.removeItem(at: metricsURL) }
            metrics = try MetricsLog(url: metricsURL)
        }
    }

    static func line(_ r: MetricRecord) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return ((try? e.encode(r)).map { String(decoding: $0, as: UTF8.self) } ?? "") + "\n"
    }

    /// Trains until the configured total steps (or a stop request).
    public func run() throws -> TrainingSummary {
        var total = min(m2.config.totalSteps, options.stopAtStep ?? .max)
        let progress = ProgressReporter(total: total, logEvery: options.logEvery)
        progress.enabled = options.verbose
        let start = Date()
        var imagesSinceLog = 0, logStart = Date()
        var rate = 0.0
        var stopped: String?
        // The budget applies to a run that times its own steps from measureFrom on.
        let budget = options.timeBudget.flatMap { m2.step <= $0.measureFrom && options.stopAtStep == nil ? $0 : nil }
        // The window the next re-size times: from measureFrom, then from the previous re-size.
        var window: (start: Date, step: Int, monitor: Double)?
        var nextResize = budget.map { (step: $0.resizeAt, done: 0) }
        Interrupt.clear()
        while m2.step < total {
            if Interrupt.isRequested {
                try checkpoint(start: start, name: "last")
                progress.note("interrupted at step \(m2.step): checkpoint saved")
                stopped = "interrupted"
                break
            }
            guard let (x1, x2, _) = try loader.nextPair() else {
                try endOfEpoch(start: start, progress: progress)
                continue
            }
            let r: StepResult
            do {
                r = try m2.step(x1, x2)
            } catch let e as TrainingError {
                progress.note("\(e)")
                stopped = "\(e)"
                break
            }
            lastLoss = r.loss
            imagesSinceLog += x1.shape[0]
            let now = Date()
            if now.timeIntervalSince(logStart) >= 1 || m2.step == total {
                rate = Double(imagesSinceLog) / now.timeIntervalSince(logStart)
                imagesSinceLog = 0
                logStart = now
            }
            let elapsed = elapsedBefore + now.timeIntervalSince(start)
            progress.update(r, epoch: loader.state.epoch, imagesPerSecond: rate, elapsed: elapsed)
            if m2.step % options.logEvery == 0 || m2.step == total || m2.step == 1 {
                var rec = MetricRecord(kind: "step", step: r.step, epoch: loader.state.epoch, elapsed: elapsed)
                (rec.loss, rec.learningRate, rec.teacherMomentum, rec.bnMomentum, rec.outputStd, rec.imagesPerSecond)
                    = (r.loss, r.learningRate, r.teacherMomentum, r.bnMomentum, r.outputStd, rate)
                metrics.append(rec)
            }
            if let budget {
                if m2.step == budget.measureFrom { window = (now, m2.step, monitorSeconds) }
                if let resize = nextResize, m2.step == resize.step, let w = window {
                    // Seconds per step over the window, checkpoints included, monitor runs not.
                    let perStep = (now.timeIntervalSince(w.start) - (monitorSeconds - w.monitor)) / Double(m2.step - w.step)
                    window = (now, m2.step, monitorSeconds)
                    var b = budget
                    if monitorRuns > 0 { b.monitorSeconds = monitorSeconds / Double(monitorRuns) }
                    let k = b.totalSteps(step: m2.step, perStep: perStep, batchesPerEpoch: loader.batchesPerEpoch, now: now)
                    if k != total {
                        try m2.resizeSchedules(totalSteps: k)
                        progress.note(String(format: "time budget: %.4f s/step over steps %d–%d → schedules re-sized from %d to %d steps (%.2f epochs)",
                                             perStep, w.step, m2.step, total, k, Double(k) / Double(max(loader.batchesPerEpoch, 1))))
                        total = k
                        progress.total = k
                    }
                    nextResize = budget.nextResize(after: m2.step, total: total, done: resize.done)
                }
            }
            if m2.step % options.checkpointEvery == 0 { try checkpoint(start: start, name: "last") }
            if let hard = budget?.hardDeadline, m2.step < total, Date() >= hard {
                progress.note("time budget: the minutes ran out at step \(m2.step) of \(total); the schedules stop short")
                break
            }
        }
        var knn: Double?
        if stopped == nil {
            knn = try runMonitor(start: start, progress: progress)
            try checkpoint(start: start, name: "last")
        }
        let seconds = Date().timeIntervalSince(start)
        return TrainingSummary(steps: m2.step, epochs: Double(m2.step) / Double(max(loader.batchesPerEpoch, 1)), seconds: seconds,
                               imagesPerSecond: Double(m2.step) * Double(m2.config.batch) / max(elapsedBefore + seconds, 1e-9),
                               finalLoss: lastLoss, knnTop1: knn, stoppedEarly: stopped)
    }

    private func endOfEpoch(start: Date, progress: ProgressReporter) throws {
        _ = try runMonitor(start: start, progress: progress)
        try checkpoint(start: start, name: "last")
    }

    @discardableResult
    private func runMonitor(start: Date, progress: ProgressReporter) throws -> Double? {
        guard options.monitorKNN, let monitor else { return nil }
        let t0 = Date()
        let acc = try monitor.evaluate(m2.teacher.backbone)
        let cost = Date().timeIntervalSince(t0)
        (monitorRuns, monitorSeconds) = (monitorRuns + 1, monitorSeconds + cost)
        var rec = MetricRecord(kind: "knn", step: max(m2.step - 1, 0), epoch: loader.state.epoch, elapsed: elapsedBefore + Date().timeIntervalSince(start))
        (rec.knnTop1, rec.seconds) = (acc, cost)
        metrics.append(rec)
        progress.note(String(format: "kNN monitor (teacher backbone, %d bank / %d queries): top-1 %.2f%%  (%.1f s)",
                             monitor.bankCount, monitor.queryCount, acc * 100, cost))
        if acc > bestScore {
            bestScore = acc
            try checkpoint(start: start, name: "best")
        }
        return acc
    }

    /// Writes `<name>.safetensors` (+ `.json`) atomically into the output directory.
    public func checkpoint(start: Date, name: String) throws {
        guard let dir = options.outputDirectory else { return }
        let state = TrainerState(step: m2.step, method: m2.config, loader: loader.state, teacherBN: Checkpoint.teacherBNStates(m2),
                                 lastLoss: lastLoss, bestLoss: nil, elapsed: elapsedBefore + Date().timeIntervalSince(start), run: runInfo)
        try Checkpoint.save(m2, state: state, to: dir.appendingPathComponent("\(name).safetensors"))
    }
}
