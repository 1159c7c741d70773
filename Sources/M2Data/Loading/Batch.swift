/// A batch from a ``DataLoader``: one tensor per view, `[N, C, H, W]`, normalized, plus the
/// labels and dataset indices of its samples.
public struct Batch: @unchecked Sendable {
    /// One tensor per view (one for evaluation, two for pre-training).
    public let views: [Tensor]
    /// Labels, `-1` for unlabeled data.
    public let labels: [Int]
    /// Dataset index of each sample.
    public let indices: [Int]
    /// The epoch the batch belongs to.
    public let epoch: Int
    /// Its number within the epoch.
    public let position: Int

    /// The first view.
    public var x: Tensor { views[0] }
}

/// What a loader makes of each sample.
public enum BatchViews: Sendable {
    /// One view per sample (supervised training, evaluation).
    case single(ViewPipeline)
    /// Two views per sample (self-supervised pre-training).
    case pair(TwoViewPipeline)

    var size: Int {
        switch self { case .single(let p): return p.size; case .pair(let p): return p.size }
    }
    var channels: Int {
        switch self { case .single(let p): return p.channels; case .pair(let p): return p.channels }
    }
    var viewCount: Int {
        if case .pair = self { return 2 }
        return 1
    }

    /// Builds the batch of `indices`; each sample's randomness comes from
    /// ``SampleSeed/generator(seed:epoch:index:view:)``.
    func build(dataset: any ImageDataset, indices: [Int], seed: UInt64, epoch: Int, position: Int) throws -> Batch {
        let (s, c, n) = (size, channels, indices.count)
        let sampleSize = c * s * s
        let tensors = try (0..<viewCount).map { _ in try Tensor.zeros([n, c, s, s]) }
        let pointers = tensors.map { $0.storage.pointer + $0.offset }
        var labels = [Int]()
        labels.reserveCapacity(n)
        for (i, index) in indices.enumerated() {
            let image = try dataset.image(at: index)
            labels.append(dataset.label(at: index))
            let r1 = SampleSeed.generator(seed: seed, epoch: epoch, index: index, view: 0)
            switch self {
            case .single(let p):
                try p.write(p.augment(image, rng: r1), to: pointers[0] + i * sampleSize)
            case .pair(let p):
                let r2 = SampleSeed.generator(seed: seed, epoch: epoch, index: index, view: 1)
                let (v1, v2) = p.augment(image, rng1: r1, rng2: r2)
                try p.view1.write(v1, to: pointers[0] + i * sampleSize)
                try p.view2.write(v2, to: pointers[1] + i * sampleSize)
            }
        }
        return Batch(views: tensors, labels: labels, indices: indices, epoch: epoch, position: position)
    }
}
