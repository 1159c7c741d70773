/// Serves a dataset as augmented, normalized batches, shuffled per epoch with a seed,
/// prepared by worker threads while the model computes.
///
/// ```swift
/// let data = try FashionMNIST.load(split: .train)
/// let loader = try DataLoader(dataset: data, batchSize: 64, views: .pair(.fashionMNIST()), seed: 1)
/// while let (x1, x2, _) = try loader.nextPair() { … }   // one epoch; the next call starts the next
/// ```
///
/// The same seed gives byte-identical batches on every run and for any number of workers:
/// the order of epoch `e` and the augmentation of sample `i` in epoch `e` are functions of
/// `(seed, e, i)` only. ``state`` / ``restore(_:)`` continue mid-epoch.
public final class DataLoader: @unchecked Sendable {
    /// The data served.
    public let dataset: any ImageDataset
    /// Samples per batch.
    public let batchSize: Int
    /// One or two views per sample.
    public let views: BatchViews
    /// Whether each epoch visits the samples in a new seeded order.
    public let shuffle: Bool
    /// Whether a last, smaller batch is dropped.
    public let dropLast: Bool
    /// Worker threads (0: batches are built on the calling thread).
    public let workers: Int
    /// Batches prepared ahead of the consumer, at most.
    public let prefetch: Int
    /// This process's part of every batch in a data-parallel run: part `index` of `count`
    /// equal, consecutive slices of the global batch (nil: the whole batch).
    public let shard: (index: Int, count: Int)?

    private var current: LoaderState
    private var run: EpochRun?

    /// - Parameters:
    ///   - dataset: what to load.
    ///   - batchSize: positive.
    ///   - views: ``BatchViews/single(_:)`` or ``BatchViews/pair(_:)``.
    ///   - shuffle: a new order each epoch (default on).
    ///   - dropLast: drop an incomplete last batch (default on).
    ///   - seed: determines everything random.
    ///   - workers: threads preparing batches; the core count by default.
    ///   - prefetch: batches ready ahead, ≥ 1.
    ///   - shard: serve only slice `index` of `count` of every batch (a data-parallel rank):
    ///     the union of the slices is the batch one process would get, and each sample gets
    ///     the same views, for the same seed. `batchSize` stays the global batch and must
    ///     divide by `count`.
    public init(dataset: any ImageDataset, batchSize: Int, views: BatchViews, shuffle: Bool = true, dropLast: Bool = true,
                seed: UInt64, workers: Int = Parallel.threads, prefetch: Int = 4, shard: (index: Int, count: Int)? = nil) throws {
        guard batchSize > 0 else { throw DataError.invalidArgument(op: "DataLoader", reason: "batch size \(batchSize) must be positive") }
        if let shard {
            guard shard.count > 0, (0..<shard.count).contains(shard.index), batchSize % shard.count == 0 else {
                throw DataError.invalidArgument(op: "DataLoader", reason: "a batch of \(batchSize) does not split into \(shard.count) equal parts")
            }
        }
        self.shard = shard
        guard workers >= 0, prefetch >= 1 else {
            throw DataError.invalidArgument(op: "DataLoader", reason: "workers must be ≥ 0 and prefetch ≥ 1")
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.views = views
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.workers = workers
        self.prefetch = prefetch
        current = LoaderState(seed: seed, batchSize: batchSize, datasetCount: dataset.count)
    }

    deinit { run?.cancel() }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// Where the loader is; save it with a checkpoint.
    public var state: LoaderState { current }

    /// Continues from a saved state: the next batch is batch `state.position` of
    /// `state.epoch`, identical to what the original run produced.
    /// - Throws: when the batch size or the dataset size differ from the saved ones.
    public func restore(_ state: LoaderState) throws {
        guard state.batchSize == batchSize, state.datasetCount == dataset.count else {
            throw DataError.invalidArgument(op: "DataLoader.restore", reason: "state was saved for batch \(state.batchSize) over \(state.datasetCount) items, this loader has batch \(batchSize) over \(dataset.count)")
        }
        guard state.epoch >= 0, state.position >= 0, state.position <= batchesPerEpoch else {
            throw DataError.invalidArgument(op: "DataLoader.restore", reason: "epoch \(state.epoch) position \(state.position) is out of range")
        }
        run?.cancel()
        run = nil
        current = state
    }

    /// The next batch of the current epoch, or `nil` when the epoch is over (the loader then
    /// moves to the next epoch; the following call starts it).
    /// - Throws: ``DataError`` from the dataset (e.g. an unreadable image in a lazy folder).
    public func next() throws -> Batch? {
        if run == nil { run = startRun() }
        guard let batch = try run?.take() else {
            run = nil
            current.epoch += 1
            current.position = 0
            return nil
        }
        current.position = batch.position + 1
        return batch
    }

    /// The next two-view batch `(x1, x2, labels)`, or `nil` at the end of an epoch.
    /// - Throws: when the loader was made with a single view.
    public func nextPair() throws -> (x1: Tensor, x2: Tensor, labels: [Int])? {
        guard case .pair = views else {
            throw DataError.invalidArgument(op: "DataLoader.nextPair", reason: "the loader makes one view per sample; use views: .pair(…)")
        }
        guard let b = try next() else { return nil }
        return (b.views[0], b.views[1], b.labels)
    }

    /// Every remaining batch of the current epoch.
    public func epoch() throws -> [Batch] {
        var out = [Batch]()
        while let b = try next() { out.append(b) }
        return out
    }

    private func startRun() -> EpochRun {
        let (seed, epoch) = (current.seed, current.epoch)
        let order = SampleSeed.order(count: dataset.count, seed: seed, epoch: epoch, shuffle: shuffle)
        let (dataset, views, batchSize, shard) = (self.dataset, self.views, self.batchSize, self.shard)
        return EpochRun(batchCount: batchesPerEpoch, start: current.position, workers: workers, prefetch: prefetch) { b in
            var lo = b * batchSize, hi = min(lo + batchSize, order.count)
            if let shard {
                let n = hi - lo
                (lo, hi) = (lo + n * shard.index / shard.count, lo + n * (shard.index + 1) / shard.count)
            }
            return try views.build(dataset: dataset, indices: Array(order[lo..<hi]), seed: seed, epoch: epoch, position: b)
        }
    }
}
