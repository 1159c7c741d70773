import XCTest
@testable import M2Tensor

/// Finite-difference gradient checks: they pass on the engine's own operations (in both
/// builds, with the build's standard tolerances) and catch a wrong backward.
final class GradCheckTests: XCTestCase {
    func testConvBatchNormAndLossPass() throws {
        let x = try randn([2, 3, 5, 5], seed: 1)
        let w = try randn([4, 3, 3, 3], seed: 2, scale: 0.3)
        let gamma = try randn([4], seed: 3, scale: 0.2, requiresGrad: false) + 1
        gamma.requiresGrad = true
        let report = try GradCheck.run(inputs: [x, w, gamma]) { xs in
            let y = try conv2d(xs[0], xs[1], padding: 1)
            let bn = try batchNorm(y, weight: xs[2], bias: nil).output
            return try logSoftmax(bn.tanh().reshape([2, -1]))
        }
        XCTAssertTrue(report.passed, "\(report)")
        XCTAssertEqual(report.checked, x.count + w.count + gamma.count)
    }

    /// The teacher's momentum BN mixes the batch statistics with running ones (α = 0.5):
    /// its backward has to follow the batch part only.
    func testMomentumBatchNormPasses() throws {
        let x = try randn([6, 3], seed: 4)
        let report = try GradCheck.run(inputs: [x]) { xs in
            try batchNorm(xs[0], weight: nil, bias: nil, batchWeight: 0.5,
                          runningMean: Tensor([0.1, -0.2, 0.3]), runningVariance: Tensor([1.5, 0.5, 2])).output
        }
        XCTAssertTrue(report.passed, "\(report)")
    }

    func testWrongBackwardIsCaught() throws {
        let x = try Tensor([1, -2, 3, 0.5, -1.5, 2.5], shape: [3, 2], requiresGrad: true)
        // y = x², with a backward that forgets the factor 2.
        let report = try GradCheck.run(inputs: [x]) { xs in
            let a = xs[0]
            let y = try withNoGrad { try a * a }
            return y.recorded("wrong_square", [a]) { g in try a.accumulateGrad(g * a) }
        }
        XCTAssertFalse(report.passed)
        XCTAssertGreaterThan(report.failures, 0)
        let worst = try XCTUnwrap(report.worst)
        XCTAssertEqual(worst.numeric, 2 * worst.analytic, accuracy: 0.05 * abs(worst.numeric))
        XCTAssertTrue("\(report)".contains("FAILED"), "\(report)")
    }

    func testInputsAndGradientsAreLeftAsTheyWere() throws {
        let x = try randn([4], seed: 10)
        let before = x.scalars
        let g = try Tensor([1, 2, 3, 4])
        x.grad = g
        _ = try GradCheck.run(inputs: [x]) { xs in try xs[0].tanh() }
        XCTAssertEqual(x.scalars, before)
        XCTAssertTrue(x.grad === g)
    }

    func testInputsAreRestoredWhenTheFunctionThrows() throws {
        let x = try randn([3], seed: 14)
        let before = x.scalars
        var calls = 0
        XCTAssertThrowsError(try GradCheck.run(inputs: [x]) { xs in
            calls += 1
            if calls == 3 { throw TensorError.invalidArgument(op: "test", reason: "interrupted") }
            return try xs[0] * 2
        })
        XCTAssertEqual(x.scalars, before)
    }

    func testSubsamplesLargeInputs() throws {
        let x = try randn([50, 40], seed: 11)
        let report = try GradCheck.run(inputs: [x], maxElements: 100) { xs in try xs[0].relu() * 3 }
        XCTAssertEqual(report.checked, 100)
    }

    func testBadInputsAreRefused() throws {
        let fixed = try randn([2], seed: 12, requiresGrad: false)
        XCTAssertThrowsError(try GradCheck.run(inputs: [fixed]) { $0[0] }) { e in
            XCTAssertTrue("\(e)".contains("no input requires gradients"), "\(e)")
        }
        let leaf = try randn([2], seed: 13)
        let computed = try leaf * 2
        XCTAssertThrowsError(try GradCheck.run(inputs: [computed]) { $0[0] }) { e in
            XCTAssertTrue("\(e)".contains("leaf"), "\(e)")
        }
        XCTAssertThrowsError(try GradCheck.run(inputs: [leaf], tolerances: .init(epsilon: 0, absolute: 1, relative: 1)) { $0[0] })
        // A step that vanishes against the element's size (in either precision).
        let huge = try Tensor([1e12], requiresGrad: true)
        XCTAssertThrowsError(try GradCheck.run(inputs: [huge], tolerances: .init(epsilon: 1e-9, absolute: 1, relative: 1)) { try $0[0] * 2 }) { e in
            XCTAssertTrue("\(e)".contains("below the precision"), "\(e)")
        }
    }
}
