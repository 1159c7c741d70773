import XCTest
import M2NN

final class OptimizerTests: XCTestCase {
    /// Two SGD steps with momentum 0.9 and weight decay 0.1, checked by hand:
    /// θ = 1, g = 0.5: d = 0.6, b = 0.6, θ = 1 − 0.1·0.6 = 0.94;
    /// then g = 0.5: d = 0.5 + 0.094 = 0.594, b = 0.54 + 0.594 = 1.134, θ = 0.94 − 0.1134 = 0.8266.
    func testSGDMatchesPyTorchByHand() throws {
        let p = try Tensor([1], shape: [1], requiresGrad: true)
        let sgd = try SGD([NamedParameter(name: "w", tensor: p)], learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)
        for _ in 0..<2 {
            p.grad = try Tensor([0.5], shape: [1])
            try sgd.step()
        }
        XCTAssertEqual(p.scalars[0], 0.8266, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(sgd.stateTensors[0]).scalars[0], 1.134, accuracy: 1e-6)
    }

    func testNesterov() throws {
        // d = 0.5, b = 0.5, update = d + 0.9·b = 0.95, θ = 1 − 0.095.
        let p = try Tensor([1], shape: [1], requiresGrad: true)
        let sgd = try SGD([NamedParameter(name: "w", tensor: p)], learningRate: 0.1, momentum: 0.9, nesterov: true)
        p.grad = try Tensor([0.5], shape: [1])
        try sgd.step()
        XCTAssertEqual(p.scalars[0], 0.905, accuracy: 1e-6)
    }

    /// LARS scales by η‖θ‖/‖g‖ and skips weight decay and adaptation for excluded (1-D) tensors.
    func testLARSExcludesBiases() throws {
        let w = try Tensor([3, 4], shape: [1, 2], requiresGrad: true)      // ‖w‖ = 5
        let b = try Tensor([1], shape: [1], requiresGrad: true)
        let lars = try LARS([NamedParameter(name: "w", tensor: w), NamedParameter(name: "b", tensor: b)],
                            learningRate: 1, momentum: 0, weightDecay: 0, trustCoefficient: 0.001)
        XCTAssertEqual(lars.excluded, [false, true])
        w.grad = try Tensor([0, 10], shape: [1, 2])                          // ‖g‖ = 10
        b.grad = try Tensor([2], shape: [1])
        try lars.step()
        XCTAssertEqual(w.scalars[0], 3, accuracy: 1e-7)
        XCTAssertEqual(w.scalars[1], 4 - 10 * 0.001 * 5 / 10, accuracy: 1e-6)
        XCTAssertEqual(b.scalars[0], -1, accuracy: 1e-6)
    }

    func testSchedulesMatchReference() throws {
        let s = try fixture("schedules")
        let tm = try XCTUnwrap(s["teacher_momentum"] as? [String: Any])
        let K = try XCTUnwrap(tm["K"] as? Int)
        for (k, v) in try XCTUnwrap(tm["values"] as? [Double]).enumerated() {
            XCTAssertEqual(Schedule.teacherMomentum(step: k, total: K, base: try XCTUnwrap(tm["m0"] as? Double)), v, accuracy: 1e-12)
        }
        let bn = try XCTUnwrap(s["momentum_bn"] as? [String: Any])
        for (t, v) in try XCTUnwrap(bn["values"] as? [Double]).enumerated() {
            XCTAssertEqual(Schedule.bnMomentum(iteration: t, total: try XCTUnwrap(bn["T"] as? Int)), v, accuracy: 1e-12)
        }
        // Past the end α stays at 0 (the cosine would rise again).
        XCTAssertEqual(Schedule.bnMomentum(iteration: 15, total: 10), 0)
        let lr = try XCTUnwrap(s["warmup_cosine_lr"] as? [String: Any])
        for (k, v) in try XCTUnwrap(lr["values"] as? [Double]).enumerated() {
            XCTAssertEqual(Schedule.warmupCosine(step: k, total: try XCTUnwrap(lr["K"] as? Int), warmup: try XCTUnwrap(lr["W"] as? Int),
                                                 base: try XCTUnwrap(lr["base"] as? Double)), v, accuracy: 1e-12)
        }
        let sc = try XCTUnwrap(s["lr_scaling"] as? [String: Any])
        XCTAssertEqual(Schedule.scaledLearningRate(basePer256: try XCTUnwrap(sc["base_lr_per_256"] as? Double), batch: try XCTUnwrap(sc["batch"] as? Int)),
                       try XCTUnwrap(sc["lr"] as? Double), accuracy: 1e-12)
    }
}
