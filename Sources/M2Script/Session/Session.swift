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
    /// thread; the run then fails with an ``ScriptError/Kind/interrupted`` error).
    public func interrupt() { interpreter.interrupt.raise() }

    /// The globals the user defined (builtins excluded), sorted by name — for `:vars`.
    public var variables: [(name: String, value: Value)] {
        interpreter.globals.bindings.filter { b in
            if case .function(let f) = b.value, interpreter.registry.lookup(b.name) === f { return false }
            return !interpreter.registry.constants.contains { $0.name == b.name } || !isConstantUnchanged(b)
        }
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

    /// Runs `body` on a new thread with a stack of ``stackSize`` bytes and waits for that
    /// thread to end (`pthread_join`), not just for its result: when `run` returns, nothing the
    /// program captured — its syntax tree, its values — is still held by a thread on its way out.
    private func onLargeStack(_ body: @escaping () -> Outcome) -> Outcome {
        final class Job {
            let body: () -> Outcome
            var outcome: Outcome = .value(.nil)
            init(_ body: @escaping () -> Outcome) { self.body = body }
        }
        let job = Job(body)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let context = Unmanaged.passRetained(job).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, &attributes, { context in
            let raw: UnsafeMutableRawPointer? = context
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            job.outcome = job.body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Job>.fromOpaque(context).release()
            return .failure([ScriptError(.runtime, "cannot start a thread with a \(stackSize >> 20) MB stack (error \(status))", at: nil)])
        }
        #if canImport(Darwin)
        pthread_join(thread!, nil)
        #else
        pthread_join(thread, nil)
        #endif
        return job.outcome
    }
}
