import Foundation

/// The batches of one epoch being prepared by worker threads ahead of the consumer.
///
/// Workers claim batch numbers in order and build them independently; finished batches
/// wait in a table until the consumer takes them in order. At most `prefetch` batches are
/// claimed beyond the one the consumer waits for, which bounds memory. Because a batch's
/// content depends only on its number (see ``SampleSeed``), the output is the same for any
/// number of workers and any timing.
final class EpochRun: @unchecked Sendable {
    private let build: (Int) throws -> Batch
    private let batchCount: Int
    private let prefetch: Int
    private let condition = NSCondition()
    private var results: [Int: Result<Batch, Error>] = [:]
    private var nextToBuild: Int
    private var nextToDeliver: Int
    private var stopped = false
    private let workers: Int

    /// Starts `workers` threads (none: batches are built on the caller's thread).
    init(batchCount: Int, start: Int, workers: Int, prefetch: Int, build: @escaping (Int) throws -> Batch) {
        self.build = build
        self.batchCount = batchCount
        self.prefetch = max(prefetch, 1)
        self.workers = max(workers, 0)
        nextToBuild = start
        nextToDeliver = start
        for w in 0..<self.workers {
            let thread = Thread { [self] in work() }
            thread.name = "m2data-loader-\(w)"
            thread.start()
        }
    }

    private func work() {
        condition.lock()
        while true {
            while !stopped && nextToBuild < batchCount && nextToBuild >= nextToDeliver + prefetch { condition.wait() }
            if stopped || nextToBuild >= batchCount { break }
            let b = nextToBuild
            nextToBuild += 1
            condition.unlock()
            let result = Result { try build(b) }
            condition.lock()
            results[b] = result
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The next batch in order, waiting for it if needed; `nil` after the last.
    func take() throws -> Batch? {
        condition.lock()
        guard nextToDeliver < batchCount, !stopped else { condition.unlock(); return nil }
        if workers == 0 {
            let b = nextToDeliver
            nextToDeliver += 1
            condition.unlock()
            return try build(b)
        }
        while results[nextToDeliver] == nil { condition.wait() }
        let result = results.removeValue(forKey: nextToDeliver)!
        nextToDeliver += 1
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Stops the workers after the batches they are building; later ``take()`` returns nil.
    func cancel() {
        condition.lock()
        stopped = true
        results.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
