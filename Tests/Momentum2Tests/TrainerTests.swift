import Foundation
import XCTest
import Momentum2

/// The trainer on a small synthetic dataset: metrics, checkpoints, exact resume, refusal of
/// damaged checkpoints.
final class TrainerTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// 96 random 12×12 gray images in 3 classes.
    func dataset() throws -> ImageStore {
        let g = RandomGenerator(seed: 4)
        let pixels = (0..<(96 * 144)).map { _ in UInt8(g.nextInt(256)) }
        return try ImageStore(width: 12, height: 12, channels: 1, pixels: pixels, labels: (0..<96).map { $0 % 3 }, classNames: ["a", "b", "c"])
    }

    func method(steps: Int) -> MethodConfig {
        var m = MethodConfig(backbone: .init(depth: 18, width: 4, inChannels: 1, stem: .small, seed: 1), hidden: 16, out: 8, batch: 8, totalSteps: steps)
        m.warmupSteps = 2
        return m
    }

    func trainer(_ m2: Momentum2Teacher, out: URL, resumed: TrainerState? = nil, checkpointEvery: Int = 5) throws -> Trainer {
        let data = try dataset()
        let views = try TwoViewPipeline.smallImage(size: 12, channels: 1, normalize: Normalize(mean: [0.5], std: [0.25]))
        let loader = try DataLoader(dataset: data, batchSize: 8, views: .pair(views), seed: 9)
        var options = TrainerOptions(outputDirectory: out)
        options.logEvery = 1
        options.checkpointEvery = checkpointEvery
        options.monitorKNN = false
        return try Trainer(m2: m2, loader: loader, monitor: nil, options: options, resumedState: resumed)
    }

    /// A run stopped after a checkpoint and resumed gives bit-identical losses to one that
    /// was never stopped (the loader resumes mid-epoch: 12 batches per epoch, stop at 17).
    func testResumeIsBitIdentical() throws {
        let full = dir.appendingPathComponent("full"), part = dir.appendingPathComponent("part")
        let a = try trainer(Momentum2Teacher(config: method(steps: 30)), out: full)
        _ = try a.run()
        let expected = a.metrics.records.filter { $0.kind == "step" }.map { ($0.step, $0.loss ?? .nan) }
        XCTAssertEqual(expected.count, 30)

        // The same run "killed" after step 17: train 17 steps, checkpoint, drop everything.
        let m2 = try Momentum2Teacher(config: method(steps: 30))
        let b = try trainer(m2, out: part, checkpointEvery: 17)
        let loader = b.loader
        while m2.step < 17 {
            guard let (x1, x2, _) = try loader.nextPair() else { continue }
            _ = try m2.step(x1, x2)
        }
        try b.checkpoint(start: Date(), name: "last")

        let run = try Checkpoint.restore(part.appendingPathComponent("last.safetensors"))
        XCTAssertEqual(run.state.step, 17)
        let c = try trainer(run.m2, out: part, resumed: run.state)
        _ = try c.run()
        let resumed = c.metrics.records.filter { $0.kind == "step" && $0.step >= 17 }.map { ($0.step, $0.loss ?? .nan) }
        XCTAssertEqual(resumed.map(\.0), Array(17..<30))
        for (r, e) in zip(resumed, expected.suffix(13)) {
            XCTAssertEqual(r.0, e.0)
            XCTAssertEqual(r.1.bitPattern, e.1.bitPattern, "step \(r.0): \(r.1) vs \(e.1)")
        }
    }

    func testCheckpointFilesAndDamageIsRefused() throws {
        let m2 = try Momentum2Teacher(config: method(steps: 6))
        let t = try trainer(m2, out: dir, checkpointEvery: 3)
        let summary = try t.run()
        XCTAssertEqual(summary.steps, 6)
        let url = dir.appendingPathComponent("last.safetensors")
        XCTAssertTrue(FileManager.default.fileExists(atPath: url.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("last.json").path))
        XCTAssertEqual(MetricsLog.read(dir.appendingPathComponent("metrics.jsonl")).count, 6)
        let data = try Data(contentsOf: url)

        let truncated = dir.appendingPathComponent("truncated.safetensors")
        try data.prefix(data.count - 100).write(to: truncated)
        XCTAssertThrowsError(try Checkpoint.restore(truncated)) { e in XCTAssertTrue("\(e)".contains("truncated"), "\(e)") }

        var flipped = data
        flipped[flipped.count - 5] ^= 0x40
        let corrupt = dir.appendingPathComponent("corrupt.safetensors")
        try flipped.write(to: corrupt)
        XCTAssertThrowsError(try Checkpoint.restore(corrupt)) { e in XCTAssertTrue("\(e)".contains("checksum"), "\(e)") }

        // A checkpoint of the other build (Float32 vs Float64) is refused by name, not as corrupt.
        let (tensors, metadata) = try SafeTensors.decode(data)
        var foreign = metadata
        let other = Tensor.dtypeName == "float32" ? "float64" : "float32"
        foreign["dtype"] = other
        let otherBuild = dir.appendingPathComponent("other-build.safetensors")
        try SafeTensors.write(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: foreign, to: otherBuild)
        XCTAssertThrowsError(try Checkpoint.restore(otherBuild)) { e in
            XCTAssertTrue("\(e)".contains("written by the \(other) build"), "\(e)")
        }

        let run = try Checkpoint.restore(url)
        XCTAssertEqual(run.state.step, 6)
        XCTAssertEqual(run.m2.teacherBNMomentum, m2.teacherBNMomentum)
        for ((k, a), (_, b)) in zip(m2.teacher.stateDict(), run.m2.teacher.stateDict()) {
            XCTAssertEqual(a.scalars, b.scalars, k)
        }
    }

    /// A time budget re-sizes the schedules once, from the steps it timed, so that the run
    /// ends with α and the learning rate at their final values. A deadline already passed at
    /// the re-size leaves one more step.
    func testTimeBudgetResizesTheSchedules() throws {
        let m2 = try Momentum2Teacher(config: method(steps: 1000))
        let t = try trainer(m2, out: dir)
        var options = t.options
        var budget = TimeBudget(deadline: Date(), monitorSeconds: 0)
        (budget.measureFrom, budget.resizeAt) = (2, 6)
        options.timeBudget = budget
        let summary = try Trainer(m2: m2, loader: t.loader, monitor: nil, options: options).run()
        XCTAssertEqual(summary.steps, 7)
        XCTAssertEqual(m2.config.totalSteps, 7)
        XCTAssertEqual(m2.teacherBNMomentum, 0)
        XCTAssertEqual(m2.config.learningRate(step: 7), 0, accuracy: 1e-12)
        // The checkpoint carries the re-sized schedules.
        let run = try Checkpoint.restore(dir.appendingPathComponent("last.safetensors"))
        XCTAssertEqual(run.state.step, 7)
        XCTAssertEqual(run.m2.config.totalSteps, 7)
    }

    /// Past the deadline training ends (a normal end, with the final checkpoint), even with
    /// schedule steps left: a budget of minutes is never overrun by a slow machine.
    func testDeadlineEndsTraining() throws {
        let m2 = try Momentum2Teacher(config: method(steps: 1000))
        let t = try trainer(m2, out: dir)
        var options = t.options
        var budget = TimeBudget(deadline: Date().addingTimeInterval(3600), monitorSeconds: 0)
        (budget.measureFrom, budget.resizeAt) = (2, 500)
        options.timeBudget = budget
        options.deadline = Date()
        let summary = try Trainer(m2: m2, loader: t.loader, monitor: nil, options: options).run()
        XCTAssertEqual(summary.steps, 1)
        XCTAssertNil(summary.stoppedEarly)
        XCTAssertEqual(try Checkpoint.restore(dir.appendingPathComponent("last.safetensors")).state.step, 1)
    }

    /// Steps that fit a deadline, net of one monitor run per epoch boundary and a final one.
    func testTimeBudgetArithmetic() {
        let now = Date()
        let b = TimeBudget(deadline: now.addingTimeInterval(100), monitorSeconds: 5)
        // 100 s at 1 s/step from step 10 with 40 steps per epoch: 100 more steps would cross
        // two epoch boundaries (40, 80), so 3 monitor runs: (100 − 15)/1 = 85 more steps.
        XCTAssertEqual(b.totalSteps(step: 10, perStep: 1, batchesPerEpoch: 40, now: now), 95)
        XCTAssertEqual(b.totalSteps(step: 10, perStep: 1, batchesPerEpoch: 40, now: now.addingTimeInterval(200)), 11)
        XCTAssertThrowsError(try Momentum2Teacher(config: method(steps: 10)).resizeSchedules(totalSteps: 0))
        // Later re-sizes at 5%, 10%, 25%, 50%, 75% and 90% of the way, none past the end.
        XCTAssertEqual(b.nextResize(after: 150, total: 20_000)?.step, 1_000)
        XCTAssertEqual(b.nextResize(after: 1_000, total: 20_000, done: 1)?.step, 2_000)
        XCTAssertEqual(b.nextResize(after: 2_000, total: 20_000, done: 2)?.step, 5_000)
        XCTAssertEqual(b.nextResize(after: 15_000, total: 20_000, done: 5)?.step, 18_000)
        XCTAssertNil(b.nextResize(after: 18_000, total: 20_000, done: 6))
        XCTAssertEqual(b.nextResize(after: 150, total: 1_400)?.step, 350, "5% and 10% of 1,400 lie before step 150")
        // Each fraction once: after the 5% re-size at 1,221 grew the run to 26,867 steps, 5% of
        // that (1,343) is past, and the next is 10% (2,686) (run r8 re-sized at 1,221, 1,343
        // and 1,344 before this).
        XCTAssertEqual(b.nextResize(after: 1_221, total: 26_867, done: 1)?.step, 2_686)
        XCTAssertEqual(b.nextResize(after: 1_221, total: 26_867, done: 1)?.done, 2)
        // A fraction that a shrunken total moved behind the current step is skipped.
        XCTAssertEqual(b.nextResize(after: 1_500, total: 20_000)?.step, 2_000)
    }

    func testNonFiniteLossStopsTraining() throws {
        var config = method(steps: 10)
        config.learningRate = 1e30
        config.warmupSteps = 0
        let m2 = try Momentum2Teacher(config: config)
        let t = try trainer(m2, out: dir, checkpointEvery: 1)
        let summary = try t.run()
        XCTAssertNotNil(summary.stoppedEarly)
        XCTAssertTrue(summary.stoppedEarly?.contains("loss became") ?? false, summary.stoppedEarly ?? "")
        // The last good checkpoint is kept and loads.
        XCTAssertNoThrow(try Checkpoint.restore(dir.appendingPathComponent("last.safetensors")))
    }

    /// A stop step ends the call there (the schedules keep their length); a second trainer
    /// on the same model continues, keeping the metrics before its first step.
    func testStopStepAndContinuation() throws {
        let m2 = try Momentum2Teacher(config: method(steps: 10))
        let a = try trainer(m2, out: dir)
        var options = a.options
        options.stopAtStep = 4
        let first = try Trainer(m2: m2, loader: a.loader, monitor: nil, options: options).run()
        XCTAssertEqual(first.steps, 4)
        XCTAssertNil(first.stoppedEarly)
        XCTAssertEqual(m2.config.totalSteps, 10)
        options.stopAtStep = nil
        let b = try Trainer(m2: m2, loader: a.loader, monitor: nil, options: options)
        XCTAssertEqual(b.metrics.records.map(\.step), [0, 1, 2, 3], "the records before the step it starts from")
        XCTAssertEqual(try b.run().steps, 10)
        XCTAssertEqual(MetricsLog.read(dir.appendingPathComponent("metrics.jsonl")).map(\.step), Array(0..<10))
    }

    /// A cancelled token stops the run before its next step, after a checkpoint; the observer
    /// hears every step and the note.
    func testCancellationCheckpointsAndStops() throws {
        let m2 = try Momentum2Teacher(config: method(steps: 20))
        let t = try trainer(m2, out: dir, checkpointEvery: 100)
        var options = t.options
        let token = CancellationToken()
        var events: [TrainingEvent] = []
        options.cancellation = token
        options.observer = { e in
            events.append(e)
            if case .step(let p) = e, p.done == 3 { token.cancel() }
        }
        let summary = try Trainer(m2: m2, loader: t.loader, monitor: nil, options: options).run()
        XCTAssertEqual(summary.steps, 3)
        XCTAssertEqual(summary.stoppedEarly, "interrupted")
        XCTAssertTrue(token.isCancelled, "the trainer polls the token; its owner resets it")
        let steps = events.compactMap { e -> Int? in if case .step(let p) = e { return p.done }; return nil }
        XCTAssertEqual(steps, [1, 2, 3])
        XCTAssertEqual(events.last, .note("interrupted at step 3: checkpoint saved"))
        XCTAssertEqual(try Checkpoint.restore(dir.appendingPathComponent("last.safetensors")).state.step, 3)
    }
}
