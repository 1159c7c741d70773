import Foundation

/// A complete experiment as `m2t pretrain` runs it: data, method, budget, evaluation.
public struct ExperimentConfig: Codable, Sendable {
    /// How long to pre-train.
    public enum Budget: Codable, Sendable, Equatable {
        case steps(Int)
        case epochs(Double)
        /// Wall-clock minutes of pre-training; the schedules are sized up front from a
        /// measured step time, then re-sized from the run's own steps at step 150 and at 5%
        /// and 10% of the way (``TimeBudget``), so that they still end at their final values.
        case minutes(Double)
    }

    public var data: DataSource
    /// The method; its `totalSteps` is replaced by the budget's.
    public var method: MethodConfig
    public var budget: Budget
    public var output: String?
    public var seed: UInt64 = 0
    public var monitorKNN = true
    public var knnBank = 5000
    public var knnQueries = 1000
    /// Epochs of the linear probe.
    public var probeEpochs = 30
    /// Also evaluate the random-init network and raw pixels.
    public var baselines = true
    /// Limits for quick runs (nil: everything).
    public var trainLimit: Int?
    public var testLimit: Int?
    /// Side of the training views when it differs from the images' (nil: the same).
    public var viewSize: Int?
    /// Smallest random-resized crop, as a fraction of the image area (nil: the preset's).
    public var cropMin: Double?
    /// Before probing, re-estimate the BN statistics of each evaluated network on this many
    /// training images at the evaluation size (``PreciseBN``); nil or 0: keep them.
    public var preciseBN: Int?
    public var logEvery = 20
    public var checkpointEvery = 200

    public init(data: DataSource, method: MethodConfig, budget: Budget) {
        (self.data, self.method, self.budget) = (data, method, budget)
    }

    /// The default demo: Fashion-MNIST, ResNet-18 width 16, small stem, batch 64, m₀ 0.99,
    /// momentum BN, a short time budget.
    public static func demo(minutes: Double = 3) -> ExperimentConfig {
        var m = MethodConfig(backbone: .init(depth: 18, width: 16, inChannels: 1, stem: .small), hidden: 512, out: 128, batch: 64, totalSteps: 1)
        m.baseLearningRate = 0.4
        m.warmupSteps = 50
        m.baseMomentum = 0.99
        return ExperimentConfig(data: .fashionMNIST(directory: nil), method: m, budget: .minutes(minutes))
    }
}

/// One row of the results table.
public struct ResultRow: Codable, Sendable {
    public var name: String
    public var top1: Double
    public var top5: Double
    public var knnTop1: Double?
}

/// What an experiment produced.
public struct ExperimentResult: Codable, Sendable {
    public var training: TrainingSummary?
    public var rows: [ResultRow]
    public var config: ExperimentConfig

    public init(training: TrainingSummary?, rows: [ResultRow], config: ExperimentConfig) {
        (self.training, self.rows, self.config) = (training, rows, config)
    }

    /// The table as aligned text.
    public var table: String {
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? fill + s : s + fill
        }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "-" }
        let w = max(28, rows.map(\.name.count).max() ?? 0)
        var out = pad("representation", w) + pad("top-1", 9, left: true) + pad("top-5", 9, left: true) + pad("kNN", 9, left: true) + "\n"
        out += String(repeating: "-", count: w + 27) + "\n"
        for r in rows {
            out += pad(r.name, w) + pad(pct(r.top1), 9, left: true) + pad(pct(r.top5), 9, left: true) + pad(pct(r.knnTop1), 9, left: true) + "\n"
        }
        return out
    }
}

/// Runs experiments: pre-training, evaluation, baselines.
public enum Experiment {
    /// Seconds per step of `config`, measured on a throw-away model with real batches
    /// (the loader is rewound afterwards).
    static func measureStepTime(_ config: MethodConfig, loader: DataLoader) throws -> Double {
        var probe = config
        probe.totalSteps = 1000
        let m2 = try Momentum2Teacher(config: probe)
        let start = loader.state
        defer { try? loader.restore(start) }
        // Three warm-up steps (buffer pool, page faults, the loader's first batches), then the
        // median of ten: four timed steps overestimated a 29-minute run's step by 15%.
        var all: [Double] = []
        for _ in 0..<13 {
            guard let (x1, x2, _) = try loader.nextPair() else { break }
            let t0 = Date()
            _ = try m2.step(x1, x2)
            all.append(Date().timeIntervalSince(t0))
        }
        // A dataset of fewer than 13 batches: whatever was timed.
        let times = all.count > 3 ? Array(all.dropFirst(3)) : all
        guard !times.isEmpty else { throw TensorError.invalidArgument(op: "pretrain", reason: "the dataset is smaller than one batch") }
        return times.sorted()[times.count / 2]
    }

