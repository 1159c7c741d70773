import Foundation

/// The earlier linear probe: a linear classifier trained with SGD on standardized frozen
/// features.
///
/// `Linear(D, classes)` trained with SGD, momentum 0.9, lr `0.2·batch/256` decayed by a cosine
/// over the epochs, mini-batches shuffled with a seed. Its answer depends on the schedule, and
/// on raw Fashion-MNIST pixels it reads below the optimum of the same model (docs/results.md),
/// which is why ``LogisticProbe`` is the default; this one stays for comparison (`--probe sgd`).
public struct SGDProbe: LinearProbe {
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
    public func evaluate(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int], classes: Int, cancellation: CancellationToken?) throws -> ProbeResult {
        let start = Date()
        try ProbeSupport.validate(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, classes: classes)
        let (xs, xt) = try ProbeSupport.standardize(train: train, test: test)
        let n = xs.shape[0], d = xs.shape[1]
        let head = try Linear(d, classes, generator: RandomGenerator(seed: seed))
        let lr = baseLearningRate * Double(batch) / 256
        let sgd = try SGD(head, learningRate: TensorScalar(lr), momentum: 0.9, weightDecay: TensorScalar(weightDecay))
        let steps = max(1, epochs * (n / max(1, min(batch, n))))
        var k = 0
        let gen = RandomGenerator(seed: seed &+ 1)
        for _ in 0..<epochs {
            try cancellation?.check()
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
        let (t1, t5) = ProbeSupport.accuracy(logits: try withNoGrad { try head(xt) }, labels: testLabels)
        let (tr1, _) = ProbeSupport.accuracy(logits: try withNoGrad { try head(xs) }, labels: trainLabels)
        return ProbeResult(probe: .sgd, top1: t1, top5: t5, trainTop1: tr1, l2: weightDecay, epochs: epochs,
                           seconds: Date().timeIntervalSince(start))
    }
}
