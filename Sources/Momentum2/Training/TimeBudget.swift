import Foundation

/// A wall-clock budget for a fresh run (`m2t pretrain --minutes N`): every number that sizes
/// the schedules to the minutes lives here.
///
/// **Up front**, ``plan(minutes:method:loader:monitorImages:began:)`` times
/// ``warmupSteps`` + ``timedSteps`` steps on a throw-away model and sizes the schedules to
/// ``planFraction`` of the minutes. A guess made on a cold process is off by 10–30%, so
/// **during the run** the trainer times its own steps from ``measureFrom`` on and re-sizes
/// the method's schedules (``Momentum2Teacher/resizeSchedules(totalSteps:)``) at
/// ``resizeAt`` and again, once each, at ``laterResizes`` (fractions of the total), each
/// timing the steps since the one before, so that training, the kNN monitor runs and the
/// checkpoints end by ``deadline``. Steps 30–150 alone ran 10% faster than the first 10% of a
/// run (no checkpoints yet, a machine shared with other jobs); by 10% of the way the rate is
/// known, and re-sizing there by 10% moves the current learning rate, teacher momentum and
/// BN α by under 0.5%. The machine can also slow down later (run 8 went from ~500 to ~420
/// images/s after its 10% re-size), hence the re-sizes up to 90% of the way; the trainer's
/// ``TrainerOptions/deadline`` stops training at the budget's full minutes whatever is left.
public struct TimeBudget: Sendable {
    /// Steps run before timing starts in ``plan(minutes:method:loader:monitorImages:began:)``
    /// (buffer pool, page faults, the loader's first batches).
    public static let warmupSteps = 3
    /// Steps timed after the warm-up; the plan takes their median (four timed steps
    /// overestimated a 29-minute run's step by 15%).
    public static let timedSteps = 10
    /// The up-front plan fills this fraction of the minutes.
    public static let planFraction = 0.95
    /// The re-sizes aim to end training at this fraction of the minutes (the rest is margin
    /// for a machine that slows down after the last re-size).
    public static let deadlineFraction = 0.96
    /// A kNN monitor run embeds bank + queries forward only; an image costs about this many
    /// step-images: a step does 8 forward passes' work per image of a view pair (student
    /// forward and backward on two views, teacher forward on two), and evaluation batches
    /// run at about 2/3 of a training step's efficiency.
    public static let monitorCostPerImage = 1.5 / 8

    /// When the re-sizes aim to end training.
    public var deadline: Date
    /// Expected seconds of one kNN monitor run (0 without the monitor), until one is timed.
    public var monitorSeconds: Double
    /// The step from which the trainer times its steps.
    public var measureFrom = 30
    /// The first re-size.
    public var resizeAt = 150
    /// The later re-sizes, as fractions of the total steps.
    public var laterResizes = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90]

    /// A budget whose re-sizes aim at `deadline`.
    public init(deadline: Date, monitorSeconds: Double) {
        (self.deadline, self.monitorSeconds) = (deadline, monitorSeconds)
    }

    /// The up-front plan of a run of `minutes` that began at `began`: times `method`'s step
    /// on real batches of `loader` (rewound afterwards) and returns the total steps to start
    /// with and the budget for the trainer's re-sizes.
    /// - Parameter monitorImages: images one kNN monitor run embeds (0: no monitor).
    public static func plan(minutes: Double, method: MethodConfig, loader: DataLoader, monitorImages: Int,
                            began: Date) throws -> (totalSteps: Int, budget: TimeBudget, secondsPerStep: Double) {
        let perStep = try measureStepTime(method, loader: loader)
        let monitorCost = Double(monitorImages) * perStep / Double(method.batch) * monitorCostPerImage
        let seconds = minutes * 60 * planFraction
        let bpe = Double(max(loader.batchesPerEpoch, 1))
        let epochs = Double(Int(seconds / perStep)) / bpe
        // One monitor run per epoch, plus the final one.
        let steps = Int((seconds - monitorCost * (epochs.rounded(.up) + 1)) / perStep)
        let budget = TimeBudget(deadline: began.addingTimeInterval(minutes * 60 * deadlineFraction), monitorSeconds: monitorCost)
        return (max(1, steps), budget, perStep)
    }

    /// Seconds per step of `config`: the median of ``timedSteps`` steps after
    /// ``warmupSteps`` on a throw-away model (the loader is rewound afterwards).
    static func measureStepTime(_ config: MethodConfig, loader: DataLoader) throws -> Double {
        var probe = config
        probe.totalSteps = 1000
        let m2 = try Momentum2Teacher(config: probe)
        let start = loader.state
        defer { try? loader.restore(start) }
        var all: [Double] = []
        for _ in 0..<(warmupSteps + timedSteps) {
            guard let (x1, x2, _) = try loader.nextPair() else { break }
            let t0 = Date()
            _ = try m2.step(x1, x2)
            all.append(Date().timeIntervalSince(t0))
        }
        // A dataset of fewer batches: whatever was timed.
        let times = all.count > warmupSteps ? Array(all.dropFirst(warmupSteps)) : all
        guard !times.isEmpty else { throw TensorError.invalidArgument(op: "pretrain", reason: "the dataset is smaller than one batch") }
        return times.sorted()[times.count / 2]
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
