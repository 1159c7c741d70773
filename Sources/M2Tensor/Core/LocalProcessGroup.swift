import Foundation

/// Ranks as threads of one process: a ``ProcessGroup`` for tests and experiments that need
/// several ranks without `mpirun`. Make one ``Hub`` for `size` ranks and give each thread
/// its own group from ``Hub/group(rank:)``; the collectives combine in rank order, so every
/// rank gets the same bits.
///
/// ```swift
/// let hub = LocalProcessGroup.Hub(size: 2)
/// DispatchQueue.concurrentPerform(iterations: 2) { r in
///     let group = hub.group(rank: r)
///     var x: [Double] = [Double(r + 1)]
///     try! x.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }   // x == [3]
/// }
/// ```
public final class LocalProcessGroup: ProcessGroup {
    /// The meeting point of the ranks: a generation barrier and the deposited buffers.
    public final class Hub: @unchecked Sendable {
        /// Ranks in the group.
        public let size: Int
        private let condition = NSCondition()
        private var arrived = 0, generation = 0
        private var deposits: [[UInt8]]

        /// A hub for `size` ranks.
        public init(size: Int) {
            self.size = max(size, 1)
            deposits = Array(repeating: [], count: self.size)
        }

        /// Rank `rank`'s view of the group.
        public func group(rank: Int) -> LocalProcessGroup { LocalProcessGroup(hub: self, rank: rank) }

        /// Deposits `bytes` for `rank`, waits for every rank, and returns all deposits in rank
        /// order; a second barrier keeps the deposits until every rank has read them.
        func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
            deposits[rank] = bytes
            wait()
            let all = deposits
            wait()
            return all
        }

        private func wait() {
            condition.lock()
            let mine = generation
            arrived += 1
            if arrived == size {
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == mine { condition.wait() }
            }
            condition.unlock()
        }
    }

    public let rank: Int
    public var size: Int { hub.size }
    private let hub: Hub

    init(hub: Hub, rank: Int) { (self.hub, self.rank) = (hub, rank) }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<TensorScalar>) throws { sum(values) }

    public func allReduceSum(doubles values: UnsafeMutableBufferPointer<Double>) throws { sum(values) }

    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<TensorScalar>) throws -> PendingReduction {
        sum(values)
        return Completed()
    }

    public func broadcast(_ bytes: inout [UInt8], from root: Int) throws {
        bytes = hub.exchange(bytes, rank: rank)[root]
    }

    public func allGather(_ value: UInt64) throws -> [UInt64] {
        hub.exchange(bytes(of: [value]), rank: rank).map { d in d.withUnsafeBytes { $0.load(as: UInt64.self) } }
    }

    public func barrier() throws { _ = hub.exchange([], rank: rank) }

    /// Element-wise sums in rank order, the same on every rank.
    private func sum<T: FloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
        let all = hub.exchange(bytes(of: Array(values)), rank: rank)
        for i in 0..<values.count { values[i] = 0 }
        for d in all {
            d.withUnsafeBytes { raw in
                let theirs = raw.bindMemory(to: T.self)
                for i in 0..<values.count { values[i] += theirs[i] }
            }
        }
    }

    private func bytes<T>(of values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

    private final class Completed: PendingReduction {
        func test() throws -> Bool { true }
        func wait() throws {}
    }
}
