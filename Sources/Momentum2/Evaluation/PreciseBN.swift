import Foundation

/// Re-estimates the running statistics of every BN layer of a frozen network on a dataset,
/// as "precise BN" does (Wu & Johnson 2021, "Rethinking 'Batch' in BatchNorm"): the layers
/// see the images in training mode, without gradients, and each running statistic becomes
/// the plain average of the batch statistics (PyTorch's `momentum=None`). Weights are not
/// touched and no labels are read.
///
/// Why: a backbone pre-trained on augmented, smaller views keeps running statistics of
/// those views, and the probe then reads features of un-augmented test-size images through
/// statistics that do not describe them (the train–test discrepancy of Touvron et al. 2019).
public enum PreciseBN {
    /// Recomputes the statistics of `model`'s BN layers over the first `images` images of
    /// `dataset` (a fixed seeded subset), in batches of `batch`, through `pipeline`.
    /// - Parameter cancellation: polled between batches; a request throws ``Interrupted``
    ///   (the running statistics then hold the last batch's).
    /// - Returns: the number of batches averaged.
    @discardableResult
    public static func recompute(_ model: Module, dataset: any ImageDataset, pipeline: ViewPipeline,
                                 images: Int = 10_000, batch: Int = 256, cancellation: CancellationToken? = nil) throws -> Int {
        guard images > 0, batch > 1 else {
            throw TensorError.invalidArgument(op: "precise_bn", reason: "needs images > 0 and batch > 1, got \(images) and \(batch)")
        }
        let layers = model.namedModules().compactMap { $0.1 as? BatchNorm }
        guard !layers.isEmpty else { return 0 }
        // Modes, momenta and batch counters are put back: re-estimating is not training.
        let saved = layers.map { ($0.mode, $0.runningMomentum, $0.batchesTracked.storage.pointer[$0.batchesTracked.offset]) }
        let wasTraining = model.isTraining
        defer {
            for (bn, s) in zip(layers, saved) {
                (bn.mode, bn.runningMomentum) = (s.0, s.1)
                bn.batchesTracked.storage.pointer[bn.batchesTracked.offset] = s.2
            }
            model.train(wasTraining)
        }
        let subset = SubsetDataset(dataset, count: images, seed: 7)
        let loader = try DataLoader(dataset: subset, batchSize: batch, views: .single(pipeline), shuffle: false, dropLast: false, seed: 0)
        // Sums in Double, written back at the end.
        var meanSums = layers.map { [Double](repeating: 0, count: $0.features) }
        var varSums = meanSums
        var batches = 0
        model.train()
        for bn in layers { bn.mode = .standard; bn.runningMomentum = 1 }
        while let b = try loader.next() {
            try cancellation?.check()
            guard b.x.shape[0] > 1 else { continue }
            _ = try withNoGrad { try model(b.x) }
            for (i, bn) in layers.enumerated() {
                guard let m = bn.lastBatchMean, let v = bn.lastBatchVariance else { continue }
                for c in 0..<bn.features { meanSums[i][c] += Double(m[c]); varSums[i][c] += Double(v[c]) }
            }
            batches += 1
        }
        guard batches > 0 else { throw TensorError.invalidArgument(op: "precise_bn", reason: "no batch of more than one image") }
        for (i, bn) in layers.enumerated() {
            try bn.setRunningStatistics(mean: meanSums[i].map { TensorScalar($0 / Double(batches)) },
                                        variance: varSums[i].map { TensorScalar($0 / Double(batches)) })
        }
        return batches
    }
}
