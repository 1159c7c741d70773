/// Reverse-mode automatic differentiation, the way micrograd teaches it.
///
/// Every differentiable operation builds its output with a ``GradNode``: the inputs
/// (`parents`) and a closure that receives the output's gradient and *accumulates* into the
/// parents' gradients. ``Tensor/backward(_:)`` orders the graph topologically (iteratively:
/// ResNet graphs are deep) and sweeps it once in reverse. After the sweep the graph is freed,
/// and only leaves keep their `grad`.

/// One recorded operation: what it was, what it read, and how to send gradients back.
public final class GradNode {
    /// The operation's name, for printing (`"conv2d"`, `"add"`…).
    public let name: String
    /// The inputs that require gradients.
    private(set) var parents: [Tensor]
    /// Receives the output's gradient; accumulates into the parents'.
    private(set) var backward: (Tensor) throws -> Void

    init(name: String, parents: [Tensor], backward: @escaping (Tensor) throws -> Void) {
        self.name = name
        self.parents = parents
        self.backward = backward
    }

    /// Drops the inputs and the closure (with everything it captured), so that releasing
    /// the node afterwards frees nothing further (see ``GraphRelease``).
    func dropInputs() {
        parents = []
        backward = { _ in }
    }
}

/// Whether operations record a graph (off inside ``withNoGrad(_:)``), per thread.
public enum GradMode {
    /// `true` unless inside a ``withNoGrad(_:)`` scope on this thread.
    public static var isEnabled: Bool { ThreadContext.current.gradDisabledDepth == 0 }
}

/// Runs `body` with `observer` told of each leaf (parameter) whose gradient becomes final
/// during a ``Tensor/backward(_:)`` on this thread: when the last node that reads it has
/// run. Data-parallel training starts reducing a bucket of gradients then, while backward
/// goes on (PyTorch DDP's gradient hooks).
public func withLeafGradientObserver<T>(_ observer: @escaping (Tensor) -> Void, _ body: () throws -> T) rethrows -> T {
    let context = ThreadContext.current
    let saved = context.leafGradientReady
    context.leafGradientReady = observer
    defer { context.leafGradientReady = saved }
    return try body()
}

/// Runs `body` without recording a graph (PyTorch's `torch.no_grad()`; this thread only).
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    let context = ThreadContext.current
    context.gradDisabledDepth += 1
    defer { context.gradDisabledDepth -= 1 }
    return try body()
}

extension Tensor {
    /// Records `out` as produced by `name` from `inputs`, when gradient mode is on and an
    /// input requires gradients. `backward` gets the output's gradient.
    @discardableResult
    func recorded(_ name: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) throws -> Void) -> Tensor {
        guard GradMode.isEnabled else { return self }
        let parents = inputs.filter(\.requiresGrad)
        guard !parents.isEmpty else { return self }
        requiresGrad = true
        gradFn = GradNode(name: name, parents: parents, backward: backward)
        return self
    }

    /// Adds `g` into this tensor's gradient (the `+=` of every backward closure).
    func accumulateGrad(_ g: Tensor) throws {
        guard requiresGrad else { return }
        guard g.shape == shape else { throw TensorError.shapeMismatch(op: "accumulate gradient", lhs: shape, rhs: g.shape) }
        // Inside a branch, leaves (shared parameters) get their gradient at the join.
        if gradFn == nil, !graphFreed, let branch = ThreadContext.current.branch {
            branch.leafGradients.append((self, g))
            return
        }
        guard let current = grad else {
            grad = g
            gradIsShared = true
            return
        }
        if gradIsShared || !current.isContiguous {
            grad = try withNoGrad { try current + g }
            gradIsShared = false
        } else {
            try current.addInPlace(g)
        }
    }

    /// Computes the gradient of this tensor with respect to every leaf that requires one.
    ///
    /// - Parameter gradient: the upstream gradient; may be omitted for a one-element tensor
    ///   (it is then 1).
    /// - Throws: ``TensorError/noGradient(op:reason:)`` if nothing here requires gradients.
    public func backward(_ gradient: Tensor? = nil) throws {
        guard requiresGrad else {
            throw TensorError.noGradient(op: "backward", reason: "the tensor does not require gradients (no input had requiresGrad set)")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else { throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: gradient.shape) }
            seed = gradient.detach()
        } else {
            guard count == 1 else {
                throw TensorError.noGradient(op: "backward", reason: "a gradient must be given for a tensor of shape \(shape)")
            }
            seed = try Tensor.full(1, shape: shape)
        }
        let order = topologicalOrder()
        // A non-leaf whose node is gone would otherwise pose as a leaf and silently absorb
        // the gradient meant for the tensors it was computed from.
        if let freed = order.first(where: \.graphFreed) {
            throw TensorError.noGradient(op: "backward", reason: "the graph through a tensor of shape \(freed.shape) was already freed by an earlier backward(); recompute it")
        }
        try accumulateGrad(seed)
        let ready = LeafReadiness(order, observer: ThreadContext.current.leafGradientReady)
        for (i, t) in order.reversed().enumerated() {
            guard let node = t.gradFn, let g = t.grad else { continue }
            try withNoGrad { try node.backward(g) }
            ready?.swept(i, node)
            // Free the graph as we go: intermediate gradients and nodes are not kept.
            t.grad = nil
            t.gradFn = nil
            t.graphFreed = true
        }
        // A leaf's first gradient may be a tensor that another leaf, or the caller's upstream
        // gradient, also holds (an add passes its gradient through unchanged). `grad` is
        // public and optimizers update it in place, so each leaf gets its own copy.
        for t in order where t.gradIsShared {
            if let g = t.grad { t.grad = try g.copy() }
            t.gradIsShared = false
        }
    }

    /// Every tensor reachable through `gradFn`, each after its parents, without recursion.
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, parentsDone) = stack.popLast() {
            if parentsDone { order.append(t); continue }
            guard visited.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            for p in t.gradFn?.parents ?? [] where !visited.contains(ObjectIdentifier(p)) {
                stack.append((p, false))
            }
        }
        return order
    }

    /// Clears the gradient (an optimizer's `zero_grad`).
    public func zeroGrad() { grad = nil; gradIsShared = false }
}
