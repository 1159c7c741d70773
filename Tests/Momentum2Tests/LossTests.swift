import Foundation
import XCTest
import Momentum2

/// The Momentum² loss (SPEC §2) and its per-view half: reference vectors, values by hand,
/// finite differences, and no gradient to the teacher.
final class LossTests: XCTestCase {
    func randn(_ shape: [Int], seed: UInt64, requiresGrad: Bool = true) throws -> Tensor {
        try Tensor.randn(shape, generator: RandomGenerator(seed: seed), requiresGrad: requiresGrad)
    }

    func testMatchesReferenceVectors() throws {
        let c = try fixture("m2t_loss")
        let q1 = try tensor(c["q1"]), q2 = try tensor(c["q2"])
        q1.requiresGrad = true
        q2.requiresGrad = true
        // The teacher outputs may carry requiresGrad; no gradient may reach them.
        let k1 = try tensor(c["k1"]), k2 = try tensor(c["k2"])
        k1.requiresGrad = true
        k2.requiresGrad = true
        let loss = try momentum2Loss(q1: q1, q2: q2, k1: k1, k2: k2)
        XCTAssertEqual(Double(try loss.item()), try XCTUnwrap(c["loss"] as? Double), accuracy: 1e-5)
        try loss.backward()
        assertClose(try XCTUnwrap(q1.grad), try tensor(c["grad_q1"]))
        assertClose(try XCTUnwrap(q2.grad), try tensor(c["grad_q2"]))
        XCTAssertNil(k1.grad)
        XCTAssertNil(k2.grad)
    }

    /// Identical directions give the minimum 0, opposite ones the maximum 8; the halves add
    /// up to the whole.
    func testValuesByHand() throws {
        let q = try randn([3, 4], seed: 1, requiresGrad: false), k = try randn([3, 4], seed: 2, requiresGrad: false)
        XCTAssertEqual(try momentum2Loss(q1: q, q2: q, k1: q * 2, k2: q).item(), 0, accuracy: 1e-5)
        XCTAssertEqual(try momentum2Loss(q1: q, q2: q, k1: -q, k2: -q).item(), 8, accuracy: 1e-5)
        let whole = try momentum2Loss(q1: q, q2: k, k1: k, k2: q).item()
        let halves = try halfMomentum2Loss(q: q, k: k).item() + halfMomentum2Loss(q: k, k: q).item()
        XCTAssertEqual(whole, halves, accuracy: 1e-5)
    }

    func testGradientsByFiniteDifferences() throws {
        let q1 = try randn([3, 4], seed: 5), q2 = try randn([3, 4], seed: 6)
        let k1 = try randn([3, 4], seed: 7, requiresGrad: false), k2 = try randn([3, 4], seed: 8, requiresGrad: false)
        let report = try GradCheck.run(inputs: [q1, q2, k1, k2]) { xs in
            try momentum2Loss(q1: xs[0], q2: xs[1], k1: xs[2], k2: xs[3]).reshape([1])
        }
        XCTAssertTrue(report.passed, "\(report)")
        XCTAssertEqual(report.checked, 24, "only the inputs that require gradients")
    }

    func testNonContiguousInputs() throws {
        let base = try randn([5, 4], seed: 20, requiresGrad: false)
        let q = try base.transpose().index([.slice(start: nil, end: nil, step: 2)])
        let k = try randn([2, 5], seed: 22, requiresGrad: false)
        XCTAssertEqual(try momentum2Loss(q1: q, q2: q, k1: k, k2: k).item(), try momentum2Loss(q1: q.copy(), q2: q.copy(), k1: k, k2: k).item())
    }

    func testRejectsBadArguments() throws {
        XCTAssertThrowsError(try momentum2Loss(q1: Tensor.zeros([4, 6]), q2: Tensor.zeros([4, 6]), k1: Tensor.zeros([4, 5]), k2: Tensor.zeros([4, 6]))) {
            XCTAssertTrue("\($0)".contains("m2t_loss") && "\($0)".contains("[4, 5]"), "\($0)")
        }
        XCTAssertThrowsError(try momentum2Loss(q1: Tensor.zeros([6]), q2: Tensor.zeros([6]), k1: Tensor.zeros([6]), k2: Tensor.zeros([6]))) {
            XCTAssertTrue("\($0)".contains("[6]"), "\($0)")
        }
        XCTAssertThrowsError(try halfMomentum2Loss(q: Tensor.zeros([2, 3]), k: Tensor.zeros([3, 2])))
    }
}
