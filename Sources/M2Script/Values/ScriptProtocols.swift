/// Engine objects with a length: `len(obj)` (a dataset, a loader's batches per epoch).
public protocol ScriptSized: ScriptObject {
    /// The number of elements (`len`).
    var length: Int { get }
}

/// Engine objects that behave like sequences: `len(obj)`, `obj[i]` and `for x in obj`
/// (a `Sequential`, a dataset).
public protocol ScriptSequence: ScriptSized {
    /// The element at `index` in `0..<length` (negative indices are resolved by the caller).
    func element(at index: Int) throws -> Value
}

/// Engine objects that can be iterated but not indexed (a data loader: one epoch of batches).
public protocol ScriptIterable: ScriptObject {
    /// A fresh iterator; it returns `nil` when the sequence ends.
    func makeIterator() throws -> () throws -> Value?
}

/// Engine objects that `let (a, b) = obj` takes apart (a batch → images, labels).
public protocol ScriptDestructurable: ScriptObject {
    /// The parts, in order.
    func destructured() throws -> [Value]
}
