import Foundation

/// A complete experiment as `m2t pretrain` runs it: data, method, budget, evaluation.
///
/// Checkpoints record it (``TrainerState/experiment``) so that `--resume` continues the same
/// experiment and `m2t eval` evaluates with its data; `results.json` repeats it. Its JSON is
/// plain: `"budget": {"minutes": 3}`, `"data": {"kind": "fashion-mnist"}`.
public struct ExperimentConfig: Codable, Sendable {
    /// How long to pre-train: `{"steps": 300}`, `{"epochs": 1.5}` or `{"minutes": 3}` in JSON.
    public enum Budget: Sendable, Equatable {
        /// A fixed number of optimizer steps.
        case steps(Int)
        /// Passes over the training set, rounded down to whole steps (at least one).
        case epochs(Double)
        /// Wall-clock minutes of pre-training; the schedules are sized to fit (``TimeBudget``),
        /// so that they still end at their final values.
        case minutes(Double)
    }

    /// Training images in the kNN monitor's bank, unless an experiment says otherwise.
    public static let standardKNNBank = 5000
    /// Test images the kNN monitor classifies, unless an experiment says otherwise.
    public static let standardKNNQueries = 1000
    /// The key of ``TrainerState/run`` under which a checkpoint records its experiment.
    public static let runInfoKey = "experiment"
    /// Added to the seed for the random-init baseline's weights, so that the baseline is not
    /// the pre-trained network's own initialization.
    public static let randomInitSeedOffset: UInt64 = 12345

    /// Where the images come from.
    public var data: DataSource
    /// The method; its `totalSteps` is replaced by the budget's.
    public var method: MethodConfig
    /// How long to pre-train.
    public var budget: Budget
    /// The folder of checkpoints, metrics and results (nil: nothing is written).
    public var output: String?
    /// Seed of the loader's shuffles, the kNN monitor's subsets and the linear probe (default 0);
    /// the method has its own seeds.
    public var seed: UInt64 = 0
    /// Whether the kNN monitor runs at every epoch end.
    public var monitorKNN = true
    /// Training images in the kNN monitor's bank (default ``standardKNNBank``).
    public var knnBank = ExperimentConfig.standardKNNBank
    /// Test images the kNN monitor classifies (default ``standardKNNQueries``).
    public var knnQueries = ExperimentConfig.standardKNNQueries
    /// The linear probe (nil: ``ProbeKind/lbfgs``; older records have none).
    public var probe: ProbeKind?
    /// Epochs of the SGD probe.
    public var probeEpochs = 30
    /// Also evaluate the random-init network and raw pixels.
    public var baselines = true
    /// Training images to use, for quick runs: a seeded subset of the split (nil: all).
    public var trainLimit: Int?
    /// Test images to use, a seeded subset of the split (nil: all).
    public var testLimit: Int?
    /// Side of the training views when it differs from the images' (nil: the same).
    public var viewSize: Int?
    /// Smallest random-resized crop, as a fraction of the image area (nil: the preset's).
    public var cropMin: Double?
    /// The Gaussian blur's probabilities in view 1 and view 2 (nil: the paper's 1 and 0.1).
    public var blur: [Double]?
    /// The solarization's probabilities in view 1 and view 2 (nil: the paper's 0 and 0.2).
    public var solarize: [Double]?
    /// Before probing, re-estimate the BN statistics of each evaluated network on this many
    /// training images at the evaluation size (``PreciseBN``); nil or 0: keep them.
    public var preciseBN: Int?
    /// Steps between metric records.
    public var logEvery = 20
    /// Steps between checkpoints.
    public var checkpointEvery = 200

    /// An experiment with the default evaluation and logging settings.
    public init(data: DataSource, method: MethodConfig, budget: Budget) {
        (self.data, self.method, self.budget) = (data, method, budget)
    }

    /// The linear probe the evaluation runs.
    public var probeKind: ProbeKind { probe ?? .lbfgs }

    /// The seed of the random-init baseline's weights.
    public var randomInitSeed: UInt64 { seed &+ ExperimentConfig.randomInitSeedOffset }

    /// The experiment as one line of JSON (keys sorted), as checkpoints record it.
    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}

extension TrainerState {
    /// The experiment that `m2t pretrain` recorded in the checkpoint (nil for runs of the
    /// language's `pretrain`, which record none, or a record this build cannot read).
    public var experiment: ExperimentConfig? {
        guard let json = run[ExperimentConfig.runInfoKey] else { return nil }
        return try? JSONDecoder().decode(ExperimentConfig.self, from: Data(json.utf8))
    }
}

extension ExperimentConfig.Budget: Codable {
    private enum Key: String, CodingKey { case steps, epochs, minutes }

    /// Writes `{"steps": n}`, `{"epochs": e}` or `{"minutes": m}`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .steps(let n): try c.encode(n, forKey: .steps)
        case .epochs(let e): try c.encode(e, forKey: .epochs)
        case .minutes(let m): try c.encode(m, forKey: .minutes)
        }
    }

    /// Reads `{"minutes": 3}`, and the `{"minutes": {"_0": 3}}` that checkpoints written
    /// before this form carry.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func value<T: Decodable>(_ key: Key, _: T.Type) throws -> T? {
            guard c.contains(key) else { return nil }
            if let v = try? c.decode(T.self, forKey: key) { return v }
            return try c.nestedContainer(keyedBy: LegacyKey.self, forKey: key).decode(T.self, forKey: ._0)
        }
        if let n = try value(.steps, Int.self) { self = .steps(n) }
        else if let e = try value(.epochs, Double.self) { self = .epochs(e) }
        else if let m = try value(.minutes, Double.self) { self = .minutes(m) }
        else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a budget needs steps, epochs or minutes")) }
    }
}

/// The key of Swift's synthesized encoding of an enum case's unlabelled payload.
enum LegacyKey: String, CodingKey { case _0 }
