import M2Tensor

/// Every value a script can hold.
///
/// Lists and dicts are references (like Python's), tuples are immutable values, tensors
/// are the engine's ``Tensor`` references, and anything else the engine exposes — modules,
/// datasets, the method's objects — is an ``object(_:)`` conforming to ``ScriptObject``.
public enum Value {
    /// The absence of a value.
    case `nil`
    /// `true` or `false`.
    case bool(Bool)
    /// A 64-bit integer; arithmetic that would overflow promotes to ``double(_:)``.
    case int(Int)
    /// A 64-bit floating-point number.
    case double(Double)
    /// Text.
    case string(String)
    /// A mutable, shared list.
    case list(ListBox)
    /// An immutable sequence: `(1, "a")`.
    case tuple([Value])
    /// A mutable, shared, insertion-ordered dictionary (a record when its keys are names).
    case dict(DictBox)
    /// `start..<end` or `start...end` over integers, with a step.
    case range(RangeValue)
    /// A function, builtin or bound method.
    case function(Callable)
    /// A tensor from the engine.
    case tensor(Tensor)
    /// An engine object (module, dataset, method…).
    case object(ScriptObject)

    /// The name `type(x)` returns.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "string"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .range: return "range"
        case .function: return "function"
        case .tensor: return "tensor"
        case .object(let o): return o.typeName
        }
    }

    /// Truth as `if` and `while` see it: `nil`, `false`, zero, empty strings and collections
    /// are false; a one-element tensor is its value; larger tensors are ambiguous.
    public func isTruthy() throws -> Bool {
        switch self {
        case .nil: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return !d.isEmpty
        case .range(let r): return r.count > 0
        case .function, .object: return true
        case .tensor(let t):
            guard t.count == 1 else {
                throw RuntimeFailure("the truth value of a tensor with \(t.count) elements is ambiguous; use .all() or .any()")
            }
            return try t.item() != 0
        }
    }
}

/// The storage of a list value, shared by every variable that holds it.
public final class ListBox {
    /// The elements.
    public var items: [Value]
    /// A list holding `items`.
    public init(_ items: [Value]) { self.items = items }
}

/// An integer range: `0..<10`, `1...n`, `range(0, 10, 2)`. Iterated lazily.
public struct RangeValue: Equatable {
    /// The first value.
    public let start: Int
    /// The bound, excluded.
    public let end: Int
    /// The step (never zero).
    public let step: Int

    /// The number of values, computed without overflow.
    public var count: Int {
        let span = step > 0 ? Double(end) - Double(start) : Double(start) - Double(end)
        guard span > 0 else { return 0 }
        let n = (span / Double(abs(step))).rounded(.up)
        return n >= Double(Int.max) ? Int.max : Int(n)
    }

    /// The `i`-th value (no bounds check; callers check `0 <= i < count`).
    func element(_ i: Int) -> Int { start &+ i &* step }
}
