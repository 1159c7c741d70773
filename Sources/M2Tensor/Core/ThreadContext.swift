#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What belongs to one thread rather than to the process: whether gradients are recorded,
/// how many threads this thread's kernels may use, the Winograd weights prepared for a scope,
/// the graph-release worklist, and — inside ``Parallel/branches(_:_:keepGradients:)`` — the
/// branch's recorder.
///
/// Gradient mode is per thread as in PyTorch (`torch.no_grad()` affects the calling thread
/// only), so that two branches can run side by side.
final class ThreadContext {
    /// Depth of nested ``withNoGrad(_:)`` scopes on this thread.
    var gradDisabledDepth = 0
    /// A cap on ``Parallel/threads`` for kernels started from this thread (a branch runs its
    /// kernels on its own core).
    var threadCap: Int?
    /// Set while this thread runs a branch of ``Parallel/branches(_:_:keepGradients:)``.
    var branch: BranchRecorder?
    /// Told, during a ``Tensor/backward(_:)`` on this thread, of each leaf whose gradient
    /// has become final (``withLeafGradientObserver(_:_:)``).
    var leafGradientReady: ((Tensor) -> Void)?
    /// Weights transformed up front for the convolutions of a scope
    /// (``withPreparedWinogradWeights(forward:inputGradient:_:)``); branches inherit them.
    var preparedWinogradWeights: WinogradPreparedWeights?
    /// Graph nodes this thread is releasing (``GraphRelease``).
    let releaseWorklist = GraphRelease.Worklist()

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<ThreadContext>.fromOpaque(pointer).release()
        }
        return key
    }()

    /// This thread's context (made on first use).
    static var current: ThreadContext {
        if let raw = pthread_getspecific(key) { return Unmanaged<ThreadContext>.fromOpaque(raw).takeUnretainedValue() }
        let context = ThreadContext()
        pthread_setspecific(key, Unmanaged.passRetained(context).toOpaque())
        return context
    }
}

/// What one branch of ``Parallel/branches(_:_:keepGradients:)`` did to state the other branch shares:
/// effects on modules (deferred, in order) and gradients reaching leaves (held back), both
/// handed over at the join in a fixed order, so that the result does not depend on timing.
final class BranchRecorder {
    var effects: [() throws -> Void] = []
    var leafGradients: [(leaf: Tensor, gradient: Tensor)] = []
}
