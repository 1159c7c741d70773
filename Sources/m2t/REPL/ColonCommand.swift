import Foundation
import M2Script

/// The REPL's own commands, written `:name argument` on a line of their own.
enum ColonCommand {
    /// Names offered by completion after `:`.
    static let names = ["help", "load", "vars", "time", "reset", "quit"]

    static let usage = """
        Commands
          :help [NAME]   this text, or the documentation of a builtin or variable
          :load FILE     run a script file in this session
          :vars          the variables you defined, with their values
          :time EXPR     evaluate EXPR and print the wall time it took
          :reset         start a fresh session (history is kept)
          :quit          leave (Ctrl-D does too)
        Keys
          Tab            complete names, members after '.', keyword arguments, file names in strings
          Up/Down        history (kept in ~/.m2t_history, or $M2T_HISTORY)
          Ctrl-R         search the history backwards
          Ctrl-C         stop the running statement, or clear the line
          Ctrl-D         quit (on an empty line)
        An unfinished statement (open bracket or block, trailing operator) continues on a '...' line.
        The last result is '_'.

        """

    /// Runs `line` (which starts with `:`); returns `false` to leave the REPL.
    static func run(_ line: String, in repl: REPL) -> Bool {
        let body = line.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        let matching = names.filter { $0.hasPrefix(name) }
        guard !name.isEmpty, let command = names.contains(name) ? name : (matching.count == 1 ? matching[0] : nil) else {
            repl.terminal.error("unknown command ':\(name)'; :help lists the commands\n")
            return true
        }
        switch command {
        case "help":
            repl.terminal.write(argument.isEmpty ? usage : repl.session.help(argument) + "\n")
        case "load":
            load(argument, in: repl)
        case "vars":
            vars(repl)
        case "time":
            guard !argument.isEmpty else { repl.terminal.error("usage: :time EXPR\n"); break }
            let start = DispatchTime.now().uptimeNanoseconds
            repl.evaluate(argument)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            repl.terminal.startLine()
            repl.terminal.write("wall time: \(format(seconds))\n")
        case "reset":
            repl.reset()
            repl.terminal.write("session reset\n")
        case "quit":
            return false
        default:
            break
        }
        return true
    }

    private static func load(_ argument: String, in repl: REPL) {
        var path = argument
        if path.count >= 2, path.hasPrefix("\""), path.hasSuffix("\"") { path = String(path.dropFirst().dropLast()) }
        guard !path.isEmpty else { repl.terminal.error("usage: :load FILE\n"); return }
        path = (path as NSString).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: path) else {
            repl.terminal.error("cannot read '\(path)'\n")
            return
        }
        guard let source = String(data: data, encoding: .utf8) else {
            repl.terminal.error("'\(path)' is not UTF-8 text\n")
            return
        }
        if repl.report(repl.session.run(source: source, file: path), echo: false) {
            repl.terminal.startLine()
            repl.terminal.write("loaded \(path)\n")
        }
    }

    private static func vars(_ repl: REPL) {
        repl.terminal.write(repl.session.variablesTable() ?? "no variables yet\n")
    }

    private static func format(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
        return String(format: "%.3f s", seconds)
    }
}
