import ArgumentParser
import Foundation
import M2Jupyter
import M2Script
import Momentum2

/// `m2t run FILE.m2t [--set name=value …]`: runs a script in a fresh session. A Jupyter
/// notebook (`FILE.ipynb`) runs its code cells in order in one session, as Jupyter would;
/// errors name the cell: `FILE.ipynb:cell 4:2:7` is line 2, column 7 of the notebook's
/// fourth cell (Markdown cells counted).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .m2t script or the code cells of a .ipynb notebook (exit code 1 and the error with file:line:column on failure).")

    @ArgumentParser.Argument(help: "The script to run.")
    var file: String

    @Option(name: .customLong("set"), help: "Predefine a variable: name=value (numbers, true/false, nil, or text). Repeatable.")
    var assignments: [String] = []

    func run() throws {
        let source = try RunCommand.readScript(file)
        let name = (file as NSString).lastPathComponent
        let chunks: [(source: String, file: String)]
        if (file as NSString).pathExtension.lowercased() == "ipynb" {
            do {
                chunks = try NotebookFile.codeCells(Data(source.utf8)).map { ($0.source, "\(name):cell \($0.number)") }
            } catch {
                throw ExitMessage("cannot run \(file): \(error)")
            }
        } else {
            chunks = [(source, name)]
        }
        // Under mpirun every rank runs the script; rank 0 owns the console, the others speak
        // only to report an error, with their rank in front.
        let world = try Distributed.world()
        let leader = (world?.rank ?? 0) == 0
        let session = leader ? Session() : Session(output: { _ in })
        for assignment in assignments {
            let (name, value) = try RunCommand.parse(assignment)
            session.interpreter.globals.define(name, value)
        }
        let progress = ProgressLine()
        if leader { session.progress = progress.show }
        // Ctrl-C stops the statement (a running pretrain checkpoints first); twice quits.
        let interrupts = InterruptWatcher(secondPressExits: true, alsoOnTermination: world != nil)
        interrupts.watch { session.interrupt() }
        defer { withExtendedLifetime(interrupts) { progress.finish() } }

        let prefix = world.map { "[rank \($0.rank)] " } ?? ""
        for chunk in chunks {
            if case .failure(let errors) = session.run(source: chunk.source, file: chunk.file) {
                for e in errors { FileHandle.standardError.write(Data((prefix + e.rendered + "\n").utf8)) }
                throw ExitCode(1)
            }
        }
    }

    /// The text of a script file, or an ``ExitMessage`` naming the file. Reads to the end of
    /// whatever the path opens, so pipes and devices (`/dev/stdin`, `<(…)`) work too.
    static func readScript(_ file: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { throw ExitMessage("cannot read \(file): no such file") }
        guard !isDirectory.boolValue else { throw ExitMessage("cannot read \(file): it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw ExitMessage("cannot read \(file): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw ExitMessage("cannot read \(file): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ExitMessage("cannot read \(file): it is not UTF-8 text") }
        return text
    }

    /// `name=value` → the name and a number, bool, nil or string value.
    static func parse(_ assignment: String) throws -> (String, Value) {
        guard let eq = assignment.firstIndex(of: "=") else { throw ValidationError("--set expects name=value, got '\(assignment)'") }
        let name = String(assignment[..<eq]).trimmingCharacters(in: .whitespaces)
        let text = String(assignment[assignment.index(after: eq)...])
        guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ValidationError("--set: '\(name)' is not a variable name")
        }
        switch text {
        case "true": return (name, .bool(true))
        case "false": return (name, .bool(false))
        case "nil": return (name, .nil)
        default:
            if let i = Int(text) { return (name, .int(i)) }
            if let d = Double(text) { return (name, .double(d)) }
            return (name, .string(text))
        }
    }
}
