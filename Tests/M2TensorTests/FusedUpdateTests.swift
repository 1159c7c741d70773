import XCTest
@testable import M2Tensor

/// The fused SGD step and moving average give, bit for bit, what the same updates give one
/// operation at a time, whatever the number of threads and wherever a thread's stretch of
/// elements starts and ends.
final class FusedUpdateTests: XCTestCase {
    override func tearDown() { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }

    /// Sizes from one value to past the point where the work is split, so that the threads'
    /// stretches begin and end inside tensors.
    let shapes: [[Int]] = [[16], [70_001], [3, 3], [128, 64, 3, 3], [1], [40_000]]

    func tensors(seed: UInt64) throws -> [Tensor] {
        try shapes.enumerated().map { i, s in try Tensor.randn(s, generator: RandomGenerator(seed: seed + UInt64(i))) }
    }

    /// PyTorch's SGD one operation at a time (the form the fused step replaced).
    func referenceSGD(_ theta: [Tensor], _ grads: [Tensor], _ buffers: inout [Tensor?], lr: TensorScalar, mu: TensorScalar, wd: TensorScalar, nesterov: Bool) throws {
        for (i, (p, g)) in zip(theta, grads).enumerated() {
            let d = try g.copy()
            if wd != 0 { try d.addInPlace(p, scale: wd) }
            var update = d
            if mu != 0 {
                let b: Tensor
                if let existing = buffers[i] {
                    try existing.scaleInPlace(mu)
                    try existing.addInPlace(d)
                    b = existing
                } else {
                    b = try d.copy()
                    buffers[i] = b
                }
                if nesterov { try d.addInPlace(b, scale: mu) } else { update = b }
            }
            try p.addInPlace(update, scale: -lr)
        }
    }

    func assertSameBits(_ a: [Tensor], _ b: [Tensor], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for (k, (x, y)) in zip(a, b).enumerated() {
            let differ = zip(x.scalars, y.scalars).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(differ, 0, "\(what): tensor \(k) differs in \(differ) of \(x.count) values", file: file, line: line)
        }
    }

    func testSGDGivesTheBitsOfOneOperationAtATime() throws {
        for (mu, wd, nesterov) in [(TensorScalar(0.9), TensorScalar(1e-4), false), (0.9, 0, true), (0, 1e-4, false)] {
            for threads in [1, 2, 3] {
                Parallel.threads = threads
                let (fused, reference) = (try tensors(seed: 1), try tensors(seed: 1))
                var buffers = [Tensor?](repeating: nil, count: shapes.count)
                let moments = try shapes.map { try Tensor.zeros($0) }
                for step in 0..<3 {
                    let grads = try tensors(seed: 100 + UInt64(step) * 10)
                    let lr = TensorScalar(0.075) / TensorScalar(step + 1)
                    try referenceSGD(reference, grads, &buffers, lr: lr, mu: mu, wd: wd, nesterov: nesterov)
                    try FusedUpdate.sgd(parameters: fused, gradients: grads, buffers: moments, first: Array(repeating: step == 0, count: shapes.count),
                                        learningRate: lr, momentum: mu, weightDecay: wd, nesterov: nesterov)
                }
                let what = "μ \(mu), λ \(wd), Nesterov \(nesterov), \(threads) threads"
                assertSameBits(fused, reference, "θ, " + what)
                if mu != 0 { assertSameBits(moments, buffers.map { $0! }, "b, " + what) }
            }
        }
    }

    func testMovingAverageGivesTheBitsOfScaleThenAdd() throws {
        for threads in [1, 2] {
            Parallel.threads = threads
            let (fused, reference, sources) = (try tensors(seed: 7), try tensors(seed: 7), try tensors(seed: 50))
            let m = TensorScalar(0.99123)
            try FusedUpdate.movingAverage(fused, toward: sources, momentum: m)
            for (t, s) in zip(reference, sources) {
                try t.scaleInPlace(m)
                try t.addInPlace(s, scale: 1 - m)
            }
            assertSameBits(fused, reference, "EMA, \(threads) threads")
        }
    }

    func testEveryElementIsVisitedOnce() {
        Parallel.threads = 2
        let counts = [0, 5, 40_000, 0, 1, 33_000, 7]
        let lock = NSLock()
        var seen = counts.map { [Int](repeating: 0, count: $0) }
        FusedUpdate.forSegments(counts) { t, range in
            lock.lock()
            for i in range { seen[t][i] += 1 }
            lock.unlock()
        }
        XCTAssertTrue(seen.allSatisfy { $0.allSatisfy { $0 == 1 } })
    }

    func testMismatchesAreTypedErrors() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([3, 2])
        XCTAssertThrowsError(try FusedUpdate.movingAverage([a], toward: [b], momentum: 0.9)) {
            guard case TensorError.shapeMismatch = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try FusedUpdate.movingAverage([a], toward: [], momentum: 0.9))
        XCTAssertThrowsError(try FusedUpdate.movingAverage([try b.T], toward: [a], momentum: 0.9)) {
            guard case TensorError.invalidArgument = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try FusedUpdate.sgd(parameters: [a], gradients: [a], buffers: [], first: [true],
                                                 learningRate: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false))
        XCTAssertThrowsError(try FusedUpdate.sgd(parameters: [a], gradients: [a], buffers: [try b.T], first: [true],
                                                 learningRate: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false))
    }
}
