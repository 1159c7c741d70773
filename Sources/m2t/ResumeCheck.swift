import Foundation
import M2Script

/// `--resume` continues the experiment the checkpoint recorded; an option given on the
/// command line that contradicts it is refused by name, rather than silently ignored.
enum ResumeCheck {
    /// An option, and how it reads from an experiment.
    private static let options: [(flag: String, value: (ExperimentConfig) -> String)] = [
        ("--data", { "\($0.data)" }), ("--data-dir", { "\($0.data)" }), ("--batch", { "\($0.method.batch)" }),
        ("--arch", { "resnet\($0.method.backbone.depth)" }), ("--width", { "\($0.method.backbone.width)" }),
        ("--stem", { $0.method.backbone.stem.rawValue }), ("--hidden", { "\($0.method.hidden)" }), ("--out", { "\($0.method.out)" }),
        ("--m0", { "\($0.method.baseMomentum)" }), ("--lr", { "\($0.method.baseLearningRate)" }), ("--warmup", { "\($0.method.warmupSteps)" }),
        ("--weight-decay", { "\($0.method.weightDecay)" }), ("--optimizer", { $0.method.optimizer.rawValue }),
        ("--teacher-bn", { $0.method.teacherBN.rawValue }), ("--no-ema", { "\(!$0.method.ema)" }),
        ("--double-correction", { "\($0.method.doubleVarianceCorrection)" }), ("--sync-bn", { "\($0.method.syncBN)" }),
        ("--seed", { "\($0.seed)" }), ("--view-size", { "\($0.viewSize.map(String.init) ?? "the images' size")" }),
        ("--crop-min", { orPreset($0.cropMin) }), ("--blur", { orPreset($0.blur) }), ("--solarize", { orPreset($0.solarize) }),
        ("--train-limit", { "\($0.trainLimit.map(String.init) ?? "none")" }),
        ("--steps", { "\($0.budget)" }), ("--epochs", { "\($0.budget)" }), ("--minutes", { "\($0.budget)" }),
    ]

    /// A view option's recorded value, or what nil stands for.
    private static func orPreset<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "the preset's" }

    /// Throws when an option on the command line gives `given` a value other than `recorded`'s.
    static func refuseConflicts(recorded: ExperimentConfig, given: ExperimentConfig, arguments: [String] = CommandLine.arguments) throws {
        let present = Set(arguments.map { String($0.split(separator: "=").first ?? "") })
        let conflicts = options.filter { present.contains($0.flag) && $0.value(recorded) != $0.value(given) }
        guard let first = conflicts.first else { return }
        let list = conflicts.map { "\($0.flag) (the checkpoint has \($0.value(recorded)))" }.joined(separator: ", ")
        throw ExitMessage("--resume continues the checkpoint's experiment, and \(conflicts.count == 1 ? "this option contradicts" : "these options contradict") it: \(list); drop \(conflicts.count == 1 ? first.flag : "them") or start a new run")
    }
}
