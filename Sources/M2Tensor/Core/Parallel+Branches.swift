import Dispatch

extension Parallel {
    /// Runs `a` and `b` side by side, each on its own core with single-core kernels, and
    /// returns both results — inter-operation parallelism for two independent pieces of
    /// work too small to keep two cores busy one kernel at a time (the two views of a
    /// small batch).
    ///
    /// The branches may read shared tensors and modules and may record graphs and call
    /// ``Tensor/backward(_:)``. What they would change in shared state is handed over at the
    /// join, `a`'s first, then `b`'s, as if they had run one after the other:
    /// - effects registered with ``deferEffect(_:)`` (a module's running statistics) run
    ///   then, in the order they were registered;
    /// - gradients that reach leaves (parameters) are accumulated then, unless
    ///   `keepGradients` (given both results) says no.
    ///
    /// The result is deterministic: the same inputs give the same bits however the threads
    /// are scheduled. With fewer than two ``threads``, or inside a branch, `a` then `b` run
    /// on the calling thread in the same way.
    public static func branches<A, B>(_ a: () throws -> A, _ b: () throws -> B,
                                      keepGradients: (A, B) -> Bool = { _, _ in true }) throws -> (A, B) {
        let caller = ThreadContext.current
        let recorders = (BranchRecorder(), BranchRecorder())
        let cap = max(1, threads / 2)
        let depth = caller.gradDisabledDepth, prepared = caller.preparedWinogradWeights
        var resultA: Result<A, Error>?, resultB: Result<B, Error>?
        func run(_ index: Int) {
            let context = ThreadContext.current
            let saved = (context.threadCap, context.branch, context.gradDisabledDepth, context.preparedWinogradWeights)
            (context.threadCap, context.branch, context.gradDisabledDepth, context.preparedWinogradWeights) = (cap, index == 0 ? recorders.0 : recorders.1, depth, prepared)
            defer { (context.threadCap, context.branch, context.gradDisabledDepth, context.preparedWinogradWeights) = saved }
            if index == 0 { resultA = Result { try a() } } else { resultB = Result { try b() } }
        }
        if threads >= 2 && caller.branch == nil {
            DispatchQueue.concurrentPerform(iterations: 2, execute: run)
        } else {
            run(0)
            run(1)
        }
        // Both ran to the end (or threw); hand over in program order.
        guard let resultA, let resultB else { throw TensorError.invalidArgument(op: "branches", reason: "a branch did not run") }
        let (valueA, valueB) = (try resultA.get(), try resultB.get())
        // (Inside an enclosing branch both are handed on to its join.)
        for effect in recorders.0.effects + recorders.1.effects { try deferEffect(effect) }
        if keepGradients(valueA, valueB) {
            let gradients = recorders.0.leafGradients + recorders.1.leafGradients
            for (leaf, g) in gradients { try leaf.accumulateGrad(g) }
            // As at the end of backward(): a leaf's gradient must not share storage.
            for (leaf, _) in gradients where leaf.gradIsShared {
                if let g = leaf.grad { leaf.grad = try g.copy() }
                leaf.gradIsShared = false
            }
        }
        return (valueA, valueB)
    }

    /// Runs `effect` now, or — inside a branch of ``branches(_:_:keepGradients:)`` — at the
    /// join, after the branches before it. Modules use it for the state they change in a
    /// forward pass (BN running statistics).
    public static func deferEffect(_ effect: @escaping () throws -> Void) rethrows {
        if let branch = ThreadContext.current.branch { branch.effects.append(effect) } else { try effect() }
    }
}
