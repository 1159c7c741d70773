import M2NN

/// Conversions between engine values and script values shared by the bindings.
enum Convert {
    /// A record (dict with string keys) from ordered fields.
    static func record(_ fields: [(String, Value)]) -> Value {
        .dict(DictBox(fields.map { (DictKey.string($0.0), $0.1) }))
    }

    /// A list of floats.
    static func list(_ xs: [Double]) -> Value { .list(ListBox(xs.map { .double($0) })) }

    /// A list of ints.
    static func list(_ xs: [Int]) -> Value { .list(ListBox(xs.map { .int($0) })) }

    /// A list of strings.
    static func list(_ xs: [String]) -> Value { .list(ListBox(xs.map { .string($0) })) }

    /// A 1-D tensor from floats (BN statistics).
    static func tensor(_ xs: [TensorScalar]) throws -> Value { .tensor(try Tensor(xs, shape: [xs.count])) }

    /// `TensorScalar` widened the way the language prints tensor values (0.6, not 0.600000023…).
    static func number(_ f: TensorScalar) -> Value { .double(Value.widen(f)) }
}

extension BoundArguments {
    /// A module argument (any layer or network object).
    func module(_ name: String) throws -> Module {
        guard case .object(let o as ModuleObject) = self[name] else { throw fail(name, "a module (a layer or network)") }
        return o.module
    }

    /// A dataset argument.
    func dataset(_ name: String) throws -> DatasetObject {
        guard case .object(let o as DatasetObject) = self[name] else { throw fail(name, "a dataset (fashion_mnist(…), cifar10(…), image_folder(…), dataset(…))") }
        return o
    }

    /// A non-negative seed (`nil` when omitted).
    func optionalSeed(_ name: String) throws -> UInt64? {
        guard let s = try optionalInt(name) else { return nil }
        guard s >= 0 else { throw fail(name, "a non-negative integer") }
        return UInt64(s)
    }

    /// A positive integer.
    func positiveInt(_ name: String) throws -> Int {
        let n = try int(name)
        guard n > 0 else { throw RuntimeFailure("\(function): '\(name)' must be positive, got \(n)") }
        return n
    }

    /// One of the listed strings.
    func choice(_ name: String, _ options: [String]) throws -> String {
        let s = try string(name)
        guard options.contains(s) else {
            throw RuntimeFailure("\(function): '\(name)' must be one of \(options.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(s)\"")
        }
        return s
    }
}