    /// Pre-trains (or resumes from `resume`) and returns the method and the run summary.
    public static func pretrain(_ config: ExperimentConfig, data: DataSource.Loaded, resume: URL? = nil,
                                verbose: Bool = true) throws -> (Momentum2Teacher, TrainingSummary) {
        let out = config.output.map { URL(fileURLWithPath: $0) }
        let loader = try DataLoader(dataset: data.train, batchSize: config.method.batch, views: .pair(data.views), seed: config.seed)
        var monitor: KNNMonitor?
        if config.monitorKNN, let test = data.test, data.train.classCount > 1 {
            monitor = KNNMonitor(bank: SubsetDataset(data.train, count: config.knnBank, seed: config.seed &+ 1),
                                 queries: SubsetDataset(test, count: config.knnQueries, seed: config.seed &+ 2), pipeline: data.evaluation)
        }
        var options = TrainerOptions(outputDirectory: out)
        options.verbose = verbose
        options.logEvery = config.logEvery
        options.checkpointEvery = config.checkpointEvery
        options.monitorKNN = monitor != nil

        let began = Date()
        let m2: Momentum2Teacher
        var resumed: TrainerState?
        if let resume {
            let (restored, state) = try Checkpoint.restore(resume)
            (m2, resumed) = (restored, state)
        } else {
            var method = config.method
            switch config.budget {
            case .steps(let n): method.totalSteps = n
            case .epochs(let e): method.totalSteps = max(1, Int(e * Double(loader.batchesPerEpoch)))
            case .minutes(let minutes):
                let perStep = try measureStepTime(method, loader: loader)
                // The kNN monitor embeds bank + queries once per epoch: forward only, about
                // 1/8 of a step's work per image of a view pair.
                let perImage = perStep / Double(8 * method.batch) * 1.5
                let monitorCost = monitor.map { Double($0.bankCount + $0.queryCount) * perImage } ?? 0
                let budget = minutes * 60 * 0.95
                var steps = Int(budget / perStep)
                let epochs = Double(steps) / Double(max(loader.batchesPerEpoch, 1))
                steps = Int((budget - monitorCost * (epochs.rounded(.up) + 1)) / perStep)
                method.totalSteps = max(1, steps)
                // The trainer re-sizes the schedules after timing steps of the run itself.
                options.timeBudget = TimeBudget(deadline: began.addingTimeInterval(minutes * 60 * 0.96),
                                                hardDeadline: began.addingTimeInterval(minutes * 60), monitorSeconds: monitorCost)
                if verbose {
                    FileHandle.standardError.write(Data(String(format: "time budget %.1f min: %.3f s/step measured → %d steps (%.2f epochs)\n",
                                                               minutes, perStep, method.totalSteps, Double(method.totalSteps) / Double(max(loader.batchesPerEpoch, 1))).utf8))
                }
            }
            m2 = try Momentum2Teacher(config: method)
        }
        let trainer = try Trainer(m2: m2, loader: loader, monitor: monitor, options: options, resumedState: resumed)
        if let data = try? JSONEncoder().encode(config), let s = String(data: data, encoding: .utf8) { trainer.runInfo["experiment"] = s }
        let summary = try trainer.run()
        return (m2, summary)
    }

    /// Linear probe (and kNN) of a backbone, plus the baselines, as a table.
    public static func evaluate(_ backbone: ResNet, config: ExperimentConfig, data: DataSource.Loaded, label: String = "Momentum² teacher backbone",
                                verbose: Bool = true) throws -> [ResultRow] {
        guard let test = data.test, data.train.classCount > 1 else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "evaluation needs a labelled train and test split")
        }
        func say(_ s: String) { if verbose { FileHandle.standardError.write(Data((s + "\n").utf8)) } }
        let probe = LinearProbe(epochs: config.probeEpochs, seed: config.seed)
        let classes = data.train.classCount
        func row(_ name: String, _ model: Module) throws -> ResultRow {
            let t0 = Date()
            if let n = config.preciseBN, n > 0 {
                let batches = try PreciseBN.recompute(model, dataset: data.train, pipeline: data.evaluation, images: n)
                if batches > 0 { say(String(format: "%@: BN statistics re-estimated on %d training images (%.1f s)", name, min(n, data.train.count), Date().timeIntervalSince(t0))) }
            }
            let (ftr, ltr) = try Features.extract(model, dataset: data.train, pipeline: data.evaluation)
            let (fte, lte) = try Features.extract(model, dataset: test, pipeline: data.evaluation)
            let r = try probe.evaluate(train: ftr, trainLabels: ltr, test: fte, testLabels: lte, classes: classes)
            let knn = try KNNClassifier().accuracy(bank: ftr, bankLabels: ltr, queries: fte, queryLabels: lte, classes: classes)
            say(String(format: "%@: linear top-1 %.2f%%, kNN %.2f%% (%.0f s)", name, r.top1 * 100, knn * 100, Date().timeIntervalSince(t0)))
            return ResultRow(name: name, top1: r.top1, top5: r.top5, knnTop1: knn)
        }
        var rows = [try row(label, backbone)]
        if config.baselines {
            var random = backbone.config
            random.seed = config.seed &+ 12345
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
