/// A dictionary key: strings, integers and booleans can be keys.
public enum DictKey: Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)

    /// The key for a value, or a failure for values that cannot be keys.
    init(_ value: Value) throws {
        switch value {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .bool(let b): self = .bool(b)
        case .double(let d) where d == d.rounded() && abs(d) < 9e15: self = .int(Int(d))
        default: throw RuntimeFailure("a \(value.typeName) cannot be a dict key (use a string, int or bool)")
        }
    }

    /// The key as a value.
    public var value: Value {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        }
    }

    public var description: String { value.repr }
}

/// The storage of a dict value: insertion-ordered, shared by every variable that holds it.
public final class DictBox {
    /// Keys in insertion order.
    public private(set) var keys: [DictKey] = []
    private var storage: [DictKey: Value] = [:]

    /// A dict with `entries`, later duplicates overwriting earlier ones.
    public init(_ entries: [(DictKey, Value)] = []) {
        for (k, v) in entries { self[k] = v }
    }

    /// The number of entries.
    public var count: Int { keys.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`; assigning `nil` removes the entry.
    public subscript(key: DictKey) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Convenience for string keys (records).
    public subscript(name: String) -> Value? {
        get { self[.string(name)] }
        set { self[.string(name)] = newValue }
    }

    /// Entries in insertion order.
    public var entries: [(DictKey, Value)] { keys.compactMap { k in storage[k].map { (k, $0) } } }
}
