/// The builtin functions and constants a session starts with, grouped for `help()` and the
/// documentation.
///
/// Engine libraries add their own: `registry.register(BuiltinFunction(…), group: "nn")`.
public final class BuiltinRegistry {
    /// The functions, in registration order.
    public private(set) var functions: [BuiltinFunction] = []
    /// Named constants (`pi`, `e`, `inf`, `nan`).
    public private(set) var constants: [(name: String, value: Value)] = []
    /// Group name → the names registered under it, in order.
    public private(set) var groups: [(name: String, members: [String])] = []
    private var index: [String: BuiltinFunction] = [:]

    /// An empty registry.
    public init() {}

    /// Adds (or replaces) a function under `group`.
    public func register(_ f: BuiltinFunction, group: String) {
        if index[f.name] != nil { functions.removeAll { $0.name == f.name } }
        functions.append(f)
        index[f.name] = f
        if let g = groups.firstIndex(where: { $0.name == group }) {
            if !groups[g].members.contains(f.name) { groups[g].members.append(f.name) }
        } else {
            groups.append((group, [f.name]))
        }
    }

    /// Adds a named constant.
    public func constant(_ name: String, _ value: Value) { constants.append((name, value)) }

    /// The function called `name`.
    public func lookup(_ name: String) -> BuiltinFunction? { index[name] }

    /// Registers many functions under one group.
    public func register(group: String, _ fs: [BuiltinFunction]) {
        for f in fs { register(f, group: group) }
    }

    /// The standard library: core, math, collections, tensors, autodiff, nn, plotting, and the
    /// engine's bindings (layers, optimizers, state dicts, data, the method).
    public static func standard() -> BuiltinRegistry {
        let r = BuiltinRegistry()
        r.register(group: "core", CoreBuiltins.all)
        r.register(group: "collections", CollectionBuiltins.all)
        r.register(group: "math", MathBuiltins.all)
        for (name, v) in MathBuiltins.constants { r.constant(name, v) }
        r.register(group: "tensor", TensorBuiltins.all)
        r.register(group: "autodiff", TensorBuiltins.autodiff)
        r.register(group: "nn", FunctionalBuiltins.all)
        r.register(group: "plot", PlotBuiltins.all)
        r.register(group: "layers", LayerBuiltins.all)
        r.register(group: "optim", OptimizerBuiltins.all)
        r.register(group: "state", StateBuiltins.all)
        r.register(group: "data", DataBuiltins.all)
        r.register(group: "method", MethodBuiltins.all)
        r.register(group: "distributed", DistributedBuiltins.all)
        return r
    }
}
