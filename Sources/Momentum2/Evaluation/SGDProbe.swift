import Foundation

/// Accuracy of a classifier on a test split.
public struct ProbeResult: Codable, Sendable, Equatable {
    /// Top-1 accuracy on the test features, in [0, 1].
    public var top1: Double
    /// Top-5 accuracy on the test features, in [0, 1].
    public var top5: Double
    /// Accuracy on the training features (to see over- or under-fitting).
    public var trainTop1: Double
    /// Epochs the classifier was trained for.
    public var epochs: Int
    /// Wall-clock seconds of the whole probe (standardizing, training, scoring).
    public var seconds: Double
}

/// The linear probe of SPEC §2: a linear classifier trained with SGD on frozen features.
///
/// Features are standardized with the training split's per-dimension mean and std (a BN
/// without affine parameters in front of the classifier, as MoCo v3 does), then a
/// `Linear(D, classes)` is trained with SGD, momentum 0.9, lr `0.2·batch/256` decayed by a
/// cosine over the epochs, mini-batches shuffled with a seed.
public struct LinearProbe: Sendable {
    /// Passes over the training features (default 30).
    public var epochs = 30
    /// Mini-batch size (default 256); each epoch skips an incomplete last batch.
    public var batch = 256
    /// Learning rate per 256 samples.
    public var baseLearningRate = 0.2
    /// Weight decay of the SGD (default 0).
    public var weightDecay = 0.0
    /// Seed of the classifier's initialization and of the shuffles.
    public var seed: UInt64 = 0

    /// A probe; by default 30 epochs of batches of 256 at lr 0.2·batch/256, without weight decay.
    public init(epochs: Int = 30, batch: Int = 256, baseLearningRate: Double = 0.2, weightDecay: Double = 0, seed: UInt64 = 0) {
        (self.epochs, self.batch, self.baseLearningRate, self.weightDecay, self.seed) = (epochs, batch, baseLearningRate, weightDecay, seed)
    }

    /// Trains on `train` features and reports top-1/top-5 on `test`.
    public func evaluate(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int], classes: Int) throws -> ProbeResult {
        let start = Date()
        guard train.rank == 2, test.rank == 2, train.shape[1] == test.shape[1] else {
            throw TensorError.shapeMismatch(op: "linear_eval features", lhs: train.shape, rhs: test.shape)
        }
        guard train.shape[0] == trainLabels.count, test.shape[0] == testLabels.count, train.shape[0] > 0 else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "features and labels disagree in count")
        }
        guard classes > 1, (trainLabels + testLabels).allSatisfy({ $0 >= 0 && $0 < classes }) else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "labels must lie in 0..<\(classes)")
        }
        let (xs, xt) = try withNoGrad { () throws -> (Tensor, Tensor) in
            let mean = try train.mean(axes: [0], keepdims: true)
            let std = try (train.variance(axes: [0], unbiased: false, keepdims: true) + 1e-6).sqrt()
            return (try ((train - mean) / std).contiguous(), try ((test - mean) / std).contiguous())
        }
        let n = xs.shape[0], d = xs.shape[1]
        let head = try Linear(d, classes, generator: RandomGenerator(seed: seed))
        let lr = baseLearningRate * Double(batch) / 256
        let sgd = try SGD(head, learningRate: TensorScalar(lr), momentum: 0.9, weightDecay: TensorScalar(weightDecay))
        let steps = max(1, epochs * (n / max(1, min(batch, n))))
        var k = 0
        let gen = RandomGenerator(seed: seed &+ 1)
        for _ in 0..<epochs {
            let order = gen.permutation(n)
            var i = 0
            while i + batch <= n || (i == 0 && n < batch) {
                let idx = Array(order[i..<min(i + batch, n)])
                let xb = try xs.indexSelect(axis: 0, indices: idx)
                sgd.learningRate = TensorScalar(Schedule.cosine(step: k, total: steps, base: lr))
                sgd.zeroGrad()
                let loss = try crossEntropy(head(xb), targets: idx.map { trainLabels[$0] })
                try loss.backward()
                try sgd.step()
                k += 1
                i += batch
            }
        }
        let (t1, t5) = try LinearProbe.accuracy(head, xt, testLabels)
        let (tr1, _) = try LinearProbe.accuracy(head, xs, trainLabels)
        return ProbeResult(top1: t1, top5: t5, trainTop1: tr1, epochs: epochs, seconds: Date().timeIntervalSince(start))
    }

    /// Top-1 and top-5 accuracy of a classifier on features.
    static func accuracy(_ head: Module, _ x: Tensor, _ labels: [Int]) throws -> (Double, Double) {
        let logits = try withNoGrad { try head(x) }.scalars
        let k = logits.count / max(labels.count, 1)
        var top1 = 0, top5 = 0
        for (i, y) in labels.enumerated() {
            let row = logits[(i * k)..<((i + 1) * k)]
            let target = row[row.startIndex + y]
            let better = row.filter { $0 > target }.count
            if better == 0 { top1 += 1 }
            if better < 5 { top5 += 1 }
        }
        return (Double(top1) / Double(max(labels.count, 1)), Double(top5) / Double(max(labels.count, 1)))
    }
}
