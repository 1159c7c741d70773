import Foundation
import M2Data
import Momentum2

/// How long `pretrain(…)` trains.
struct PretrainBudget {
    var epochs: Double?
    var steps: Int?
    var minutes: Double?

    init(_ a: BoundArguments) throws {
        epochs = a.isNil("epochs") ? nil : try a.double("epochs")
        steps = try a.optionalInt("steps")
        minutes = a.isNil("minutes") ? nil : try a.double("minutes")
        guard [epochs != nil, steps != nil, minutes != nil].filter({ $0 }).count <= 1 else {
            throw RuntimeFailure("pretrain: give at most one of epochs:, steps:, minutes:")
        }
        if let e = epochs, !(e > 0 && e < 1e6) { throw RuntimeFailure("pretrain: epochs must be positive") }
        if let s = steps, s <= 0 { throw RuntimeFailure("pretrain: steps must be positive") }
        if let m = minutes, !(m > 0 && m < 1e6) { throw RuntimeFailure("pretrain: minutes must be positive") }
    }
}

/// `pretrain(m2, data:, …)`: the engine's ``Trainer`` when the budget runs to the method's
/// last step; otherwise the same loop bounded by the budget (the Trainer always runs to
/// `totalSteps`), with the engine's progress reporter, metrics log and checkpoints.
struct ScriptPretraining {
    let method: MethodObject
    let data: DatasetObject
    let test: DatasetObject?
    let budget: PretrainBudget
    let output: String?
    let seed: UInt64
    let logEvery: Int
    let verbose: Bool
    let interrupt: InterruptFlag

    var m2: Momentum2Teacher { method.m2 }

    func run() throws -> Value {
        let loader = try DataLoader(dataset: data.dataset, batchSize: m2.config.batch, views: .pair(data.views), seed: seed)
        guard loader.batchesPerEpoch > 0 else {
            throw RuntimeFailure("pretrain: the dataset has \(data.dataset.count) images, fewer than one batch of \(m2.config.batch)")
        }
        let total = m2.config.totalSteps
        let first = m2.step
        var target = total
        if let s = budget.steps { target = min(total, first + s) }
        if let e = budget.epochs { target = min(total, first + max(1, Int(e * Double(loader.batchesPerEpoch)))) }
        let start = Date()
        if target == total && budget.minutes == nil {
            return try runTrainer(loader: loader, first: first, start: start)
        }
        return try runBounded(loader: loader, target: target, first: first, start: start)
    }

    private var outputURL: URL? { output.map { URL(fileURLWithPath: $0) } }

    private func runTrainer(loader: DataLoader, first: Int, start: Date) throws -> Value {
        var monitor: KNNMonitor?
        if let test, data.dataset.classCount > 1 {
            monitor = KNNMonitor(bank: SubsetDataset(data.dataset, count: min(5000, data.dataset.count), seed: seed &+ 1),
                                 queries: SubsetDataset(test.dataset, count: min(1000, test.dataset.count), seed: seed &+ 2), pipeline: data.evaluation)
        }
        var options = TrainerOptions(outputDirectory: outputURL)
        options.logEvery = logEvery
        options.verbose = verbose
        options.monitorKNN = monitor != nil
        let trainer = try Trainer(m2: m2, loader: loader, monitor: monitor, options: options)
        let summary = try trainer.run()
        for r in trainer.metrics.records { method.log.append(r) }
        return result(first: first, start: start, loss: summary.finalLoss, knn: summary.knnTop1, stopped: summary.stoppedEarly)
    }

    private func runBounded(loader: DataLoader, target: Int, first: Int, start: Date) throws -> Value {
        let deadline = budget.minutes.map { start.addingTimeInterval($0 * 60) }
        let progress = ProgressReporter(total: target, logEvery: logEvery)
        progress.enabled = verbose
        let file = try MetricsLog(url: outputURL?.appendingPathComponent("metrics.jsonl"))
        var lastLoss: TensorScalar?
        var stopped: String?
        Interrupt.clear()
        while m2.step < target {
            if Interrupt.isRequested || interrupt.isRaised {
                stopped = "interrupted"
                progress.note("interrupted at step \(m2.step)")
                break
            }
            if let deadline, Date() >= deadline { stopped = "time budget reached"; break }
            guard let (x1, x2, _) = try loader.nextPair() else { continue }
            let r: StepResult
            do { r = try m2.step(x1, x2) } catch let e as TrainingError {
                stopped = "\(e)"
                progress.note("\(e)")
                break
            }
            lastLoss = r.loss
            let elapsed = Date().timeIntervalSince(start)
            progress.update(r, epoch: loader.state.epoch, imagesPerSecond: Double((m2.step - first) * m2.config.batch) / max(elapsed, 1e-9), elapsed: elapsed)
            if m2.step % logEvery == 0 || m2.step == target || m2.step == first + 1 {
                var rec = MetricRecord(kind: "step", step: r.step, epoch: loader.state.epoch, elapsed: elapsed)
                (rec.loss, rec.learningRate, rec.teacherMomentum, rec.bnMomentum, rec.outputStd) = (r.loss, r.learningRate, r.teacherMomentum, r.bnMomentum, r.outputStd)
                method.log.append(rec)
                file.append(rec)
            }
        }
        if let url = outputURL?.appendingPathComponent("last.safetensors") {
            let state = TrainerState(step: m2.step, method: m2.config, loader: loader.state, teacherBN: Checkpoint.teacherBNStates(m2),
                                     lastLoss: lastLoss, bestLoss: nil, elapsed: Date().timeIntervalSince(start))
            try Checkpoint.save(m2, state: state, to: url)
        }
        return result(first: first, start: start, loss: lastLoss, knn: nil, stopped: stopped)
    }

    private func result(first: Int, start: Date, loss: TensorScalar?, knn: Double?, stopped: String?) -> Value {
        Convert.record([("steps", .int(m2.step - first)), ("step", .int(m2.step)), ("seconds", .double(Date().timeIntervalSince(start))),
                        ("loss", loss.map(Convert.number) ?? .nil), ("knn", knn.map(Value.double) ?? .nil), ("stopped", stopped.map(Value.string) ?? .nil)])
    }
}
