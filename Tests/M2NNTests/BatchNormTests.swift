import XCTest
import M2NN

final class BatchNormTests: XCTestCase {
    /// Training-mode BN matches the reference: output, gradients, running statistics.
    func testTrainingModeMatchesReference() throws {
        let cases = try XCTUnwrap(try fixture("batchnorm")["cases"] as? [[String: Any]])
        for (i, c) in cases.enumerated() {
            let x = try tensor(c["input"])
            x.requiresGrad = true
            let bn = try BatchNorm(x.shape[1], dimensions: x.rank == 4 ? 2 : 1, eps: TensorScalar(c["eps"] as? Double ?? 1e-5),
                                   momentum: TensorScalar(c["momentum"] as? Double ?? 0.1))
            try bn.weight.copyValues(from: tensor(c["weight"]))
            try bn.bias.copyValues(from: tensor(c["bias"]))
            let y = try bn(x)
            assertClose(y, try tensor(c["output"]), "case \(i) output")
            try y.backward(tensor(c["grad_output"]))
            assertClose(try XCTUnwrap(x.grad), try tensor(c["grad_input"]), "case \(i) grad_input")
            assertClose(try XCTUnwrap(bn.weight.grad), try tensor(c["grad_weight"]), "case \(i) grad_weight")
            assertClose(try XCTUnwrap(bn.bias.grad), try tensor(c["grad_bias"]), "case \(i) grad_bias")
            assertClose(bn.runningMean, try tensor(c["running_mean_after"]), "case \(i) running_mean")
            assertClose(bn.runningVariance, try tensor(c["running_var_after"]), "case \(i) running_var")
            // Eval mode normalizes with the running statistics.
            bn.eval()
            let e = try bn(x)
            let scale = try bn.weight / (bn.runningVariance + 1e-5).sqrt()
            let shape = x.rank == 4 ? [1, x.shape[1], 1, 1] : [1, x.shape[1]]
            let expected = try (x.detach() - bn.runningMean.reshape(shape)) * scale.reshape(shape) + bn.bias.reshape(shape)
            assertClose(e, expected.detach(), "case \(i) eval")
        }
    }

    /// The teacher's momentum BN over several iterations of two views (all three cases).
    func testMomentumModeMatchesReference() throws {
        let cases = try XCTUnwrap(try fixture("momentum_bn")["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 3)
        for (i, c) in cases.enumerated() {
            let shape = try XCTUnwrap(c["shape"] as? [Int])
            let bn = try BatchNorm(shape[1], dimensions: shape.count == 4 ? 2 : 1, eps: TensorScalar(c["eps"] as? Double ?? 1e-5))
            bn.useMomentumStatistics(totalIterations: try XCTUnwrap(c["total_iters"] as? Int),
                                     correction: (c["variance"] as? String) == "unbiased" ? .unbiased : .double)
            try bn.weight.copyValues(from: tensor(c["weight"]))
            try bn.bias.copyValues(from: tensor(c["bias"]))
            for (k, it) in try XCTUnwrap(c["iterations"] as? [[String: Any]]).enumerated() {
                let label = "case \(i) iteration \(k)"
                XCTAssertEqual(Double(bn.momentumState.alpha), try XCTUnwrap(it["momentum_used"] as? Double), accuracy: 1e-6, label)
                assertClose(try bn(tensor(it["view1_input"])), try tensor(it["view1_output"]), "\(label) view 1")
                assertClose(try bn(tensor(it["view2_input"])), try tensor(it["view2_output"]), "\(label) view 2")
                assertClose(bn.runningMean, try tensor(it["running_mean_after"]), "\(label) running_mean")
                assertClose(bn.runningVariance, try tensor(it["running_var_after"]), "\(label) running_var")
                XCTAssertEqual(Double(bn.momentumState.alpha), try XCTUnwrap(it["momentum_after"] as? Double), accuracy: 1e-6, label)
            }
        }
    }

    /// A 1-D momentum BN over 2 features with a schedule of `totalIterations`, and a batch for it.
    private func momentumBN(totalIterations: Int) throws -> (BatchNorm, Tensor) {
        let bn = try BatchNorm(2, dimensions: 1)
        bn.useMomentumStatistics(totalIterations: totalIterations)
        return (bn, try Tensor.randn([4, 2], generator: RandomGenerator(seed: 1)))
    }

    /// After T iterations α stays at 0: later forwards normalize with the running statistics.
    func testMomentumStaysAtZeroAfterTheSchedule() throws {
        let (bn, x) = try momentumBN(totalIterations: 2)
        for _ in 0..<6 { _ = try bn(x) }
        XCTAssertEqual(bn.momentumState.iterations, 3)
        XCTAssertEqual(bn.momentumState.alpha, 0)
        // At α = 0 the batch statistics are still measured (for inspection) and the running
        // ones no longer move.
        XCTAssertEqual(bn.lastBatchMean?.count, 2)
        let before = bn.runningMean.scalars
        for _ in 0..<2 { _ = try bn(x) }
        XCTAssertEqual(bn.runningMean.scalars, before)
    }

    /// Re-sizing the schedule recomputes α for the iterations done and decays over the new T.
    func testMomentumScheduleResize() throws {
        let (bn, x) = try momentumBN(totalIterations: 100)
        for _ in 0..<4 { _ = try bn(x) }
        XCTAssertEqual(bn.momentumState.iterations, 2)
        bn.resizeMomentumSchedule(totalIterations: 4)
        XCTAssertEqual(bn.momentumState.totalIterations, 4)
        XCTAssertEqual(bn.momentumState.alpha, 0.5, accuracy: 1e-6)   // (cos(π·2/4) + 1)/2
        for _ in 0..<4 { _ = try bn(x) }
        XCTAssertEqual(bn.momentumState.alpha, 0)
    }

    func testTrainingNeedsMoreThanOneValue() throws {
        let bn = try BatchNorm(3, dimensions: 1)
        XCTAssertThrowsError(try bn(Tensor.zeros([1, 3])))
        XCTAssertThrowsError(try bn(Tensor.zeros([4, 2])))
    }
}
