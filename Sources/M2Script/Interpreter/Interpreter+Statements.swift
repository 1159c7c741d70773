extension Interpreter {
    /// Runs one statement in `env`.
    func execute(_ stmt: Stmt, _ env: Environment) throws -> Completion {
        switch stmt {
        case .expression(let e):
            _ = try evaluate(e, env)
        case let .declaration(pattern, value, span):
            let v = try evaluate(value, env)
            try bind(pattern, v, in: env, at: span)
        case let .assignment(target, compound, value, span):
            try assign(target, compound, value, env, span)
        case .function(let decl):
            env.define(decl.name ?? "<fn>", .function(ScriptFunction(decl, closure: env)))
        case let .ifStmt(condition, thenBranch, elseBranch, _):
            if try truthy(condition, env) {
                return try executeBlock(thenBranch, Environment(enclosing: env))
            } else if let elseBranch {
                return try executeBlock(elseBranch, Environment(enclosing: env))
            }
        case let .whileStmt(condition, body, span):
            while try truthy(condition, env) {
                try tick(span)
                switch try executeBlock(body, Environment(enclosing: env)) {
                case .breakLoop: return .normal
                case .returnValue(let v): return .returnValue(v)
                case .normal, .continueLoop: continue
                }
            }
        case let .forStmt(pattern, sequence, body, span):
            let seq = try evaluate(sequence, env)
            var result: Completion = .normal
            try iterate(seq, at: sequence.span) { item in
                try self.tick(span)
                let scope = Environment(enclosing: env)
                try self.bind(pattern, item, in: scope, at: span)
                switch try self.executeBlock(body, scope) {
                case .breakLoop: return false
                case .returnValue(let v): result = .returnValue(v); return false
                case .normal, .continueLoop: return true
                }
            }
            return result
        case let .returnStmt(value, _):
            return .returnValue(try value.map { try evaluate($0, env) } ?? .nil)
        case .breakStmt:
            return .breakLoop
        case .continueStmt:
            return .continueLoop
        }
        return .normal
    }

    /// Runs statements in order until one transfers control.
    func executeBlock(_ statements: [Stmt], _ env: Environment) throws -> Completion {
        for stmt in statements {
            let c = try execute(stmt, env)
            if case .normal = c { continue }
            return c
        }
        return .normal
    }

    func truthy(_ condition: Expr, _ env: Environment) throws -> Bool {
        let v = try evaluate(condition, env)
        do { return try v.isTruthy() } catch { throw wrap(error, at: condition.span) }
    }

    /// Binds a pattern: a name, or a tuple pattern destructuring a sequence of equal length.
    func bind(_ pattern: Pattern, _ value: Value, in env: Environment, at span: SourceSpan) throws {
        switch pattern {
        case .name(let name, _):
            env.define(name, value)
        case let .tuple(parts, pspan):
            let items: [Value]
            if let seq = value.sequenceItems { items = seq }
            else if case .tensor(let t) = value, t.rank >= 1, t.shape[0] <= 64 {
                items = try (0..<t.shape[0]).map { .tensor(try t.index([.at($0)])) }
            } else if case .object(let o as ScriptDestructurable) = value {
                do { items = try o.destructured() } catch { throw wrap(error, at: pspan) }
            } else {
                throw error("cannot destructure a \(value.typeName) into \(parts.count) names", at: pspan)
            }
            guard items.count == parts.count else {
                throw error("cannot destructure \(items.count) values into \(parts.count) names", at: pspan)
            }
            for (p, v) in zip(parts, items) { try bind(p, v, in: env, at: span) }
        }
    }

    /// `target = value` and `target op= value`.
    func assign(_ target: Expr, _ compound: BinaryOperator?, _ valueExpr: Expr, _ env: Environment, _ span: SourceSpan) throws {
        func combined(_ current: () throws -> Value) throws -> Value {
            let rhs = try evaluate(valueExpr, env)
            guard let op = compound else { return rhs }
            let lhs = try current()
            do { return try binary(op, lhs, rhs) } catch { throw wrap(error, at: span) }
        }
        switch target {
        case let .variable(name, vspan):
            let v = try combined {
                guard let v = env.lookup(name) else { throw self.error("undefined variable '\(name)'", at: vspan) }
                return v
            }
            guard env.assign(name, v) else {
                throw error("undefined variable '\(name)'; declare it first with 'let \(name) = …'", at: vspan)
            }
        case let .member(objectExpr, name, mspan):
            let object = try evaluate(objectExpr, env)
            let v = try combined { try self.getMember(object, name, at: mspan) }
            do { try setMember(object, name, v) } catch { throw wrap(error, at: mspan) }
        case let .index(objectExpr, items, ispan):
            let object = try evaluate(objectExpr, env)
            let keys = try evaluateIndexItems(items, env)
            let v = try combined {
                do { return try self.subscriptGet(object, keys) } catch { throw self.wrap(error, at: ispan) }
            }
            do { try subscriptSet(object, keys, v) } catch { throw wrap(error, at: ispan) }
        default:
            throw error("cannot assign to this expression", at: target.span)
        }
    }
}
