import Foundation
import XCTest
import Momentum2

/// The two linear probes on synthetic features: the L-BFGS probe's held-out choice of λ, its
/// independence from the solver's tolerance, the SGD probe, and typed errors for bad input.
final class LinearProbeTests: XCTestCase {
    /// `n` points per class around `classes` centres in `d` dimensions (unit noise), plus
    /// `noise` dimensions of pure noise; the labels cycle through the classes.
    func blobs(n: Int, classes: Int = 3, d: Int = 4, noise: Int = 0, spread: TensorScalar = 3, seed: UInt64) throws -> (Tensor, [Int]) {
        let g = RandomGenerator(seed: seed)
        let centres = try Tensor.randn([classes, d], std: spread, generator: RandomGenerator(seed: 99)).scalars
        let labels = (0..<(n * classes)).map { $0 % classes }
        let e = try Tensor.randn([labels.count, d + noise], generator: g).scalars
        var x = [TensorScalar](repeating: 0, count: e.count)
        for (i, y) in labels.enumerated() {
            for k in 0..<(d + noise) { x[i * (d + noise) + k] = e[i * (d + noise) + k] + (k < d ? centres[y * d + k] : 0) }
        }
        return (try Tensor(x, shape: [labels.count, d + noise]), labels)
    }

    func testChoosesTheL2StrengthOnHeldOutData() throws {
        let (x, y) = try blobs(n: 100, seed: 1), (xt, yt) = try blobs(n: 50, seed: 2)
        let r = try LogisticProbe().evaluate(train: x, trainLabels: y, test: xt, testLabels: yt, classes: 3)
        XCTAssertEqual(r.probe, .lbfgs)
        XCTAssertGreaterThan(r.top1, 0.9)
        let curve = try XCTUnwrap(r.heldOut)
        // Largest λ first, in grid order; the chosen one has the best held-out top-1 (ties: the
        // larger); the search stops `patience` λs after the best.
        XCTAssertEqual(curve.map(\.l2), Array(LogisticProbe.standardGrid.prefix(curve.count)))
        let best = try XCTUnwrap(curve.firstIndex { p in curve.allSatisfy { $0.top1 <= p.top1 } })
        XCTAssertEqual(r.l2, curve[best].l2)
        XCTAssertTrue(curve.count == LogisticProbe.standardGrid.count || curve.count == best + 1 + LogisticProbe().patience, "\(curve)")
        XCTAssertGreaterThan(try XCTUnwrap(r.iterations), 0)
    }

    /// Many noise dimensions for the samples: the weakest penalty would fit the fitted part
    /// best, but the held-out part sees that a strong one generalizes better.
    func testHeldOutDataPrefersRegularizationWhenFittingOverfits() throws {
        let (x, y) = try blobs(n: 300, classes: 2, d: 2, noise: 120, spread: 1, seed: 3), (xt, yt) = try blobs(n: 50, classes: 2, d: 2, noise: 120, spread: 1, seed: 4)
        var probe = LogisticProbe(l2Grid: [1, 1e-6])
        probe.heldOutFraction = 0.25
        let r = try probe.evaluate(train: x, trainLabels: y, test: xt, testLabels: yt, classes: 2)
        let curve = try XCTUnwrap(r.heldOut)
        XCTAssertEqual(curve.map(\.l2), [1, 1e-6])
        XCTAssertGreaterThan(curve[0].top1, curve[1].top1 + 0.05, "\(curve)")
        XCTAssertEqual(r.l2, 1)
        XCTAssertNil(try LogisticProbe(l2Grid: [1e-6]).evaluate(train: x, trainLabels: y, test: xt, testLabels: yt, classes: 2).heldOut,
                     "one λ: nothing held out")
    }

    /// The answer is the optimum's: a hundredfold tighter tolerance changes no prediction here.
    func testAnswerDoesNotDependOnTheTolerance() throws {
        let (x, y) = try blobs(n: 60, spread: 1, seed: 5), (xt, yt) = try blobs(n: 100, spread: 1, seed: 6)
        var loose = LogisticProbe(l2Grid: [1e-3]), tight = loose
        (loose.gradientTolerance, tight.gradientTolerance) = (1e-4, 1e-6)
        let a = try loose.evaluate(train: x, trainLabels: y, test: xt, testLabels: yt, classes: 3)
        let b = try tight.evaluate(train: x, trainLabels: y, test: xt, testLabels: yt, classes: 3)
        XCTAssertEqual(a.top1, b.top1)
        XCTAssertGreaterThan(try XCTUnwrap(b.iterations), try XCTUnwrap(a.iterations))
    }

    func testSGDProbeStillRuns() throws {
        let (x, y) = try blobs(n: 100, seed: 7), (xt, yt) = try blobs(n: 30, seed: 8)
        let r = try SGDProbe(epochs: 5, batch: 32).evaluate(train: x, trainLabels: y, test: xt, testLabels: yt, classes: 3)
        XCTAssertEqual(r.probe, .sgd)
        XCTAssertEqual(r.epochs, 5)
        XCTAssertGreaterThan(r.top1, 0.9)
    }

    func testRefusesBadInput() throws {
        let (x, y) = try blobs(n: 10, seed: 9)
        let probes: [any LinearProbe] = [LogisticProbe(), SGDProbe(epochs: 1)]
        for p in probes {
            XCTAssertThrowsError(try p.evaluate(train: x, trainLabels: y, test: Tensor.zeros([2, 5]), testLabels: [0, 1], classes: 3)) {
                XCTAssertEqual($0 as? TensorError, .shapeMismatch(op: "linear_eval features", lhs: [30, 4], rhs: [2, 5]))
            }
            XCTAssertThrowsError(try p.evaluate(train: x, trainLabels: Array(y.dropLast()), test: x, testLabels: y, classes: 3)) { XCTAssertTrue($0 is TensorError) }
            XCTAssertThrowsError(try p.evaluate(train: x, trainLabels: y, test: x, testLabels: y, classes: 2)) { XCTAssertTrue("\($0)".contains("0..<2"), "\($0)") }
        }
        let tiny = try Tensor.zeros([3, 2])
        XCTAssertThrowsError(try LogisticProbe().evaluate(train: tiny, trainLabels: [0, 1, 0], test: tiny, testLabels: [0, 1, 0], classes: 2)) {
            XCTAssertTrue("\($0)".contains("too few"), "\($0)")
        }
        XCTAssertThrowsError(try LogisticProbe(l2Grid: [1e-3, -1]).evaluate(train: x, trainLabels: y, test: x, testLabels: y, classes: 3)) {
            XCTAssertTrue("\($0)".contains("positive"), "\($0)")
        }
    }
}
