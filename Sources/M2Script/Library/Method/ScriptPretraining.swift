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

/// `pretrain(m2, data:, …)`: the engine's ``Trainer`` — the loop `m2t pretrain` drives —
/// on the script's method object, stopped by the budget (`steps:` or `epochs:` more, never
/// past the method's total steps; `minutes:` of wall-clock time), with its metrics,
/// checkpoints in `output`, the kNN monitor when `test` is given, and the interpreter's
/// interrupt as its cancellation (Ctrl-C checkpoints, then stops the script).
struct ScriptPretraining {
    let method: MethodObject
    let data: DatasetObject
    let test: DatasetObject?
    let budget: PretrainBudget
    let output: String?
    let seed: UInt64
    let logEvery: Int
    let interpreter: Interpreter
    let verbose: Bool

    var m2: Momentum2Teacher { method.m2 }

    func run() throws -> Value {
        let group = m2.dataParallel?.group
        let leader = (group?.rank ?? 0) == 0
        let loader = try DataLoader(dataset: data.dataset, batchSize: m2.config.batch, views: .pair(data.views), seed: seed,
                                    shard: group.map { ($0.rank, $0.size) })
        guard loader.batchesPerEpoch > 0 else {
            throw RuntimeFailure("pretrain: the dataset has \(data.dataset.count) images, fewer than one batch of \(m2.config.batch)")
        }
        let first = m2.step
        // Under mpirun rank 0 writes, monitors and keeps the clock (docs/distributed.md).
        var options = TrainerOptions(outputDirectory: leader ? output.map { URL(fileURLWithPath: $0) } : nil)
        options.logEvery = logEvery
        if let s = budget.steps { options.stopAtStep = first + s }
        if let e = budget.epochs { options.stopAtStep = first + max(1, Int(e * Double(loader.batchesPerEpoch))) }
        let start = Date()
        options.deadline = leader ? budget.minutes.map { start.addingTimeInterval($0 * 60) } : nil
        options.cancellation = interpreter.interrupt
        if verbose, leader, let progress = interpreter.progress { options.observer = { progress(ProgressReport($0)) } }
        let monitor = leader ? Experiment.monitor(train: data.dataset, test: test?.dataset, pipeline: data.evaluation, seed: seed) : nil
        options.monitorKNN = monitor != nil
        let trainer = try Trainer(m2: m2, loader: loader, monitor: monitor, options: options)
        let earlier = trainer.metrics.records.count
        let summary = try trainer.run()
        for r in trainer.metrics.records.dropFirst(earlier) { method.log.append(r) }
        return Convert.record([("steps", .int(m2.step - first)), ("step", .int(m2.step)), ("seconds", .double(Date().timeIntervalSince(start))),
                               ("loss", summary.finalLoss.map(Convert.number) ?? .nil), ("knn", summary.knnTop1.map(Value.double) ?? .nil),
                               ("stopped", summary.stoppedEarly.map(Value.string) ?? .nil)])
    }
}
