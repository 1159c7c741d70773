/// The processes that train one model together (PyTorch's `ProcessGroup`): each has a rank
/// in `0..<size`, and collective operations combine their buffers.
///
/// The engine only talks to this protocol; MPI implements it (`M2MPI`), and tests run
/// several ranks as threads of one process. Collectives must be called by every rank, in
/// the same order, from one thread at a time per rank. Every rank ends with the same bits.
public protocol ProcessGroup: AnyObject {
    /// This process's rank, from 0.
    var rank: Int { get }
    /// Processes in the group.
    var size: Int { get }
    /// Replaces `values` on every rank by their element-wise sum over the ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<TensorScalar>) throws
    /// The same for Double values (statistics, control words); a separate label, as
    /// ``TensorScalar`` is Double in the Float64 build.
    func allReduceSum(doubles values: UnsafeMutableBufferPointer<Double>) throws
    /// Starts ``allReduceSum(_:)`` of `values` without waiting for it; `values` must stay
    /// alive and untouched until the returned reduction is complete.
    func startAllReduceSum(_ values: UnsafeMutableBufferPointer<TensorScalar>) throws -> PendingReduction
    /// Gives every rank `root`'s bytes (other ranks' `bytes` are replaced, whatever their size).
    func broadcast(_ bytes: inout [UInt8], from root: Int) throws
    /// Every rank's `value`, in rank order.
    func allGather(_ value: UInt64) throws -> [UInt64]
    /// Returns when every rank has called it, waiting without spinning, so that a rank
    /// that waits leaves its core to one that works.
    func barrier() throws
}

/// A collective started by ``ProcessGroup/startAllReduceSum(_:)``.
public protocol PendingReduction: AnyObject {
    /// Drives the reduction and reports whether it is complete (never blocks).
    func test() throws -> Bool
    /// Blocks until the reduction is complete.
    func wait() throws
}

/// A collective that failed: a rank gone, a broken connection, mismatched calls.
public struct CommunicationError: Error, CustomStringConvertible, Equatable {
    /// What failed and why.
    public let message: String

    /// An error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { "communication failed: \(message)" }
}
