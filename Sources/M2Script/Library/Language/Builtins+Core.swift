/// print, len, str, type, help, assert and conversions.
enum CoreBuiltins {
    /// `M2T_QUICK` set to `1`, `true` or `yes` (read on every call, so a test can set it).
    static var isQuick: Bool {
        guard let v = ProcessInfo.processInfo.environment["M2T_QUICK"]?.lowercased() else { return false }
        return ["1", "true", "yes"].contains(v)
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("print", "*values, sep=\" \", end=\"\n\"", doc: "Writes the values separated by `sep`, then `end`.",
                        example: "print(\"loss\", 0.25)") { a in
            a.interpreter.write(a.rest.map(\.description).joined(separator: try a.string("sep")) + (try a.string("end")))
            return .nil
        },
        BuiltinFunction("len", "value", doc: "The number of elements of a string, list, tuple, dict, range, dataset or Sequential, or a tensor's first dimension.",
                        example: "len([1, 2, 3])  # 3") { a in
            switch a["value"] {
            case .string(let s): return .int(s.count)
            case .list(let l): return .int(l.items.count)
            case .tuple(let t): return .int(t.count)
            case .dict(let d): return .int(d.count)
            case .range(let r): return .int(r.count)
            case .object(let o as ScriptSized): return .int(o.length)
            case .tensor(let t):
                guard t.rank > 0 else { throw RuntimeFailure("len: a rank-0 tensor has no length") }
                return .int(t.shape[0])
            default: throw RuntimeFailure("len: a \(a["value"].typeName) has no length")
            }
        },
        BuiltinFunction("str", "value", doc: "The value as text, as print shows it.", example: "str(1.5) + \"!\"") { a in .string(a["value"].description) },
        BuiltinFunction("repr", "value", doc: "The value as the REPL echoes it (strings quoted).", example: "repr(\"a\")") { a in .string(a["value"].repr) },
        BuiltinFunction("type", "value", doc: "The name of the value's type.", example: "type(zeros(2))  # \"tensor\"") { a in .string(a["value"].typeName) },
        BuiltinFunction("assert", "condition, message=nil", doc: "Fails with `message` unless the condition is true.",
                        example: "assert(1 + 1 == 2, \"math\")") { a in
            guard try a["condition"].isTruthy() else {
                throw RuntimeFailure("assertion failed" + (a.isNil("message") ? "" : ": \(a["message"].description)"))
            }
            return .nil
        },
        BuiltinFunction("int", "value", doc: "Converts a number (truncating) or a numeric string to an int.", example: "int(3.7)  # 3") { a in
            switch a["value"] {
            case .int(let i): return .int(i)
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s):
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else { throw RuntimeFailure("int: \(Value.quote(s)) is not an integer") }
                return .int(i)
            default:
                guard let d = a["value"].asDouble else { throw a.fail("value", "a number or string") }
                guard d.isFinite, abs(d) < 9.2e18 else { throw RuntimeFailure("int: \(Value.format(d)) does not fit in an int") }
                return .int(Int(d))
            }
        },
        BuiltinFunction("float", "value", doc: "Converts a number or numeric string to a float.", example: "float(2)  # 2.0") { a in
            if case .string(let s) = a["value"] {
                guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw RuntimeFailure("float: \(Value.quote(s)) is not a number") }
                return .double(d)
            }
            return .double(try a.double("value"))
        },
        BuiltinFunction("bool", "value", doc: "The value's truth.", example: "bool([])  # false") { a in .bool(try a["value"].isTruthy()) },
        BuiltinFunction("quick", "small=nil, full=nil",
                        doc: "Whether the environment variable M2T_QUICK is 1 (or true/yes); quick(small, full) picks `small` in quick mode and `full` otherwise. Lessons use it to shrink their data and steps so the test suite runs them in seconds.",
                        example: "let steps = quick(4, 300)") { a in
            if a.isNil("small") && a.isNil("full") { return .bool(CoreBuiltins.isQuick) }
            return CoreBuiltins.isQuick ? a["small"] : a["full"]
        },
        BuiltinFunction("help", "value=nil", doc: "Describes a builtin, a function or a value's members; with no argument, lists the builtins.",
                        example: "help(zeros)") { a in
            a.interpreter.write(Help.text(for: a["value"], registry: a.interpreter.registry) + "\n")
            return .nil
        },
    ]
}

import Foundation

/// The text `help(…)` prints.
enum Help {
    static func text(for value: Value, registry: BuiltinRegistry) -> String {
        switch value {
        case .nil:
            return "Builtins by group (help(name) for one):\n" + registry.groups.map { "  \($0.name): \($0.members.joined(separator: ", "))" }.joined(separator: "\n")
        case .string(let name):
            if let f = registry.lookup(name) { return text(for: .function(f), registry: registry) }
            return "no builtin named '\(name)'"
        case .function(let f):
            var s = f.signature + "\n  " + f.doc
            if let b = f as? BuiltinFunction, !b.example.isEmpty { s += "\n  example: " + b.example }
            return s
        default:
            let members = Interpreter.memberNames(of: value)
            return "a \(value.typeName)" + (members.isEmpty ? "" : "; members: " + members.joined(separator: ", "))
        }
    }
}
