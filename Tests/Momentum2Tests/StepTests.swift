import XCTest
import Momentum2

/// Three complete Momentum² steps of a width-4 ResNet-18 against the reference framework.
///
/// The reference was computed in Float64 on a batch of 4 images of 8×8, where layer4 sees
/// 1×1 maps and its BN normalizes over 4 values at lr 0.1: the third loss depends on the
/// arithmetic so strongly that relative perturbations of the initial weights of 1e-7 move it
/// by ~1e-3 and of 1e-6 by percents (``testThirdStepIsChaoticInFloat32``), and merely
/// centring the BN arithmetic differently moved it by 0.9%. Float32 rounding alone is of that
/// size, so the Float32 build checks steps 0 and 1 at rel 1e-4 (they match to ~2e-6), step 2
/// within 3%, and the final state dicts for their keys and shapes. The Float64 build
/// (`make test-f64`, docs/numerics.md) holds all three losses to rel 1e-4 and every final
/// tensor to rel 1e-3.
final class StepTests: XCTestCase {
    struct Reference {
        let config: MethodConfig
        let initial: [String: Tensor]
        let inputs: [(Tensor, Tensor)]
        let losses: [Double]
        let momenta: [Double]
        let raw: [String: Any]
    }

    func reference() throws -> Reference {
        let ref = try fixture("m2t_steps")
        let c = try XCTUnwrap(ref["config"] as? [String: Any])
        var config = MethodConfig(backbone: .init(depth: 18, width: c["width"] as? Int ?? 0, inChannels: c["in_channels"] as? Int ?? 0, stem: .small),
                                  hidden: c["hidden"] as? Int ?? 0, out: c["out"] as? Int ?? 0, batch: c["batch"] as? Int ?? 0,
                                  totalSteps: c["total_steps"] as? Int ?? 0)
        config.baseMomentum = c["m0"] as? Double ?? 0
        config.learningRate = c["lr"] as? Double
        config.constantLearningRate = true
        config.momentum = c["momentum"] as? Double ?? 0
        config.weightDecay = c["weight_decay"] as? Double ?? 0
        var initial: [String: Tensor] = [:]
        for (k, v) in try XCTUnwrap(ref["student_initial"] as? [String: Any]) { initial[k] = try tensor(v) }
        let inputs = try XCTUnwrap(ref["inputs"] as? [[String: Any]]).map { (try tensor($0["x1"]), try tensor($0["x2"])) }
        return Reference(config: config, initial: initial, inputs: inputs, losses: try XCTUnwrap(ref["losses"] as? [Double]),
                         momenta: try XCTUnwrap(ref["teacher_momentum_used"] as? [Double]), raw: ref)
    }

    func run(_ r: Reference, initial: [String: Tensor]) throws -> (Momentum2Teacher, [StepResult]) {
        let m2 = try Momentum2Teacher(config: r.config)
        let report = try m2.student.loadStateDict(initial, strict: false)
        XCTAssertTrue(report.unexpected.isEmpty && report.shapeMismatches.isEmpty, "\(report)")
        XCTAssertTrue(report.missing.allSatisfy { $0.hasSuffix("num_batches_tracked") }, "\(report)")
        try m2.teacher.copyParameters(from: m2.student)
        return (m2, try r.inputs.map { try m2.step($0.0, $0.1) })
    }

