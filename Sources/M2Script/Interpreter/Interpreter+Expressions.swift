import M2Tensor

/// A subscript component after evaluation.
enum IndexKey {
    case single(Value)
    case slice(Int?, Int?, Int?)
    case ellipsis
}

extension Interpreter {
    /// Evaluates an expression; any failure below becomes a ``ScriptError`` at its span.
    func evaluate(_ expr: Expr, _ env: Environment) throws -> Value {
        do {
            return try evaluateUnwrapped(expr, env)
        } catch let e as ScriptError {
            throw e
        } catch {
            throw wrap(error, at: expr.span)
        }
    }

    private func evaluateUnwrapped(_ expr: Expr, _ env: Environment) throws -> Value {
        switch expr {
        case .literal(let v, _):
            return v
        case let .variable(name, _):
            guard let v = env.lookup(name) else {
                throw RuntimeFailure("undefined variable '\(name)'" + Suggestion.hint(for: name, among: env.visibleNames))
            }
            return v
        case .interpolation(let parts, _):
            var s = ""
            for p in parts { s += try evaluate(p, env).description }
            try checkCollectionSize(s.utf8.count)
            return .string(s)
        case .list(let items, _):
            return .list(ListBox(try items.map { try evaluate($0, env) }))
        case .tuple(let items, _):
            return .tuple(try items.map { try evaluate($0, env) })
        case .dict(let entries, _):
            let box = DictBox()
            for (k, v) in entries {
                let key = try evaluate(k, env)
                let dk: DictKey
                do { dk = try DictKey(key) } catch { throw wrap(error, at: k.span) }
                box[dk] = try evaluate(v, env)
            }
            return .dict(box)
        case let .unary(op, operand, _):
            return try unary(op, try evaluate(operand, env))
        case let .binary(op, l, r, _):
            let lhs = try evaluate(l, env)
            let rhs = try evaluate(r, env)
            return try binary(op, lhs, rhs)
        case let .logical(isAnd, l, r, _):
            let lhs = try evaluate(l, env)
            let t: Bool
            do { t = try lhs.isTruthy() } catch { throw wrap(error, at: l.span) }
            if isAnd ? !t : t { return lhs }
            return try evaluate(r, env)
        case let .range(l, r, inclusive, _):
            let lo = try evaluate(l, env), hi = try evaluate(r, env)
            guard case .int(let a) = lo, case .int(let b) = hi else {
                throw RuntimeFailure("range bounds must be integers, not \(lo.typeName) and \(hi.typeName)")
            }
            if inclusive {
                let (end, o) = b.addingReportingOverflow(1)
                if o { throw RuntimeFailure("range end \(b) is too large") }
                return .range(RangeValue(start: a, end: end, step: 1))
            }
            return .range(RangeValue(start: a, end: b, step: 1))
        case let .call(calleeExpr, args, span):
            return try evaluateCall(calleeExpr, args, span, env)
        case let .index(objectExpr, items, _):
            let object = try evaluate(objectExpr, env)
            return try subscriptGet(object, try evaluateIndexItems(items, env))
        case let .member(objectExpr, name, span):
            return try getMember(try evaluate(objectExpr, env), name, at: span)
        case .function(let decl):
            return .function(ScriptFunction(decl, closure: env))
        }
    }

    func evaluateIndexItems(_ items: [IndexItem], _ env: Environment) throws -> [IndexKey] {
        try items.map { item in
            switch item {
            case .single(let e): return .single(try evaluate(e, env))
            case .ellipsis: return .ellipsis
            case let .slice(s, e, st):
                func bound(_ x: Expr?) throws -> Int? {
                    guard let x else { return nil }
                    let v = try evaluate(x, env)
                    if case .nil = v { return nil }
                    guard let i = v.asInt else { throw wrap(RuntimeFailure("slice bounds must be integers, not \(v.typeName)"), at: x.span) }
                    return i
                }
                let step = try bound(st)
                if step == 0, let st { throw wrap(RuntimeFailure("slice step cannot be zero"), at: st.span) }
                return .slice(try bound(s), try bound(e), step)
            }
        }
    }
}
