import Synchronization

/// A request to stop long-running work, raised by whoever owns the user's intent (the command
/// line's or the REPL's Ctrl-C, a notebook's interrupt) and polled by the work itself: the
/// trainer between steps, feature extraction between batches, the interpreter between
/// statements.
///
/// One token serves every layer, so a single Ctrl-C stops a training loop inside a script
/// and then the script. The flag is one lock-free atomic word: raising it is safe from any
/// thread, and polling it costs a load.
///
/// ```swift
/// let token = CancellationToken()
/// DispatchQueue.global().asyncAfter(deadline: .now() + 1) { token.cancel() }
/// while !token.isCancelled { try work() }
/// ```
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A token that has not been cancelled.
    public init() {}

    /// Asks the work polling this token to stop at its next check.
    public func cancel() { flag.store(true, ordering: .releasing) }

    /// Whether a stop was requested since the last ``reset()`` or ``consume()``.
    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Forgets a request (before new work starts).
    public func reset() { flag.store(false, ordering: .releasing) }

    /// Forgets a request and reports whether there was one: the interpreter consumes a
    /// request when it stops a statement, so the next statement runs.
    public func consume() -> Bool { flag.exchange(false, ordering: .acquiringAndReleasing) }

    /// Throws ``Interrupted`` if a stop was requested (the request stays raised, so enclosing
    /// loops see it too).
    public func check() throws {
        if isCancelled { throw Interrupted() }
    }
}

/// The error of work stopped through its ``CancellationToken``.
public struct Interrupted: Error, CustomStringConvertible, Equatable {
    /// The error (no payload: who stopped and where is the caller's to say).
    public init() {}

    public var description: String { "interrupted" }
}
