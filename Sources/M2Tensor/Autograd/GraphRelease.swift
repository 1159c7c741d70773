/// Releases graph nodes without recursion.
///
/// A graph is a chain of objects — tensor → node → the inputs its backward closure holds →
/// their nodes → … — and letting Swift free it frees each link from inside the previous
/// one's deinit, one stack frame group per operation: a graph of some tens of thousands of
/// operations dropped without ``Tensor/backward(_:)`` overflowed the stack. A dying tensor
/// hands its node here instead; the first hand-off on a thread drains a worklist, emptying
/// each node it holds the last reference to, so a tensor freed while draining only appends
/// its own node and the stack depth stays constant.
enum GraphRelease {
    /// The per-thread worklist: nodes waiting to be released, and whether a drain is running.
    final class Worklist {
        var pending: [GradNode] = []
        var draining = false
    }

    private static var worklist: Worklist { ThreadContext.current.releaseWorklist }

    /// Moves a dying tensor's node out of `slot` and releases it, or queues it when a
    /// release further up this thread's stack is already draining.
    static func release(_ slot: inout GradNode?) {
        guard slot != nil else { return }
        let list = worklist
        // No local binding of the node: the worklist must hold its only reference.
        list.pending.append(slot.unsafelyUnwrapped)
        slot = nil
        guard !list.draining else { return }
        list.draining = true
        while !list.pending.isEmpty {
            var last = list.pending.removeLast()
            // Only the worklist held it: empty it here, so its inputs die one level down and
            // append their nodes instead of freeing them recursively.
            if isKnownUniquelyReferenced(&last) { last.dropInputs() }
        }
        list.draining = false
    }
}
