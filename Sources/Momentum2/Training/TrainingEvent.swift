import Foundation

/// Where a training run stands after a step, as the ``Trainer`` reports it to its observer.
///
/// The engine only reports; the command line draws a progress bar from it, the REPL and
/// notebooks their own line.
public struct TrainingProgress: Sendable, Equatable {
    /// The step just taken (its `step` is the index k; `k + 1` steps are done).
    public var result: StepResult
    /// Steps of the whole run (a time budget can re-size it early in the run).
    public var total: Int
    /// The loader's epoch (0-based).
    public var epoch: Int
    /// Images per second over the last second or so.
    public var imagesPerSecond: Double
    /// Seconds of training so far, earlier sessions of a resumed run included.
    public var elapsed: Double
    /// Seconds of training so far in this call of ``Trainer/run()``.
    public var elapsedInRun: Double
    /// Steps this call of ``Trainer/run()`` started from.
    public var firstStep: Int
    /// Whether the step was written to the metrics (every ``TrainerOptions/logEvery`` steps,
    /// the first and the last): the steps worth a line where lines cannot be redrawn.
    public var isLogged: Bool

    /// Steps done.
    public var done: Int { result.step + 1 }

    /// Seconds left at this call's pace (0 until a step has been timed).
    public var secondsLeft: Double {
        let ran = done - firstStep
        return ran > 0 ? elapsedInRun / Double(ran) * Double(max(total - done, 0)) : 0
    }

    /// The progress line: `epoch 1 step 20/300  loss 0.4120 …  ETA 02:13`.
    public var line: String { "epoch \(epoch + 1) step \(done)/\(total)  \(fields)" }

    /// The fields of a progress line: `loss 0.4120  lr 0.0937  m 0.99012  α 0.981  std 0.088  512 img/s  ETA 02:13`.
    public var fields: String {
        let r = result
        return String(format: "loss %.4f  lr %.4g  m %.5f  α %.3f  std %.3f  %.0f img/s  ETA %@",
                      r.loss, r.learningRate, r.teacherMomentum, r.bnMomentum, r.outputStd, imagesPerSecond,
                      TrainingProgress.clock(secondsLeft))
    }

    /// `mm:ss`, or `h:mm:ss` from an hour on.
    public static func clock(_ seconds: Double) -> String {
        let s = seconds.isFinite ? Int(max(seconds, 0).rounded()) : 0
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}

/// What a ``Trainer`` tells its observer.
public enum TrainingEvent: Sendable, Equatable {
    /// A step was taken (every step: renderers choose how often to draw).
    case step(TrainingProgress)
    /// A message for its own line: a kNN monitor result, a schedule re-size, an interruption.
    case note(String)
}

/// Receives a run's ``TrainingEvent``s on the training thread.
public typealias TrainingObserver = (TrainingEvent) -> Void
