/// The methods of one receiver type, declared once and bound to a receiver on access.
///
/// ```swift
/// static let methods = MethodTable<Tensor>()
///     .method("sum", "axis=nil, keepdims=false", doc: "Sum over axes.") { t, a in … }
/// let bound = methods.bind(t, "sum")   // a Value.function
/// ```
public final class MethodTable<Receiver> {
    struct Entry {
        let parameters: [BuiltinParameter]
        let doc: String
        let example: String
        let body: (Receiver, BoundArguments) throws -> Value
    }
    private var entries: [String: Entry] = [:]

    /// An empty table.
    public init() {}

    /// Adds a method; returns the table for chaining.
    @discardableResult
    public func method(_ name: String, _ parameters: String, doc: String, example: String = "",
                       body: @escaping (Receiver, BoundArguments) throws -> Value) -> MethodTable {
        entries[name] = Entry(parameters: BuiltinParameter.parse(parameters), doc: doc, example: example, body: body)
        return self
    }

    /// The method names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The method `name` bound to `receiver`, or `nil`.
    public func bind(_ receiver: Receiver, _ name: String, typeName: String) -> Value? {
        guard let e = entries[name] else { return nil }
        return .function(BuiltinFunction("\(typeName).\(name)", parsed: e.parameters, doc: e.doc, example: e.example) {
            try e.body(receiver, $0)
        })
    }
}
