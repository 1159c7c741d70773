import Foundation

/// Bounds that keep any program — even a random one — from taking the process down.
public struct Limits: Sendable {
    /// Nested calls allowed before "stack overflow" is reported.
    public var maxCallDepth = 300
    /// Loop iterations plus calls allowed per run; `nil` for no limit.
    public var maxSteps: Int?
    /// The largest tensor a builtin or operator may create; `nil` defers to the engine's
    /// memory limit.
    public var maxTensorElements: Int?
    /// The largest list or string a program may build.
    public var maxCollectionCount = 10_000_000

    /// The defaults: deep enough for real programs, no step limit.
    public init() {}
}

/// A flag another thread sets to stop the running statement (the REPL's Ctrl-C).
public final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    /// A lowered flag.
    public init() {}

    /// Raises the flag; the interpreter stops at the next loop iteration or call.
    public func raise() { lock.lock(); raised = true; lock.unlock() }

    /// Lowers the flag and reports whether it was raised.
    public func consume() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let was = raised
        raised = false
        return was
    }

    /// Whether the flag is raised.
    public var isRaised: Bool { lock.lock(); defer { lock.unlock() }; return raised }
}
