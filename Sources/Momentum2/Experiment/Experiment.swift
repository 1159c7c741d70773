import Foundation

/// Runs experiments: pre-training, evaluation, baselines.
public enum Experiment {
    /// The kNN monitor of a run: `bank` training images and `queries` test images, drawn with
    /// seeds derived from `seed`; nil without a labelled test split.
    public static func monitor(train: any ImageDataset, test: (any ImageDataset)?, pipeline: ViewPipeline,
                               bank: Int = ExperimentConfig.standardKNNBank, queries: Int = ExperimentConfig.standardKNNQueries,
                               seed: UInt64) -> KNNMonitor? {
        guard let test, train.classCount > 1 else { return nil }
        return KNNMonitor(bank: SubsetDataset(train, count: bank, seed: seed &+ 1),
                          queries: SubsetDataset(test, count: queries, seed: seed &+ 2), pipeline: pipeline)
    }

    /// Pre-trains `config` from scratch, or continues `resuming` (read once by
    /// ``Checkpoint/restore(_:)``), and returns the method and the run summary.
    /// - Parameters:
    ///   - observer: hears every step and note (nil: silent).
    ///   - cancellation: a request checkpoints and stops the run (``TrainingSummary/stoppedEarly``),
    ///     also during a kNN monitor run.
    ///   - group: the ranks of a data-parallel run (``DataParallel``): each trains on its part
    ///     of every global batch; rank 0 alone monitors, writes and keeps the clock. Every
    ///     rank must pass the same `config` and `resuming`.
    public static func pretrain(_ config: ExperimentConfig, data: DataSource.Loaded, resuming: RestoredRun? = nil,
                                observer: TrainingObserver? = nil, cancellation: CancellationToken? = nil,
                                group: ProcessGroup? = nil) throws -> (Momentum2Teacher, TrainingSummary) {
        let group = group.flatMap { $0.size > 1 ? $0 : nil }
        let leader = (group?.rank ?? 0) == 0
        if let group, config.method.batch % group.size != 0 {
            throw TrainingError.invalidDistributedSetup(reason: "a batch of \(config.method.batch) does not split evenly over \(group.size) ranks: give --batch a multiple of \(group.size)")
        }
        let loader = try DataLoader(dataset: data.train, batchSize: config.method.batch, views: .pair(data.views), seed: config.seed,
                                    shard: group.map { ($0.rank, $0.size) })
        let monitor = config.monitorKNN && leader
            ? Experiment.monitor(train: data.train, test: data.test, pipeline: data.evaluation, bank: config.knnBank, queries: config.knnQueries, seed: config.seed)
            : nil
        var options = TrainerOptions(outputDirectory: leader ? config.output.map { URL(fileURLWithPath: $0) } : nil)
        (options.logEvery, options.checkpointEvery, options.monitorKNN) = (config.logEvery, config.checkpointEvery, monitor != nil)
        (options.observer, options.cancellation) = (leader ? observer : nil, cancellation)

        let began = Date()
        let m2: Momentum2Teacher
        if let resuming {
            m2 = resuming.m2
        } else {
            var method = config.method
            switch config.budget {
            case .steps(let n): method.totalSteps = n
            case .epochs(let e): method.totalSteps = max(1, Int(e * Double(loader.batchesPerEpoch)))
            case .minutes(let minutes):
                // Rank 0 plans and keeps the clock; the others take its number of steps.
                if leader {
                    let monitorImages = monitor.map { $0.bankCount + $0.queryCount } ?? 0
                    let plan = try TimeBudget.plan(minutes: minutes, method: method, loader: loader, monitorImages: monitorImages, began: began)
                    method.totalSteps = plan.totalSteps
                    options.timeBudget = plan.budget
                    options.deadline = began.addingTimeInterval(minutes * 60)
                    observer?(.note(String(format: "time budget %.1f min: %.3f s/step measured → %d steps (%.2f epochs)", minutes, plan.secondsPerStep,
                                           method.totalSteps, Double(method.totalSteps) / Double(max(loader.batchesPerEpoch, 1)))))
                }
                if let group {
                    let steps = try group.shareFromRoot { Array(String(method.totalSteps).utf8) }
                    method.totalSteps = Int(String(decoding: steps, as: UTF8.self)) ?? method.totalSteps
                }
            }
            m2 = try Momentum2Teacher(config: method)
        }
        if let group {
            try m2.distribute(over: group)
            // Every rank built or restored the same model; check before the first step.
            try m2.dataParallel?.verifyIdentical(m2)
        }
        let trainer = try Trainer(m2: m2, loader: loader, monitor: monitor, options: options, resumedState: resuming?.state)
        trainer.runInfo[ExperimentConfig.runInfoKey] = try config.json()
        let summary = try trainer.run()
        return (m2, summary)
    }

