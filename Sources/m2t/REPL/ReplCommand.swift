import ArgumentParser
import Foundation
import M2Script

/// `m2t repl` (and `m2t` alone): the interactive session on a terminal, or — when standard
/// input is not a terminal — the script read from standard input
/// (`echo 'print(1 + 2)' | m2t`).
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Explore interactively: line editing, history, completion, Ctrl-C stops a statement.",
        discussion: "History is kept in ~/.m2t_history ($M2T_HISTORY relocates it). Type :help inside.")

    @Flag(help: "Do not read or write the history file.") var noHistory = false

    func run() throws {
        guard isatty(STDIN_FILENO) != 0 else { throw ExitCode(runScriptFromStandardInput()) }
        REPL(historyPath: noHistory ? nil : Self.historyPath()).loop()
    }

    /// `$M2T_HISTORY`, else `~/.m2t_history`.
    static func historyPath() -> String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["M2T_HISTORY"], !path.isEmpty { return path }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".m2t_history")
    }

    /// Runs all of standard input as one script; 0 on success, 1 on error.
    private func runScriptFromStandardInput() -> Int32 {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let source = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("error: standard input is not UTF-8 text\n".utf8))
            return 1
        }
        let output = TerminalOutput()
        let session = Session(output: { output.write($0) })
        let progress = ProgressLine()
        session.progress = progress.show
        let interrupts = InterruptWatcher(secondPressExits: true)
        interrupts.watch { session.interrupt() }
        defer { withExtendedLifetime(interrupts) { progress.finish() } }
        switch session.run(source: source, file: "<stdin>") {
        case .value: return 0
        case .failure(let errors):
            for e in errors { output.error(e.rendered + "\n") }
            return 1
        }
    }
}
