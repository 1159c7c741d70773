extension Value: CustomStringConvertible {
    /// How `print` and `str` show a value: strings without quotes.
    public var description: String {
        if case .string(let s) = self { return s }
        return repr
    }

    /// How the REPL echoes a value and how it appears inside collections: strings quoted.
    public var repr: String {
        var budget = 10_000
        return render(&budget, depth: 0)
    }

    /// Renders with a character budget so huge or deeply nested collections stay printable.
    private func render(_ budget: inout Int, depth: Int) -> String {
        if budget <= 0 || depth > 50 { return "…" }
        let text: String
        switch self {
        case .nil: text = "nil"
        case .bool(let b): text = b ? "true" : "false"
        case .int(let i): text = String(i)
        case .double(let d): text = Value.format(d)
        case .string(let s): text = Value.quote(s)
        case .list(let l): text = "[" + Value.join(l.items, &budget, depth) + "]"
        case .tuple(let t): text = "(" + Value.join(t, &budget, depth) + (t.count == 1 ? ",)" : ")")
        case .dict(let d):
            var parts: [String] = []
            for (k, v) in d.entries {
                if budget <= 0 { parts.append("…"); break }
                let key: String
                if case .string(let s) = k, Value.isIdentifier(s) { key = s } else { key = k.description }
                let p = key + ": " + v.render(&budget, depth: depth + 1)
                budget -= p.count
                parts.append(p)
            }
            text = "{" + parts.joined(separator: ", ") + "}"
        case .range(let r):
            text = r.step == 1 ? "\(r.start)..<\(r.end)" : "range(\(r.start), \(r.end), \(r.step))"
        case .function(let f): text = "<fn \(f.signature)>"
        case .tensor(let t): text = t.description
        case .object(let o): text = o.description
        }
        budget -= text.count
        return text
    }

    private static func join(_ items: [Value], _ budget: inout Int, _ depth: Int) -> String {
        var parts: [String] = []
        for item in items {
            if budget <= 0 { parts.append("…"); break }
            parts.append(item.render(&budget, depth: depth + 1))
        }
        return parts.joined(separator: ", ")
    }

    /// Doubles print with a decimal point (`1.0`) so they read differently from ints.
    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return "\(d)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f == "_" || f.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || ($0.isASCII && $0.isNumber) } && TokenKind.keywords[s] == nil
    }
}

extension Value {
    /// Structural equality for non-tensor values (numbers compare across int and float;
    /// functions and objects by identity; tensors by identity here — `==` between tensors
    /// is elementwise and handled by the operators).
    public func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case (.nil, .nil): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double):
            return asDouble == other.asDouble
        case let (.string(a), .string(b)): return a == b
        case let (.list(a), .list(b)):
            return a === b || (a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.isEqual(to: $1) })
        case let (.tuple(a), .tuple(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case let (.dict(a), .dict(b)):
            return a === b || (a.count == b.count && a.entries.allSatisfy { k, v in b[k].map { v.isEqual(to: $0) } ?? false })
        case let (.range(a), .range(b)): return a == b
        case let (.function(a), .function(b)):
            if let f = a as? ScriptFunction, let g = b as? ScriptFunction { return f.identity === g.identity }
            return a === b
        case let (.tensor(a), .tensor(b)): return a === b
        case let (.object(a), .object(b)): return a === b
        default: return false
        }
    }
}