    /// Linear probe (and kNN) of a backbone, plus the baselines, as a table.
    /// - Parameters:
    ///   - observer: hears a note per evaluated network (nil: silent).
    ///   - cancellation: polled between feature batches; a request throws ``Interrupted``.
    public static func evaluate(_ backbone: ResNet, config: ExperimentConfig, data: DataSource.Loaded, label: String = "Momentum² teacher backbone",
                                observer: TrainingObserver? = nil, cancellation: CancellationToken? = nil) throws -> [ResultRow] {
        guard let test = data.test, data.train.classCount > 1 else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "evaluation needs a labelled train and test split")
        }
        func say(_ s: String) { observer?(.note(s)) }
        let probe: any LinearProbe = config.probeKind == .sgd ? SGDProbe(epochs: config.probeEpochs, seed: config.seed) : LogisticProbe(seed: config.seed)
        let classes = data.train.classCount
        func row(_ name: String, _ model: Module) throws -> ResultRow {
            let t0 = Date()
            if let n = config.preciseBN, n > 0 {
                let batches = try PreciseBN.recompute(model, dataset: data.train, pipeline: data.evaluation, images: n, cancellation: cancellation)
                if batches > 0 { say(String(format: "%@: BN statistics re-estimated on %d training images (%.1f s)", name, min(n, data.train.count), Date().timeIntervalSince(t0))) }
            }
            let t1 = Date()
            let (ftr, ltr) = try Features.extract(model, dataset: data.train, pipeline: data.evaluation, cancellation: cancellation)
            let (fte, lte) = try Features.extract(model, dataset: test, pipeline: data.evaluation, cancellation: cancellation)
            let t2 = Date()
            let r = try probe.evaluate(train: ftr, trainLabels: ltr, test: fte, testLabels: lte, classes: classes, cancellation: cancellation)
            let t3 = Date()
            let knn = try KNNClassifier().accuracy(bank: ftr, bankLabels: ltr, queries: fte, queryLabels: lte, classes: classes)
            let t4 = Date()
            let how = r.probe == .lbfgs ? String(format: "L-BFGS, λ = %g", r.l2) : "SGD, \(r.epochs ?? 0) epochs"
            say(String(format: "%@: linear top-1 %.2f%% (%@), kNN %.2f%% (%.1f s: features %.1f, probe %.1f, kNN %.1f)", name, r.top1 * 100, how, knn * 100,
                       t4.timeIntervalSince(t0), t2.timeIntervalSince(t1), t3.timeIntervalSince(t2), t4.timeIntervalSince(t3)))
            return ResultRow(name: name, top1: r.top1, top5: r.top5, knnTop1: knn, probe: r.probe, l2: r.l2)
        }
        var rows = [try row(label, backbone)]
        if config.baselines {
            var random = backbone.config
            random.seed = config.randomInitSeed
            rows.append(try row("same network, random init", ResNet(random)))
            rows.append(try row("raw pixels", Flatten()))
        }
        return rows
    }

    /// Writes `results.json` into the output folder, if there is one.
    public static func save(_ result: ExperimentResult) throws {
        guard let out = result.config.output else { return }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try e.encode(result), to: URL(fileURLWithPath: out).appendingPathComponent("results.json"))
    }
}
