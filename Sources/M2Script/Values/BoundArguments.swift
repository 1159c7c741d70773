import M2Tensor

/// A builtin's arguments matched to its parameters, with typed accessors that fail with
/// messages naming the function and the parameter.
public struct BoundArguments {
    /// The function being called (for messages).
    public let function: String
    /// The interpreter running the call (to call back into closures, print, plot).
    public let interpreter: Interpreter
    private var values: [String: Value] = [:]
    /// What the variadic parameter collected.
    public private(set) var rest: [Value] = []

    init(binding args: Arguments, to params: [BuiltinParameter], function: String, interpreter: Interpreter) throws {
        self.function = function
        self.interpreter = interpreter
        var positional = args.positional[...]
        for p in params {
            if p.isVariadic { rest = Array(positional); positional = []; continue }
            if let v = positional.popFirst() { values[p.name] = v }
        }
        guard positional.isEmpty else {
            throw RuntimeFailure("\(function) takes at most \(params.filter { !$0.isVariadic }.count) positional arguments, got \(args.positional.count)")
        }
        for (name, value) in args.keywords {
            guard params.contains(where: { $0.name == name && !$0.isVariadic }) else {
                let known = params.filter { !$0.isVariadic }.map(\.name)
                throw RuntimeFailure("\(function) has no parameter '\(name)'" + (known.isEmpty ? "" : " (it takes \(known.joined(separator: ", ")))"))
            }
            guard values[name] == nil else { throw RuntimeFailure("\(function): argument '\(name)' is given twice") }
            values[name] = value
        }
        for p in params where !p.isVariadic && values[p.name] == nil {
            guard let d = p.defaultValue else { throw RuntimeFailure("\(function) is missing the argument '\(p.name)'") }
            values[p.name] = d
        }
    }

    /// The raw value of a parameter (`nil` value when absent).
    public subscript(_ name: String) -> Value { values[name] ?? .nil }

    /// Whether the parameter is `nil`.
    public func isNil(_ name: String) -> Bool {
        if case .nil = self[name] { return true }
        return false
    }

    func fail(_ name: String, _ expected: String) -> RuntimeFailure {
        RuntimeFailure("\(function): '\(name)' must be \(expected), not \(self[name].typeName)")
    }

    /// An integer (floats with an integral value are accepted).
    public func int(_ name: String) throws -> Int {
        guard let i = self[name].asInt else { throw fail(name, "an integer") }
        return i
    }

    /// An integer or `nil`.
    public func optionalInt(_ name: String) throws -> Int? { isNil(name) ? nil : try int(name) }

    /// A number as `Double`.
    public func double(_ name: String) throws -> Double {
        guard let d = self[name].asDouble else { throw fail(name, "a number") }
        return d
    }

    /// A number as `TensorScalar`.
    public func float(_ name: String) throws -> TensorScalar { TensorScalar(try double(name)) }

    /// A number as `TensorScalar`, or `nil`.
    public func optionalFloat(_ name: String) throws -> TensorScalar? { isNil(name) ? nil : try float(name) }

    /// A boolean.
    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = self[name] else { throw fail(name, "true or false") }
        return b
    }

    /// A string.
    public func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else { throw fail(name, "a string") }
        return s
    }

    /// A tensor; numbers and nested lists are converted.
    public func tensor(_ name: String) throws -> Tensor {
        do { return try self[name].toTensor() } catch let e as RuntimeFailure {
            throw RuntimeFailure("\(function): '\(name)': \(e.message)")
        }
    }

    /// A tensor or `nil`.
    public func optionalTensor(_ name: String) throws -> Tensor? { isNil(name) ? nil : try tensor(name) }

    /// An int, or a list/tuple of ints (`axis: 1` or `axis: [0, 2]`); `nil` stays `nil`.
    public func intList(_ name: String) throws -> [Int]? {
        switch self[name] {
        case .nil: return nil
        case .list, .tuple:
            guard let items = self[name].sequenceItems, case let ints = items.compactMap(\.asInt), ints.count == items.count else {
                throw fail(name, "an integer or a list of integers")
            }
            return ints
        default: return [try int(name)]
        }
    }

    /// A shape from the variadic arguments: `zeros(2, 3)` or `zeros([2, 3])`.
    public func shape() throws -> [Int] {
        var items = rest
        if items.count == 1, let inner = items[0].sequenceItems { items = inner }
        let ints = items.compactMap(\.asInt)
        guard ints.count == items.count else { throw RuntimeFailure("\(function): a shape is a list of integers") }
        guard ints.allSatisfy({ $0 >= 0 }) else { throw RuntimeFailure("\(function): shape \(ints) has a negative size") }
        return ints
    }

    /// A function value.
    public func callable(_ name: String) throws -> Callable {
        guard case .function(let f) = self[name] else { throw fail(name, "a function") }
        return f
    }
}
