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
