/// What a long-running builtin (`pretrain`) tells the host about its progress. The host
/// decides how to show it: a terminal redraws one line, a log gets the milestones, a
/// notebook updates one display.
public enum ProgressReport: Sendable, Equatable {
    /// The state of the work, replacing the previous update.
    /// - text: one line, without a newline.
    /// - fraction: how much of the work is done, in [0, 1].
    /// - milestone: whether the update is worth its own line where lines cannot be redrawn
    ///   (a logged training step).
    case update(text: String, fraction: Double, milestone: Bool)
    /// A line of its own, kept: a monitor result, an interruption.
    case note(String)
}

extension ProgressReport {
    /// A bar of `width` characters, `█` for the part done and `·` for the rest.
    public static func bar(_ fraction: Double, width: Int = 24) -> String {
        let filled = min(width, max(0, Int(Double(width) * fraction)))
        return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    }
}
