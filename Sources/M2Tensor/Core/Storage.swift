import Foundation

/// A reference-counted, 64-byte-aligned block of `TensorScalar`s that one or more tensors view.
///
/// Buffers come from ``BufferPool`` and go back to it when the last view dies, so a training
/// loop that allocates the same shapes every step stops touching the system allocator (and
/// stops paying page faults for fresh memory) after its first step.
public final class Storage: @unchecked Sendable {
    /// The first element.
    public let pointer: UnsafeMutablePointer<TensorScalar>
    /// The number of elements.
    public let count: Int

    /// Allocates `count` uninitialized elements.
    /// - Throws: ``TensorError/allocationTooLarge(elements:bytes:limit:)`` past the memory limit.
    public init(uninitializedCount count: Int) throws {
        pointer = try BufferPool.shared.take(count)
        self.count = count
    }

    /// Allocates `count` elements set to zero.
    public convenience init(zeroedCount count: Int) throws {
        try self.init(uninitializedCount: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { BufferPool.shared.give(pointer, count: count) }
}

/// A cache of freed buffers keyed by their exact element count.
///
/// Training allocates the same sizes every step; keeping them avoids `malloc`/`munmap`
/// churn and the page faults of fresh memory. The cache is capped; beyond the cap buffers
/// are freed.
public final class BufferPool: @unchecked Sendable {
    /// The process-wide pool.
    public static let shared = BufferPool()

    /// The largest allocation accepted, in bytes: the machine's physical memory.
    public let limitBytes: Int = Int(min(ProcessInfo.processInfo.physicalMemory, UInt64(Int.max / 2)))
    /// How many bytes of freed buffers may be kept for reuse.
    public var cacheCapBytes = 3 << 30

    private var free: [Int: [UnsafeMutablePointer<TensorScalar>]] = [:]
    private var cachedBytes = 0
    private let lock = NSLock()

    func take(_ count: Int) throws -> UnsafeMutablePointer<TensorScalar> {
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<TensorScalar>.stride)
        if overflow || bytes > limitBytes || count < 0 {
            throw TensorError.allocationTooLarge(elements: count, bytes: overflow ? Int.max : bytes, limit: limitBytes)
        }
        lock.lock()
        if var list = free[count], let p = list.popLast() {
            free[count] = list
            cachedBytes -= bytes
            lock.unlock()
            return p
        }
        lock.unlock()
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            throw TensorError.allocationTooLarge(elements: count, bytes: bytes, limit: limitBytes)
        }
        return raw.bindMemory(to: TensorScalar.self, capacity: max(count, 1))
    }

    func give(_ pointer: UnsafeMutablePointer<TensorScalar>, count: Int) {
        let bytes = max(count, 1) * MemoryLayout<TensorScalar>.stride
        lock.lock()
        if cachedBytes + bytes <= cacheCapBytes && bytes >= 4096 {
            free[count, default: []].append(pointer)
            cachedBytes += bytes
            lock.unlock()
            return
        }
        lock.unlock()
        Foundation.free(pointer)
    }

    /// Frees every cached buffer.
    public func trim() {
        lock.lock()
        let all = free
        free = [:]
        cachedBytes = 0
        lock.unlock()
        for (_, list) in all { for p in list { Foundation.free(p) } }
    }
}
