@_exported import M2Tensor

/// A layer or a network: named children, parameters and buffers, and a forward pass.
///
/// Like `torch.nn.Module`, every module lists what it owns *by name*; flattening the tree
/// gives dotted keys that match torchvision (`layer1.0.bn1.running_mean`). Parameters (what
/// the optimizer and the teacher's EMA walk) and buffers (running statistics, counters) are
/// separate lists. Train/eval is a flag set recursively, not a global.
///
/// Subclasses register what they own in their initializer and override ``forward(_:)``;
/// callers use `module(x)`, which also records output shapes for ``summary(input:)``.
open class Module: CustomStringConvertible {
    /// Child modules in registration order.
    public private(set) var children: [(name: String, module: Module)] = []
    /// This module's own parameters (not its children's), in registration order.
    public private(set) var ownParameters: [(name: String, tensor: Tensor)] = []
    /// This module's own buffers, in registration order.
    public private(set) var ownBuffers: [(name: String, tensor: Tensor)] = []
    /// Whether the module is in training mode (see ``train(_:)``).
    public private(set) var isTraining = true

    /// An empty module; subclasses register their children, parameters and buffers after it.
    public init() {}

    /// Registers a child under `name` (a key component: `"layer1"`, `"0"`).
    public func register(_ name: String, _ module: Module) {
        if let i = children.firstIndex(where: { $0.name == name }) { children[i].module = module } else { children.append((name, module)) }
    }

    /// Registers a parameter; it is made to require gradients.
    public func register(parameter name: String, _ tensor: Tensor) {
        tensor.requiresGrad = true
        if let i = ownParameters.firstIndex(where: { $0.name == name }) { ownParameters[i].tensor = tensor } else { ownParameters.append((name, tensor)) }
    }

    /// Registers a buffer (state that is saved but not trained).
    public func register(buffer name: String, _ tensor: Tensor) {
        if let i = ownBuffers.firstIndex(where: { $0.name == name }) { ownBuffers[i].tensor = tensor } else { ownBuffers.append((name, tensor)) }
    }

    /// The forward pass. Subclasses override it.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError.invalidArgument(op: typeName, reason: "this module has no forward pass of its own")
    }

    /// Runs ``forward(_:)``; while a ``ShapeTrace`` is active, records the output shape.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let y = try forward(x)
        ShapeTrace.current?.record(self, input: x.shape, output: y.shape)
        return y
    }

    /// A short name of the layer type (`"Conv2d"`).
    open var typeName: String { String(describing: type(of: self)) }

    /// One line of configuration shown in the tree (`"16→32, k3, s2"`).
    open var extraDescription: String { "" }

    // MARK: - The tree

    /// Every parameter of the tree with its dotted key, depth-first in registration order.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out = ownParameters.map { (prefix + $0.name, $0.tensor) }
        for (n, c) in children { out += c.namedParameters(prefix: prefix + n + ".") }
        return out
    }

    /// Every buffer of the tree with its dotted key.
    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out = ownBuffers.map { (prefix + $0.name, $0.tensor) }
        for (n, c) in children { out += c.namedBuffers(prefix: prefix + n + ".") }
        return out
    }

    /// Every module of the tree with its dotted path (`""` for this one).
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var out: [(String, Module)] = [(prefix.isEmpty ? "" : String(prefix.dropLast()), self)]
        for (n, c) in children { out += c.namedModules(prefix: prefix + n + ".") }
        return out
    }

    /// The parameters alone (for an optimizer).
    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// The module at a dotted path (`"layer1.0.bn1"`), or nil.
    public func submodule(_ path: String) -> Module? {
        if path.isEmpty { return self }
        var m: Module = self
        for part in path.split(separator: ".") {
            guard let next = m.children.first(where: { $0.name == part })?.module else { return nil }
            m = next
        }
        return m
    }

    /// The number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Sets training mode on the whole tree (`false` = eval mode).
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, c) in children { c.train(on) }
    }

    /// Eval mode on the whole tree.
    public func eval() { train(false) }

    /// Freezes (or unfreezes) every parameter: frozen parameters get no gradients.
    public func requiresGrad(_ on: Bool) {
        for p in parameters { p.requiresGrad = on; if !on { p.zeroGrad() } }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// The tree, one module per line: `(layer1): Sequential` with children indented.
    /// ``summaryTable(input:)`` adds output shapes and parameter counts.
    public var description: String { treeDescription(name: nil, indent: 0) }

    func treeDescription(name: String?, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent)
        let head = (name.map { "(\($0)): " } ?? "") + typeName + (extraDescription.isEmpty ? "" : "(\(extraDescription))")
        if children.isEmpty { return pad + head }
        let inner = children.map { $0.module.treeDescription(name: $0.name, indent: indent + 1) }.joined(separator: "\n")
        return pad + head + " {\n" + inner + "\n" + pad + "}"
    }
}
