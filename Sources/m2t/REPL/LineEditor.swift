import CReadline
import Foundation

/// GNU readline through its callback interface, so the main thread can wait on the
/// terminal *and* on Ctrl-C at the same time (`poll` on standard input and a self-pipe that
/// the SIGINT watcher writes to).
///
/// Readline gives the editing keys (Emacs bindings, `~/.inputrc`), reverse search (Ctrl-R)
/// and the history list; this type adds the persistent history file and completion.
final class LineEditor {
    /// What one prompt produced.
    enum Input: Equatable {
        /// A line, without its newline.
        case line(String)
        /// Ctrl-C was pressed at the prompt: the line was thrown away.
        case interrupted
        /// Ctrl-D on an empty line (or the terminal went away).
        case endOfInput
    }

    /// Entries kept in memory and in the history file.
    static let historyLimit: Int32 = 1000

    private let historyPath: String?
    private let interruptFD: Int32

    /// - Parameters:
    ///   - historyPath: the history file (`nil`: no persistent history).
    ///   - interruptFD: a descriptor that becomes readable when Ctrl-C is pressed.
    ///   - completer: completions for the text before the cursor (see ``Completion``).
    init(historyPath: String?, interruptFD: Int32, completer: @escaping (String) -> [String]) {
        self.historyPath = historyPath
        self.interruptFD = interruptFD
        Completion.completer = completer
        rl_readline_name = UnsafePointer(strdup("m2t"))
        // SIGINT is ours (see InterruptWatcher); readline must not install handlers.
        rl_catch_signals = 0
        rl_catch_sigwinch = 1
        Completion.install()
        using_history()
        stifle_history(Self.historyLimit)
        if let historyPath { _ = read_history(historyPath) }
    }

    /// Shows `prompt` and edits one line. `context` is the text of the unfinished entry's
    /// earlier lines, so completion sees open calls that started on a previous line.
    func read(prompt: String, context: String = "") -> Input {
        Completion.context = context
        PendingLine.reset()
        drainInterrupts()
        rl_callback_handler_install(prompt, lineHandler)
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: interruptFD, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drainInterrupts()
                cancelLine()
                return .interrupted
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
                // Keys readline pushed back for itself (Enter ending a Ctrl-R search is
                // re-dispatched this way) or a keyboard macro: poll would never see them.
                while !PendingLine.done, rl_pending_input != 0 || rl_executing_macro != nil {
                    rl_callback_read_char()
                }
                if PendingLine.done {
                    if let line = PendingLine.line { return .line(line) }
                    fputs("\n", stdout)
                    fflush(stdout)
                    return .endOfInput
                }
            }
        }
    }

    /// Adds one line to the history and rewrites the history file (at most
    /// ``historyLimit`` entries), so a crash or a kill loses nothing already typed.
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        if history_length > 0, let last = history_get(history_base + history_length - 1),
           let text = last.pointee.line, String(cString: text) == line { return }
        add_history(line)
        if let historyPath {
            _ = write_history(historyPath)
            _ = history_truncate_file(historyPath, Self.historyLimit)
        }
    }

    /// Ctrl-C at the prompt: abandon the line (and any Ctrl-R search) and start afresh,
    /// leaving `>>> text^C` on the screen as a shell does. The `^C` goes after the line's
    /// end and before readline lets go of the terminal: removing the handler ends
    /// bracketed-paste mode with a carriage return, and a `^C` written after it landed at
    /// column 0, over the prompt (`^C> abc`).
    private func cancelLine() {
        rl_point = rl_end
        rl_redisplay()
        fputs("^C", stdout)
        fflush(stdout)
        rl_callback_sigcleanup()
        rl_free_line_state()
        rl_replace_line("", 0)
        rl_callback_handler_remove()
        fputs("\n", stdout)
        fflush(stdout)
    }

    private func drainInterrupts() {
        var buffer = [UInt8](repeating: 0, count: 64)
        let flags = fcntl(interruptFD, F_GETFL)
        _ = fcntl(interruptFD, F_SETFL, flags | O_NONBLOCK)
        while Glibc.read(interruptFD, &buffer, buffer.count) > 0 {}
        _ = fcntl(interruptFD, F_SETFL, flags)
    }
}

/// The line the readline callback delivered (C callbacks cannot capture context).
private enum PendingLine {
    nonisolated(unsafe) static var line: String?
    nonisolated(unsafe) static var done = false
    static func reset() { line = nil; done = false }
}

/// Called by readline when Enter (or Ctrl-D on an empty line) ends the line.
private let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
    PendingLine.done = true
    if let raw {
        PendingLine.line = String(cString: raw)
        free(raw)
    } else {
        PendingLine.line = nil
    }
    // Removing the handler restores the terminal, so evaluation runs in cooked mode
    // (the tty turns Ctrl-C into SIGINT and echoes "^C").
    rl_callback_handler_remove()
}
