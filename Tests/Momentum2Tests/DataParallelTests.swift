import Foundation
import XCTest
import Momentum2

/// Data parallelism with ranks as threads of this process (``LocalProcessGroup``): the
/// mechanisms that `mpirun` runs use (Tests/MPITests drives the real thing).
final class DataParallelTests: XCTestCase {
    func config(syncBN: Bool) -> MethodConfig {
        var m = MethodConfig(backbone: .init(depth: 18, width: 4, inChannels: 1, stem: .small, seed: 1), hidden: 32, out: 16, batch: 8, totalSteps: 10)
        (m.warmupSteps, m.baseLearningRate, m.syncBN) = (0, 0.05, syncBN)
        return m
    }

    /// Three global batches of two views, `[8, 1, 12, 12]` each.
    func batches() throws -> [(Tensor, Tensor)] {
        let g = RandomGenerator(seed: 11)
        return try (0..<3).map { _ in (try Tensor.randn([8, 1, 12, 12], generator: g), try Tensor.randn([8, 1, 12, 12], generator: g)) }
    }

    /// Rank `r`'s quarter/half of a batch.
    func shard(_ x: Tensor, _ r: Int, of n: Int) throws -> Tensor {
        let k = x.shape[0] / n
        return try x.index([.slice(start: r * k, end: (r + 1) * k, step: 1)]).contiguous()
    }

    /// Runs `body(rank, group)` on `size` threads at once.
    func ranks(_ size: Int, _ body: @escaping @Sendable (Int, ProcessGroup) throws -> Void) {
        let hub = LocalProcessGroup.Hub(size: size)
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: size) { r in
            do { try body(r, hub.group(rank: r)) } catch { errors.add("rank \(r): \(error)") }
        }
        XCTAssertEqual(errors.all, [])
    }

    final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var all: [String] = []
        func add(_ s: String) { lock.lock(); all.append(s); lock.unlock() }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        var losses: [Int: [TensorScalar]] = [:]
        var states: [Int: [(String, Tensor)]] = [:]
        func put(_ r: Int, _ l: [TensorScalar], _ s: [(String, Tensor)]) { lock.lock(); (losses[r], states[r]) = (l, s); lock.unlock() }
    }

    func state(_ m2: Momentum2Teacher) -> [(String, Tensor)] {
        m2.student.stateDict(prefix: "student.") + m2.teacher.stateDict(prefix: "teacher.")
    }

    /// SyncBN over two ranks of four images is one process's step on eight: the same losses
    /// and the same model, to rounding (the sums are taken in another order).
    func testSyncBNTwoRanksMatchOneProcess() throws {
        let data = try batches()
        let single = try Momentum2Teacher(config: config(syncBN: true))
        let expected = try data.map { try single.step($0.0, $0.1).loss }
        let results = Results()
        ranks(2) { r, group in
            let m2 = try Momentum2Teacher(config: self.config(syncBN: true))
            try m2.distribute(over: group, bucketBytes: 4096)
            let losses = try data.map { try m2.step(self.shard($0.0, r, of: 2), self.shard($0.1, r, of: 2)).loss }
            results.put(r, losses, self.state(m2))
        }
        for r in 0..<2 {
            for (a, b) in zip(try XCTUnwrap(results.losses[r]), expected) { XCTAssertEqual(a, b, accuracy: 1e-5 * abs(b), "rank \(r)") }
        }
        for ((k, a), (_, b)) in zip(try XCTUnwrap(results.states[0]), state(single)) {
            assertClose(a, b, rtol: 1e-3, atol: 1e-5, k)
        }
    }

    /// Per-rank BN (the paper's way): each rank normalizes alone, and the teacher's running
    /// statistics take the average over ranks of the ranks' batch statistics — so every rank
    /// ends with the same bits.
    func testPerRankBNAveragesTheTeacherStatistics() throws {
        let (x1, x2) = try batches()[0]
        let path = "backbone.layer1.0.bn1"
        // What each rank's teacher sees at step 0 (α = 1): the batch means of its two views.
        var expected = [TensorScalar](repeating: 0, count: 4)
        for r in 0..<2 {
            let m2 = try Momentum2Teacher(config: config(syncBN: false))
            try m2.emaUpdate()
            let bn = try XCTUnwrap(m2.teacher.bn(path))
            _ = try m2.teacher(shard(x2, r, of: 2))
            let b1 = try XCTUnwrap(bn.lastBatchMean)
            _ = try m2.teacher(shard(x1, r, of: 2))
            let b2 = try XCTUnwrap(bn.lastBatchMean)
            for c in 0..<4 { expected[c] += (b1[c] + b2[c]) / 2 / 2 }
        }
        let results = Results()
        ranks(2) { r, group in
            let m2 = try Momentum2Teacher(config: self.config(syncBN: false))
            try m2.distribute(over: group)
            let loss = try m2.step(self.shard(x1, r, of: 2), self.shard(x2, r, of: 2)).loss
            results.put(r, [loss], self.state(m2))
        }
        let s0 = try XCTUnwrap(results.states[0]), s1 = try XCTUnwrap(results.states[1])
        for ((k, a), (_, b)) in zip(s0, s1) { XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), k) }
        let running = try XCTUnwrap(s0.first { $0.0 == "teacher.\(path).running_mean" }?.1)
        try assertClose(expected, running, rtol: 1e-5, atol: 1e-6, "teacher running mean = the ranks' average")
        XCTAssertEqual(results.losses[0], results.losses[1], "the step reports the ranks' average loss")
    }

    /// Models that differ across the ranks are caught, on every rank.
    func testDivergedRanksAreDetected() throws {
        let errors = ErrorBox()
        ranks(2) { r, group in
            let m2 = try Momentum2Teacher(config: self.config(syncBN: false))
            try m2.distribute(over: group)
            try m2.dataParallel?.verifyIdentical(m2)
            if r == 1 { try m2.student.namedParameters()[0].tensor.scaleInPlace(1.5) }
            do { try m2.dataParallel?.verifyIdentical(m2) } catch let e as TrainingError {
                if case .ranksDiverged = e { errors.add("\(r)") }
            }
        }
        XCTAssertEqual(Set(errors.all), ["0", "1"])
    }

    /// A world of one is the single process, unchanged.
    func testWorldOfOneChangesNothing() throws {
        let m2 = try Momentum2Teacher(config: config(syncBN: true))
        try m2.distribute(over: LocalProcessGroup.Hub(size: 1).group(rank: 0))
        XCTAssertNil(m2.dataParallel)
    }
}
