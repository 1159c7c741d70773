/// A scope: names bound to values, with a link to the enclosing scope (Crafting
/// Interpreters, ch. 8). Blocks, loop bodies and calls each get a new one; closures keep
/// the one they were created in.
public final class Environment {
    /// The scope this one is nested in; `nil` for the globals.
    public let enclosing: Environment?
    private(set) var values: [String: Value] = [:]

    /// A scope inside `enclosing`.
    public init(enclosing: Environment? = nil) { self.enclosing = enclosing }

    /// Declares (or redeclares) `name` in this scope.
    public func define(_ name: String, _ value: Value) { values[name] = value }

    /// The value of `name` in this scope or an enclosing one.
    public func lookup(_ name: String) -> Value? {
        var env: Environment? = self
        while let e = env {
            if let v = e.values[name] { return v }
            env = e.enclosing
        }
        return nil
    }

    /// Assigns to the nearest scope declaring `name`; returns `false` when none does.
    public func assign(_ name: String, _ value: Value) -> Bool {
        var env: Environment? = self
        while let e = env {
            if e.values[name] != nil { e.values[name] = value; return true }
            env = e.enclosing
        }
        return false
    }

    /// Every name visible from here (inner scopes shadow outer ones), sorted.
    public var visibleNames: [String] {
        var names = Set<String>()
        var env: Environment? = self
        while let e = env { names.formUnion(e.values.keys); env = e.enclosing }
        return names.sorted()
    }

    /// The bindings of this scope only, sorted by name.
    public var bindings: [(name: String, value: Value)] {
        values.keys.sorted().compactMap { k in values[k].map { (k, $0) } }
    }
}

/// A function written in the language: its declaration and the scope it closes over.
public final class ScriptFunction: Callable {
    let declaration: FunctionDecl
    let closure: Environment

    init(_ declaration: FunctionDecl, closure: Environment) {
        self.declaration = declaration
        self.closure = closure
    }

    public var name: String { declaration.name ?? "<fn>" }
    public var parameterNames: [String] { declaration.parameters.map(\.name) }
    public var signature: String {
        "\(name)(" + declaration.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name) = …" }.joined(separator: ", ") + ")"
    }
    public var doc: String { "A function defined at \(declaration.span)." }

    public func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
        try interpreter.callScriptFunction(self, arguments)
    }
}
