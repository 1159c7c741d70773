/// One parameter of a builtin: required, defaulted, or variadic (`*shape`).
public struct BuiltinParameter {
    /// The keyword that names it.
    public let name: String
    /// The value when omitted; `nil` makes it required.
    public let defaultValue: Value?
    /// Whether it collects all remaining positional arguments.
    public let isVariadic: Bool

    /// Parses a signature's parameter list: `"x, *shape, axis=nil, keepdims=false"`.
    /// Defaults are literals: `nil`, `true`, `false`, numbers, or `"strings"`.
    public static func parse(_ list: String) -> [BuiltinParameter] {
        list.split(separator: ",").compactMap { raw in
            let part = raw.trimmingCharacters(in: .whitespaces)
            guard !part.isEmpty else { return nil }
            if part.hasPrefix("*") { return BuiltinParameter(name: String(part.dropFirst()), defaultValue: nil, isVariadic: true) }
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2 else { return BuiltinParameter(name: part, defaultValue: nil, isVariadic: false) }
            let d = pieces[1]
            let value: Value
            if d == "nil" { value = .nil } else if d == "true" { value = .bool(true) } else if d == "false" { value = .bool(false) }
            else if let i = Int(d) { value = .int(i) } else if let x = Double(d) { value = .double(x) }
            else { value = .string(d.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) }
            return BuiltinParameter(name: pieces[0], defaultValue: value, isVariadic: false)
        }
    }
}

import Foundation

/// A function implemented in Swift, with a declared signature and documentation.
///
/// ```swift
/// BuiltinFunction("relu", "x", doc: "max(x, 0) elementwise.", example: "relu(tensor([-1, 2]))") { a in
///     .tensor(try a.tensor("x").relu())
/// }
/// ```
public final class BuiltinFunction: Callable {
    public let name: String
    /// The declared parameters.
    public let parameters: [BuiltinParameter]
    public let doc: String
    /// A one-line example for `help` and docs/language.md.
    public let example: String
    let body: (BoundArguments) throws -> Value

    /// A builtin named `name` with parameters parsed from `parameters` (see
    /// ``BuiltinParameter/parse(_:)``).
    public convenience init(_ name: String, _ parameters: String, doc: String, example: String = "",
                body: @escaping (BoundArguments) throws -> Value) {
        self.init(name, parsed: BuiltinParameter.parse(parameters), doc: doc, example: example, body: body)
    }

    /// A builtin with already parsed parameters (used by method tables).
    public init(_ name: String, parsed: [BuiltinParameter], doc: String, example: String = "",
                body: @escaping (BoundArguments) throws -> Value) {
        self.name = name
        self.parameters = parsed
        self.doc = doc
        self.example = example
        self.body = body
    }

    public var parameterNames: [String] { parameters.map(\.name) }

    public var signature: String {
        let params = parameters.map { p -> String in
            if p.isVariadic { return "*" + p.name }
            if let d = p.defaultValue { return "\(p.name): \(d.repr)" }
            return p.name
        }
        return "\(name)(\(params.joined(separator: ", ")))"
    }

    public func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
        try body(try BoundArguments(binding: arguments, to: parameters, function: name, interpreter: interpreter))
    }
}
