extension Interpreter {
    /// `callee(args)`: evaluates the callee and arguments, pushes a frame, calls.
    func evaluateCall(_ calleeExpr: Expr, _ args: [Argument], _ span: SourceSpan, _ env: Environment) throws -> Value {
        let callee = try evaluate(calleeExpr, env)
        var arguments = Arguments()
        for a in args {
            let v = try evaluate(a.value, env)
            if let label = a.label { arguments.keywords.append((label, v)) } else { arguments.positional.append(v) }
        }
        try tick(span)
        guard callStack.count < limits.maxCallDepth else {
            throw error("stack overflow: more than \(limits.maxCallDepth) nested calls", at: span)
        }
        let name: String
        switch callee {
        case .function(let f): name = f.name
        case .object(let o) where o.isCallable: name = o.typeName
        default: throw error("a \(callee.typeName) is not callable", at: calleeExpr.span)
        }
        callStack.append(ScriptError.Frame(function: name, span: span))
        defer { callStack.removeLast() }
        do {
            return try call(callee, arguments)
        } catch let e as ScriptError {
            throw e
        } catch {
            throw wrap(error, at: span)
        }
    }

    /// Binds arguments to a script function's parameters in a new scope and runs its body.
    /// The value of a final expression statement is the result when there is no `return`.
    func callScriptFunction(_ f: ScriptFunction, _ arguments: Arguments) throws -> Value {
        let decl = f.declaration
        let params = decl.parameters
        guard arguments.positional.count <= params.count else {
            throw RuntimeFailure("\(f.name) takes \(params.count) argument\(params.count == 1 ? "" : "s"), got \(arguments.positional.count)")
        }
        guard let closure = f.closure else { throw RuntimeFailure("\(f.name): the scope it was defined in no longer exists") }
        let scope = Environment(enclosing: closure)
        var given = Set<String>()
        for (p, v) in zip(params, arguments.positional) {
            scope.define(p.name, v)
            given.insert(p.name)
        }
        for (name, v) in arguments.keywords {
            guard params.contains(where: { $0.name == name }) else {
                throw RuntimeFailure("\(f.name) has no parameter '\(name)'")
            }
            guard given.insert(name).inserted else { throw RuntimeFailure("\(f.name): argument '\(name)' is given twice") }
            scope.define(name, v)
        }
        for p in params where !given.contains(p.name) {
            guard let d = p.defaultValue else { throw RuntimeFailure("\(f.name) is missing the argument '\(p.name)'") }
            scope.define(p.name, try evaluate(d, scope))
        }
        for (i, stmt) in decl.body.enumerated() {
            if i == decl.body.count - 1, case .expression(let e) = stmt {
                return try evaluate(e, scope)
            }
            switch try execute(stmt, scope) {
            case .normal: continue
            case .returnValue(let v): return v
            case .breakLoop, .continueLoop:
                throw error("'break' or 'continue' outside a loop", at: stmt.span)
            }
        }
        return .nil
    }
}
