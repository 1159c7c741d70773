/// A scope: names bound to values, with a link to the enclosing scope (Crafting
/// Interpreters, ch. 8). Blocks, loop bodies and calls each get a new one; closures keep
/// the one they were created in.
///
/// A function stored in the very scope it closes over (`fn f() { … }`, or
/// `let f = fn() { … }`) would form a reference cycle that reference counting never frees,
/// one per loop iteration or call. A nested scope therefore keeps such a function with a
/// weak link back to itself, and hands out a strong one whenever the function is read:
/// anything that keeps the function (a return, a list, an outer variable) keeps the scope
/// alive, and the scope alone does not. The globals keep their functions as they are (a
/// call through a global costs nothing extra); the interpreter empties them when it goes.
public final class Environment {
    /// The scope this one is nested in; `nil` for the globals.
    public let enclosing: Environment?
    private(set) var values: [String: Value] = [:]
    /// Whether some function here closes over this scope weakly (so reads must strengthen it).
    private var holdsWeakFunctions = false

    /// A scope inside `enclosing`.
    public init(enclosing: Environment? = nil) { self.enclosing = enclosing }

    /// Declares (or redeclares) `name` in this scope.
    public func define(_ name: String, _ value: Value) { values[name] = stored(value) }

    /// The value of `name` in this scope or an enclosing one.
    public func lookup(_ name: String) -> Value? {
        var env: Environment? = self
        while let e = env {
            if let v = e.values[name] { return e.loaded(v) }
            env = e.enclosing
        }
        return nil
    }

    /// Assigns to the nearest scope declaring `name`; returns `false` when none does.
    public func assign(_ name: String, _ value: Value) -> Bool {
        var env: Environment? = self
        while let e = env {
            if e.values[name] != nil { e.values[name] = e.stored(value); return true }
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
        values.keys.sorted().compactMap { k in values[k].map { (k, loaded($0)) } }
    }

    /// Drops every binding, breaking any cycle through this scope (the interpreter's end).
    func removeAll() {
        values = [:]
        holdsWeakFunctions = false
    }

    /// A function closing over this (nested) scope, as this scope keeps it: linked back weakly.
    private func stored(_ value: Value) -> Value {
        guard enclosing != nil, case .function(let c) = value, let f = c as? ScriptFunction, f.closesStrongly(over: self) else { return value }
        holdsWeakFunctions = true
        return .function(f.withWeakClosure())
    }

    /// A function as it leaves this scope: linked strongly to the scope it closes over.
    @inline(__always)
    private func loaded(_ value: Value) -> Value {
        guard holdsWeakFunctions, case .function(let c) = value, let f = c as? ScriptFunction, f.closesWeakly else { return value }
        return .function(f.withStrongClosure(self))
    }
}

/// A function written in the language: its declaration and the scope it closes over.
///
/// Several handles may stand for one function value (see ``Environment``): they share
/// ``identity``, which is what `==` compares.
public final class ScriptFunction: Callable {
    let declaration: FunctionDecl
    /// Shared by every handle of the same function value.
    let identity: FunctionIdentity
    private let strongClosure: Environment?
    private weak var weakClosure: Environment?

    init(_ declaration: FunctionDecl, closure: Environment) {
        self.declaration = declaration
        identity = FunctionIdentity()
        strongClosure = closure
    }

    private init(_ other: ScriptFunction, strong: Environment?, weak: Environment?) {
        declaration = other.declaration
        identity = other.identity
        strongClosure = strong
        weakClosure = weak
    }

    /// The scope the body runs in. `nil` only if a weakly linked handle outlived its scope,
    /// which the scope prevents by strengthening every handle it gives out; a call then
    /// fails with a message instead of crashing.
    var closure: Environment? { strongClosure ?? weakClosure }

    func closesStrongly(over env: Environment) -> Bool { strongClosure === env }
    var closesWeakly: Bool { strongClosure == nil }
    func withWeakClosure() -> ScriptFunction { ScriptFunction(self, strong: nil, weak: strongClosure) }
    func withStrongClosure(_ env: Environment) -> ScriptFunction { ScriptFunction(self, strong: env, weak: nil) }

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

/// What makes two handles the same function value.
final class FunctionIdentity {}
