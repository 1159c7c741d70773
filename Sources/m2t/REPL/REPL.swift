import Foundation
import M2Script

/// The interactive loop: read an entry (several lines while it is unfinished), run a
/// `:command` or evaluate it, echo the result, repeat until Ctrl-D or `:quit`.
final class REPL {
    static let prompt = ">>> "
    static let continuation = "... "

    private(set) var session: Session
    let editor: LineEditor
    let interrupts: InterruptWatcher
    let terminal: TerminalOutput
    private var running = true

    init(historyPath: String?) {
        let terminal = TerminalOutput()
        self.terminal = terminal
        interrupts = InterruptWatcher()
        session = REPL.makeSession(terminal)
        // The completer reads `self.session` at each Tab, so it follows `:reset`.
        var box: REPL?
        editor = LineEditor(historyPath: historyPath, interruptFD: interrupts.readFD) { text in
            box?.session.completions(for: text) ?? []
        }
        box = self
        Completion.commands = ColonCommand.names
        watchSession()
    }

    static func makeSession(_ terminal: TerminalOutput) -> Session {
        let session = Session(output: { terminal.write($0) })
        session.progress = ProgressLine().show
        return session
    }

    private func watchSession() {
        let session = self.session
        interrupts.watch { session.interrupt() }
    }

    /// Runs until Ctrl-D or `:quit`.
    func loop() {
        let build = Tensor.dtypeName == "float32" ? "" : " (\(Tensor.dtypeName) build)"
        terminal.write("M2T — Momentum² Teacher\(build). :help for commands, Ctrl-D to quit.\n")
        while running, let entry = readEntry() {
            if entry.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(":") {
                running = ColonCommand.run(entry.trimmingCharacters(in: .whitespacesAndNewlines), in: self)
            } else if !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                _ = evaluate(entry)
            }
        }
    }

    /// One entry: lines are read while ``Session/isIncomplete(_:)`` says the statement goes
    /// on. `nil` at the end of input.
    private func readEntry() -> String? {
        var lines: [String] = []
        while true {
            terminal.startLine()
            let context = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
            switch editor.read(prompt: lines.isEmpty ? REPL.prompt : REPL.continuation, context: context) {
            case .endOfInput:
                if lines.isEmpty { return nil }
                return ""  // Ctrl-D inside an unfinished entry drops it
            case .interrupted:
                if lines.isEmpty { continue }
                return ""
            case .line(let line):
                editor.remember(line)
                lines.append(line)
                let entry = lines.joined(separator: "\n")
                if line.trimmingCharacters(in: .whitespaces).hasPrefix(":") && lines.count == 1 { return entry }
                if !Session.isIncomplete(entry) { return entry }
            }
        }
    }

    /// Evaluates one entry, echoes its value (binding it to `_`) or its errors. Returns
    /// whether it succeeded.
    @discardableResult
    func evaluate(_ source: String, echo: Bool = true) -> Bool {
        report(session.evaluate(line: source), echo: echo)
    }

    /// Echoes a value or prints errors (to standard error, after flushing the output).
    @discardableResult
    func report(_ outcome: Session.Outcome, echo: Bool = true) -> Bool {
        switch outcome {
        case .value(let value):
            if echo, let text = Echo.text(for: value) {
                session.interpreter.globals.define("_", value)
                terminal.startLine()
                terminal.write(text + "\n")
            }
            return true
        case .failure(let errors):
            terminal.startLine()
            // The terminal echoed "^C" without a newline.
            if errors.first?.kind == .interrupted { terminal.write("\n") }
            for e in errors { terminal.error(e.rendered + "\n") }
            return false
        }
    }

    /// `:reset`: a fresh session (the history stays).
    func reset() {
        session = REPL.makeSession(terminal)
        watchSession()
    }
}

/// Standard output, flushed after every write (prompts, echoes and `print` interleave on a
/// terminal), remembering whether the cursor is at the start of a line.
final class TerminalOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var atLineStart = true

    func write(_ text: String) {
        guard !text.isEmpty else { return }
        lock.lock()
        fputs(text, stdout)
        fflush(stdout)
        atLineStart = text.hasSuffix("\n")
        lock.unlock()
    }

    /// Errors go to standard error; on a terminal both streams reach the same screen.
    func error(_ text: String) {
        lock.lock()
        fflush(stdout)
        fputs(text, stderr)
        fflush(stderr)
        atLineStart = text.hasSuffix("\n")
        lock.unlock()
    }

    /// Ends a line left open by `print(…, end: "")` so the prompt starts at column 0.
    func startLine() {
        lock.lock()
        let open = !atLineStart
        lock.unlock()
        if open { write("\n") }
    }
}
