import Foundation

/// One language session: a persistent global scope plus everything a file runner or a REPL
/// needs. The REPL and `m2t run` share ``run(source:file:)``.
///
/// ```swift
/// let session = Session()
/// switch session.run(source: "let x = zeros(2, 2)\nx.shape", file: "<repl>") {
/// case .value(let v): print(v.repr)                            // [2, 2]
/// case .failure(let errors): errors.forEach { print($0.rendered) }
/// }
/// ```
public final class Session {
    /// What a run produced.
    public enum Outcome {
        /// The value of the last expression statement (`nil` when the last statement was
        /// not an expression).
        case value(Value)
        /// Syntax errors (several, from panic-mode recovery) or one runtime error.
        case failure([ScriptError])
    }

    /// The interpreter holding the global scope.
    public let interpreter: Interpreter
    /// Stack size of the thread that runs programs: deep recursion must hit the language's
    /// call-depth limit, never the machine's stack.
    public var stackSize = 512 << 20
    private var entries = 0

    /// A session with the standard builtins.
    /// - Parameters:
    ///   - registry: the builtins (``BuiltinRegistry/standard()`` plus any engine libraries).
    ///   - limits: call depth, step and size limits.
    ///   - output: receives everything `print` and the terminal plot sink write.
    ///   - plotSink: where `plot` draws; a ``TerminalPlotSink`` on `output` by default.
    public init(registry: BuiltinRegistry = .standard(), limits: Limits = Limits(),
                output: @escaping (String) -> Void = { Swift.print($0, terminator: "") },
                plotSink: PlotSink? = nil) {
        interpreter = Interpreter(registry: registry, limits: limits, output: output,
                                  plotSink: plotSink ?? TerminalPlotSink(output: output))
    }

    /// Parses and runs `source` in the session's global scope.
    /// - Parameters:
    ///   - source: one REPL entry or a whole script.
    ///   - file: the name diagnostics print (`lesson.m2t`, `<repl>`).
    /// - Returns: the last expression's value, or the errors.
    public func run(source: String, file: String = "<script>") -> Outcome {
        let sourceFile = SourceFile(name: file, text: source)
        var parser = Parser(file: sourceFile)
        let statements = parser.parse()
        if !parser.errors.isEmpty { return .failure(parser.errors) }
        let interpreter = self.interpreter
        return onLargeStack {
            do {
                return .value(try interpreter.runTopLevel(statements))
            } catch let e as ScriptError {
                return .failure([e])
            } catch {
                return .failure([ScriptError(.runtime, "\(error)", at: nil)])
            }
        }
    }

    /// Runs one REPL entry, naming it `<repl:N>` in diagnostics.
    public func evaluate(line: String) -> Outcome {
        entries += 1
        return run(source: line, file: "<repl:\(entries)>")
    }

    /// Whether `source` stops mid-statement — open brackets or blocks, an unfinished
    /// interpolation, or a trailing operator — so a REPL should read another line.
    public static func isIncomplete(_ source: String) -> Bool {
        var parser = Parser(file: SourceFile(name: "<repl>", text: source))
        _ = parser.parse()
        return parser.isIncomplete
    }

    /// Stops the running statement at its next loop iteration or call (safe from any
    /// thread; the run then fails with an ``ScriptError/Kind/interrupted`` error). A running
    /// `pretrain` first writes its checkpoint.
    public func interrupt() { interpreter.interrupt.cancel() }

    /// Where long-running builtins (`pretrain`) report their progress; nil: silently.
    public var progress: ((ProgressReport) -> Void)? {
        get { interpreter.progress }
        set { interpreter.progress = newValue }
    }

    /// The globals the user defined (builtins excluded), sorted by name — for `:vars`.
    public var variables: [(name: String, value: Value)] {
        interpreter.globals.bindings.filter { b in
            if case .function(let f) = b.value, interpreter.registry.lookup(b.name) === f { return false }
            return !interpreter.registry.constants.contains { $0.name == b.name } || !isConstantUnchanged(b)
        }
    }

    /// The user's variables as a table for `:vars` — name, type, the value's first line cut
    /// at 100 characters — or nil when there are none (`_` is left out).
    public func variablesTable() -> String? {
        let rows = variables.filter { $0.name != "_" }
        guard !rows.isEmpty else { return nil }
        let nameWidth = min(rows.map(\.name.count).max() ?? 0, 24)
        let typeWidth = rows.map(\.value.typeName.count).max() ?? 0
        func padded(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(width - s.count, 0)) }
        return rows.map { name, value in
            var text = value.repr
            if let newline = text.firstIndex(of: "\n") { text = text[..<newline] + " …" }
            if text.count > 100 { text = text.prefix(99) + "…" }
            return "\(padded(name, nameWidth))  \(padded(value.typeName, typeWidth))  \(text)\n"
        }.joined()
    }

    private func isConstantUnchanged(_ b: (name: String, value: Value)) -> Bool {
        guard let c = interpreter.registry.constants.first(where: { $0.name == b.name }) else { return false }
        return c.value.isEqual(to: b.value) || (c.value.asDouble?.isNaN ?? false)
    }

    /// The `help(name)` text for a builtin or a global.
    public func help(_ name: String) -> String {
        if let v = interpreter.globals.lookup(name) { return Help.text(for: v, registry: interpreter.registry) }
        return "no name '\(name)' in scope"
    }

    private func onLargeStack(_ body: @escaping () -> Outcome) -> Outcome {
        final class Box: @unchecked Sendable {
            var body: (() -> Outcome)?
            var outcome: Outcome = .value(.nil)
        }
        let box = Box()
        box.body = body
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.outcome = box.body!()
            // The thread lets go of its closure only as it ends, after `done`: release the
            // run (its syntax tree) here, so that nothing of it outlives the return.
            box.body = nil
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        return box.outcome
    }
}