    func testThreeStepsMatchReference() throws {
        let r = try reference()
        let (m2, results) = try run(r, initial: r.initial)
        #if M2T_FLOAT64
        // In Float64 the engine computes what the reference computed: every loss to rel 1e-4
        // (measured: 4e-12, 2e-10, 1.3e-7) and every final tensor to rel 1e-3 (measured: 4e-7
        // of the tensor's largest value at worst).
        for k in 0..<3 {
            XCTAssertEqual(Double(results[k].loss), r.losses[k], accuracy: 1e-4 * r.losses[k], "loss of step \(k)")
        }
        #else
        for k in 0..<2 {
            XCTAssertEqual(Double(results[k].loss), r.losses[k], accuracy: 1e-4 * r.losses[k], "loss of step \(k)")
        }
        XCTAssertEqual(Double(results[2].loss), r.losses[2], accuracy: 0.03 * r.losses[2], "loss of step 2")
        #endif
        for k in 0..<3 { XCTAssertEqual(Double(results[k].teacherMomentum), r.momenta[k], accuracy: 1e-6) }
        XCTAssertEqual(Double(m2.teacherBNMomentum), try XCTUnwrap(r.raw["teacher_bn_momentum_final"] as? Double), accuracy: 1e-6)
        // Every key of the final state dicts exists with the reference's shape (and, in
        // Float64, its values).
        for (name, module) in [("student_final", m2.student as Module), ("teacher_final", m2.teacher)] {
            let ours = Dictionary(uniqueKeysWithValues: module.stateDict())
            let theirs = try XCTUnwrap(r.raw[name] as? [String: Any])
            // The reference leaves out the num_batches_tracked counters; nothing else is extra.
            XCTAssertEqual(Set(ours.keys).subtracting(theirs.keys).filter { !$0.hasSuffix("num_batches_tracked") }, [], name)
            for (key, value) in theirs {
                let mine = try XCTUnwrap(ours[key], "\(name) \(key)"), reference = try tensor(value)
                XCTAssertEqual(mine.shape, reference.shape, key)
                #if M2T_FLOAT64
                assertClose(mine, reference, rtol: 1e-3, atol: 1e-6, "\(name) \(key)")
                #endif
            }
        }
    }

    /// The views side by side (two cores, each branch single-threaded) compute bit for bit
    /// what one thread computes one view after the other: every parameter and BN statistic
    /// of both networks after the three reference steps (where any rounding difference would
    /// be amplified); only the loss, summed as two halves, may differ in the last bits.
    func testViewsInParallelMatchViewsInTurn() throws {
        let r = try reference()
        func steps(parallel: Bool) throws -> (Momentum2Teacher, [StepResult]) {
            let m2 = try Momentum2Teacher(config: r.config)
            m2.viewsInParallel = parallel
            _ = try m2.student.loadStateDict(r.initial, strict: false)
            try m2.teacher.copyParameters(from: m2.student)
            return (m2, try r.inputs.map { try m2.step($0.0, $0.1) })
        }
        let threads = Parallel.threads
        Parallel.threads = 1
        let (inTurn, a) = try steps(parallel: false)
        Parallel.threads = max(threads, 2)
        defer { Parallel.threads = threads }
        let (side, b) = try steps(parallel: true)
        for (x, y) in zip(a, b) { XCTAssertEqual(x.loss, y.loss, accuracy: 1e-6 * x.loss) }
        for (name, one, other) in [("student", inTurn.student as Module, side.student as Module), ("teacher", inTurn.teacher, side.teacher)] {
            for ((key, t), (_, u)) in zip(one.stateDict(), other.stateDict()) {
                XCTAssertEqual(t.scalars, u.scalars, "\(name) \(key)")
            }
        }
        XCTAssertEqual(inTurn.teacherBNMomentum, side.teacherBNMomentum)
    }

    /// Why step 2 cannot be held to 1e-4 in Float32: perturbing the initial weights by a
    /// relative 1e-6 (about ten Float32 ulps) moves the third loss by far more than 1e-4
    /// while the first stays put.
    func testThirdStepIsChaoticInFloat32() throws {
        let r = try reference()
        let (_, base) = try run(r, initial: r.initial)
        var largest: TensorScalar = 0
        for seed in [11, 12] as [UInt64] {
            let g = RandomGenerator(seed: seed)
            var perturbed: [String: Tensor] = [:]
            // In the keys' order: a dictionary's own order changes from process to process,
            // and with it which tensor draws which numbers (step 0 then moved by 7e-5 or by
            // 1.0e-4 depending on the process, and the check below failed once in CI).
            for (k, t) in r.initial.sorted(by: { $0.key < $1.key }) { perturbed[k] = try t * (Tensor.randn(t.shape, generator: g) * 1e-6 + 1) }
            let (_, moved) = try run(r, initial: perturbed)
            XCTAssertEqual(base[0].loss, moved[0].loss, accuracy: 1e-4)
            largest = max(largest, abs(base[2].loss - moved[2].loss) / base[2].loss)
        }
        XCTAssertGreaterThan(largest, 1e-3, "step 2 moved by at most \(largest)")
    }
}
