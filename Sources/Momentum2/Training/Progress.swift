import Foundation

/// Prints training progress: a redrawn bar on a terminal, plain lines otherwise.
public final class ProgressReporter {
    let isTerminal: Bool
    /// Steps of the whole run (a time budget re-sizes it early in the run).
    var total: Int
    let logEvery: Int
    var lastDraw = Date.distantPast
    /// Where lines go (standard error, so standard output stays for results).
    let stream = FileHandle.standardError
    public var enabled = true

    public init(total: Int, logEvery: Int, isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
        (self.total, self.logEvery, self.isTerminal) = (total, logEvery, isTerminal)
    }

    /// Shows the state after a step.
    public func update(_ r: StepResult, epoch: Int, imagesPerSecond: Double, elapsed: Double) {
        guard enabled else { return }
        let done = r.step + 1
        let eta = imagesPerSecond > 0 && done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let fields = String(format: "loss %.4f  lr %.4g  m %.5f  α %.3f  std %.3f  %.0f img/s  ETA %@",
                            r.loss, r.learningRate, r.teacherMomentum, r.bnMomentum, r.outputStd, imagesPerSecond, ProgressReporter.clock(eta))
        if isTerminal {
            guard Date().timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
            lastDraw = Date()
            let width = 24
            let filled = total > 0 ? min(width, width * done / total) : 0
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\u{1B}[2K epoch \(epoch + 1)  \(done)/\(total) \(bar)  \(fields)")
            if done == total { write("\n") }
        } else if done % logEvery == 0 || done == total || done == 1 {
            write("epoch \(epoch + 1) step \(done)/\(total)  \(fields)\n")
        }
    }

    /// A message on its own line.
    public func note(_ text: String) {
        guard enabled else { return }
        write((isTerminal ? "\r\u{1B}[2K" : "") + text + "\n")
    }

    private func write(_ s: String) { stream.write(Data(s.utf8)) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
