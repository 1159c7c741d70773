import M2Tensor

/// Walks the syntax tree and runs it (Crafting Interpreters, ch. 7–10), holding the global
/// scope, the builtins and the run's limits.
///
/// Use it through ``Session``; builtins receive it to call back into script functions
/// (``call(_:_:)``), print (``write(_:)``) and plot (``plotSink``).
public final class Interpreter {
    /// The outermost scope: builtins' names and every top-level `let`.
    public let globals = Environment()
    /// The builtin functions available by name.
    public let registry: BuiltinRegistry
    /// The run's bounds.
    public var limits: Limits
    /// Where `print` writes.
    public var output: (String) -> Void
    /// Where `plot` draws.
    public var plotSink: PlotSink
    /// Cancelled from another thread (Ctrl-C, a notebook's interrupt) to stop the running
    /// statement; builtins that run long (pre-training, feature extraction) poll it too.
    public let interrupt = CancellationToken()
    /// Where long-running builtins report their progress (nil: they run silently).
    public var progress: ((ProgressReport) -> Void)?
    /// The generator `randn`, `rand` and friends use when given no `seed:`.
    public var random = RandomGenerator(seed: 0)

    var callStack: [ScriptError.Frame] = []
    var steps = 0

    /// Control flow out of a statement.
    enum Completion {
        case normal
        case breakLoop
        case continueLoop
        case returnValue(Value)
    }

    /// An interpreter with `registry`'s builtins defined as globals.
    public init(registry: BuiltinRegistry, limits: Limits = Limits(), output: @escaping (String) -> Void, plotSink: PlotSink) {
        self.registry = registry
        self.limits = limits
        self.output = output
        self.plotSink = plotSink
        for f in registry.functions { globals.define(f.name, .function(f)) }
        for (name, value) in registry.constants { globals.define(name, value) }
    }

    // Global functions close over the globals, which hold them: empty the globals so that
    // the two are freed.
    deinit { globals.removeAll() }

    /// Writes text to ``output``.
    public func write(_ text: String) { output(text) }

    /// Calls a function value from a builtin (e.g. `no_grad`'s closure, `map`'s function).
    public func call(_ callee: Value, _ arguments: Arguments) throws -> Value {
        switch callee {
        case .function(let f): return try f.call(arguments, in: self)
        case .object(let o) where o.isCallable: return try o.call(arguments, in: self)
        default: throw RuntimeFailure("a \(callee.typeName) is not callable")
        }
    }

    /// Runs top-level statements; returns the value of the last expression statement.
    func runTopLevel(_ statements: [Stmt]) throws -> Value {
        steps = 0
        callStack = []
        _ = interrupt.consume()
        var last: Value = .nil
        for stmt in statements {
            last = .nil
            if case .expression(let e) = stmt {
                last = try evaluate(e, globals)
            } else {
                switch try execute(stmt, globals) {
                case .normal: break
                case .breakLoop, .continueLoop, .returnValue:
                    throw ScriptError(.runtime, "'break', 'continue' and 'return' must be inside a loop or function", at: stmt.span)
                }
            }
            // A builtin that honoured the interrupt itself (pretrain checkpoints and returns)
            // leaves it pending: the statement fails here even when nothing ticks after it.
            if interrupt.consume() { throw ScriptError(.interrupted, "interrupted", at: stmt.span) }
        }
        return last
    }

    /// One step of work: checks the interrupt flag and the step budget.
    func tick(_ span: SourceSpan) throws {
        steps += 1
        if let max = limits.maxSteps, steps > max {
            throw error("step limit of \(max) exceeded (is there an endless loop?)", at: span)
        }
        if steps & 63 == 0 || limits.maxSteps == nil, interrupt.consume() {
            var e = ScriptError(.interrupted, "interrupted", at: span)
            e.stack = callStack
            throw e
        }
    }

    /// A runtime error at `span` carrying the current call stack.
    func error(_ message: String, at span: SourceSpan) -> ScriptError {
        var e = ScriptError(.runtime, message, at: span)
        e.stack = callStack
        return e
    }

    /// Converts anything thrown below an expression into a ``ScriptError`` at its span.
    func wrap(_ error: Error, at span: SourceSpan) -> ScriptError {
        switch error {
        case let e as ScriptError: return e
        case let e as RuntimeFailure: return self.error(e.message, at: span)
        case let e as TensorError: return self.error(e.description, at: span)
        default: return self.error("\(error)", at: span)
        }
    }

    /// Checks a tensor shape against ``Limits/maxTensorElements`` before creating it.
    public func checkTensorSize(_ shape: [Int]) throws {
        guard let max = limits.maxTensorElements else { return }
        var n = 1
        for s in shape {
            let (m, o) = n.multipliedReportingOverflow(by: Swift.max(s, 0))
            if o || m > max { throw RuntimeFailure("refusing to create a tensor of shape \(shape): the limit is \(max) elements") }
            n = m
        }
    }

    /// Checks a collection size against ``Limits/maxCollectionCount``.
    func checkCollectionSize(_ n: Int) throws {
        if n > limits.maxCollectionCount || n < 0 {
            throw RuntimeFailure("refusing to build a collection of \(n) elements: the limit is \(limits.maxCollectionCount)")
        }
    }
}

extension Stmt {
    /// Where the statement was written.
    public var span: SourceSpan {
        switch self {
        case .expression(let e): return e.span
        case .declaration(_, _, let s), .assignment(_, _, _, let s), .ifStmt(_, _, _, let s),
             .whileStmt(_, _, let s), .forStmt(_, _, _, let s), .returnStmt(_, let s),
             .breakStmt(let s), .continueStmt(let s):
            return s
        case .function(let d): return d.span
        }
    }
}
