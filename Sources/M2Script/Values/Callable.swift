/// The arguments of one call, as written: positional values, then keyword values in order.
public struct Arguments {
    /// Arguments without a label.
    public var positional: [Value]
    /// `name: value` arguments, in the order written.
    public var keywords: [(name: String, value: Value)]

    /// Arguments; see the properties.
    public init(_ positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }
}

/// Anything a script can call: user functions, builtins, bound methods.
public protocol Callable: AnyObject {
    /// The name shown in errors, stack traces and `help`.
    var name: String { get }
    /// The parameter names, for keyword-argument completion.
    var parameterNames: [String] { get }
    /// `name(a, b = 1)`-style signature.
    var signature: String { get }
    /// A one-paragraph description for `help`.
    var doc: String { get }
    /// Runs the function.
    /// - Throws: ``RuntimeFailure`` or ``ScriptError`` when the arguments are wrong or the
    ///   body fails.
    func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value
}

/// An engine object exposed to scripts: a module, a dataset, the method's teacher…
///
/// Conform and return the object as ``Value/object(_:)``; the language handles printing,
/// member access (`obj.name`), assignment (`obj.name = v`), calls (`obj(x)`) and completion.
/// Methods are members whose value is a ``Value/function(_:)`` — ``MethodTable`` builds them.
public protocol ScriptObject: AnyObject {
    /// The name `type(obj)` returns (`"Conv2d"`, `"Momentum2Teacher"`).
    var typeName: String { get }
    /// Every member name, for completion and `help(obj)`.
    var memberNames: [String] { get }
    /// The property or bound method called `name`; `nil` when there is none.
    func member(_ name: String) throws -> Value?
    /// Assigns a property. The default refuses.
    func setMember(_ name: String, to value: Value) throws
    /// Whether `obj(…)` is allowed (modules are callable).
    var isCallable: Bool { get }
    /// Calls the object. The default refuses.
    func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value
    /// How `print(obj)` shows it.
    var description: String { get }
}

extension ScriptObject {
    public func setMember(_ name: String, to value: Value) throws {
        throw RuntimeFailure("cannot assign to '\(name)' of a \(typeName)")
    }
    public var isCallable: Bool { false }
    public func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
        throw RuntimeFailure("a \(typeName) is not callable")
    }
    public var description: String { "<\(typeName)>" }
}
