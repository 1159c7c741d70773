import Foundation

/// Which linear probe reads a representation.
public enum ProbeKind: String, Codable, Sendable, CaseIterable {
    /// Multinomial logistic regression solved to its optimum by L-BFGS, its L2 strength chosen
    /// on held-out training data (``LogisticProbe``, the default).
    case lbfgs
    /// A linear classifier trained by 30 epochs of SGD (``SGDProbe``, the earlier probe).
    case sgd
}

/// Accuracy of a linear probe on a test split, and how the probe got there.
public struct ProbeResult: Codable, Sendable, Equatable {
    /// The probe that produced it.
    public var probe: ProbeKind
    /// Top-1 accuracy on the test features, in [0, 1].
    public var top1: Double
    /// Top-5 accuracy on the test features, in [0, 1].
    public var top5: Double
    /// Accuracy on the training features (to see over- or under-fitting).
    public var trainTop1: Double
    /// The L2 strength λ of the classifier: chosen on held-out data (L-BFGS), or SGD's weight decay.
    public var l2: Double
    /// How λ was chosen: the held-out top-1 of every λ tried, in the order tried (nil: λ was
    /// given, or SGD).
    public var heldOut: [HeldOutPoint]?
    /// Epochs of SGD (nil for L-BFGS).
    public var epochs: Int?
    /// L-BFGS iterations over every fit, the λ grid's and the final one (nil for SGD).
    public var iterations: Int?
    /// Wall-clock seconds of the whole probe (standardizing, training, scoring).
    public var seconds: Double
}

/// One λ of a held-out search and the top-1 it reached on the held-out data.
public struct HeldOutPoint: Codable, Sendable, Equatable {
    /// The L2 strength fitted.
    public var l2: Double
    /// Its top-1 on the held-out part of the training split, in [0, 1].
    public var top1: Double

    /// A point of the search.
    public init(l2: Double, top1: Double) { (self.l2, self.top1) = (l2, top1) }
}

/// A linear classifier trained on frozen features and scored on a test split (SPEC §2).
///
/// Both probes standardize the features with the training split's per-dimension mean and
/// standard deviation first (a BN without affine parameters in front of the classifier, as
/// MoCo v3 does).
public protocol LinearProbe: Sendable {
    /// Trains on `train` features `[n, D]` and reports top-1/top-5 on `test` `[m, D]`.
    /// - Parameter cancellation: polled during training; a request throws ``Interrupted``.
    func evaluate(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int], classes: Int, cancellation: CancellationToken?) throws -> ProbeResult
}

extension LinearProbe {
    /// ``evaluate(train:trainLabels:test:testLabels:classes:cancellation:)`` without cancellation.
    public func evaluate(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int], classes: Int) throws -> ProbeResult {
        try evaluate(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, classes: classes, cancellation: nil)
    }
}

/// What both probes share: checking their inputs, standardizing, scoring.
enum ProbeSupport {
    /// Throws unless `train` and `test` are `[n, D]` and `[m, D]` with as many labels, n ≥ 1,
    /// and every label in `0..<classes` (classes ≥ 2).
    static func validate(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int], classes: Int) throws {
        guard train.rank == 2, test.rank == 2, train.shape[1] == test.shape[1] else {
            throw TensorError.shapeMismatch(op: "linear_eval features", lhs: train.shape, rhs: test.shape)
        }
        guard train.shape[0] == trainLabels.count, test.shape[0] == testLabels.count, train.shape[0] > 0 else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "features and labels disagree in count")
        }
        guard classes > 1, (trainLabels + testLabels).allSatisfy({ $0 >= 0 && $0 < classes }) else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "labels must lie in 0..<\(classes)")
        }
    }

    /// `(x − mean) / √(var + 10⁻⁶)` for both splits, with the training split's statistics
    /// (``ColumnStandardizer``); the training rows in the order `rows` (nil: as they are).
    static func standardize(train: Tensor, test: Tensor, rows: [Int]? = nil) throws -> (Tensor, Tensor) {
        let s = try ColumnStandardizer(fitting: train)
        return (try s.apply(train, rows: rows), try s.apply(test))
    }

    /// Top-1 and top-5 accuracy of logits `[m, C]` (a tie with the true class counts as a hit).
    static func accuracy(logits: Tensor, labels: [Int]) -> (top1: Double, top5: Double) {
        let values = logits.scalars
        let k = values.count / max(labels.count, 1)
        var top1 = 0, top5 = 0
        for (i, y) in labels.enumerated() {
            let row = values[(i * k)..<((i + 1) * k)]
            let target = row[row.startIndex + y]
            let better = row.filter { $0 > target }.count
            if better == 0 { top1 += 1 }
            if better < 5 { top5 += 1 }
        }
        let n = Double(max(labels.count, 1))
        return (Double(top1) / n, Double(top5) / n)
    }
}
