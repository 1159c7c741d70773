import Foundation
import M2Script

/// Shows the engine's progress on standard error (standard output stays for results): on a
/// terminal one line redrawn in place with a bar, at most five times a second; elsewhere (a
/// pipe, a log file) the milestones and notes as lines of their own.
final class ProgressLine: @unchecked Sendable {
    private let isTerminal: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var lineOpen = false

    /// - Parameter isTerminal: whether to redraw (default: whether standard error is a terminal).
    init(isTerminal: Bool = isatty(STDERR_FILENO) != 0) { self.isTerminal = isTerminal }

    /// Shows one report.
    func show(_ report: ProgressReport) {
        lock.lock()
        defer { lock.unlock() }
        switch report {
        case let .update(text, fraction, milestone):
            if isTerminal {
                let finished = fraction >= 1
                guard finished || Date().timeIntervalSince(lastDraw) > 0.2 else { return }
                lastDraw = Date()
                write("\r\u{1B}[2K\(ProgressReport.bar(fraction)) \(text)" + (finished ? "\n" : ""))
                lineOpen = !finished
            } else if milestone {
                write(text + "\n")
            }
        case .note(let text):
            write((lineOpen ? "\r\u{1B}[2K" : "") + text + "\n")
            lineOpen = false
        }
    }

    /// Closes a line left open by an update (a run stopped before its last step).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if lineOpen { write("\n") }
        lineOpen = false
    }

    /// An observer of a trainer that shows its events.
    var observer: TrainingObserver { { [self] event in show(ProgressReport(event)) } }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
