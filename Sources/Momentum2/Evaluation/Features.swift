import Foundation

/// A view of some items of another dataset (for held-out monitor subsets).
public struct SubsetDataset: ImageDataset {
    /// The dataset the items come from.
    public let base: any ImageDataset
    /// The subset's items as indices into `base`, in subset order.
    public let indices: [Int]

    /// The first `count` items of `base` after a seeded shuffle (or in order when seed is nil).
    public init(_ base: any ImageDataset, count: Int, seed: UInt64? = 0) {
        self.base = base
        let n = min(max(count, 0), base.count)
        let order = seed.map { RandomGenerator(seed: $0).permutation(base.count) } ?? Array(0..<base.count)
        indices = Array(order.prefix(n))
    }

    /// Number of items in the subset.
    public var count: Int { indices.count }
    /// `base`'s class names.
    public var classNames: [String] { base.classNames }
    /// The image of item `index` of the subset (`base`'s item `indices[index]`).
    public func image(at index: Int) throws -> Image { try base.image(at: indices[index]) }
    /// The label of item `index` of the subset.
    public func label(at index: Int) -> Int { base.label(at: indices[index]) }
}

/// Frozen features of a dataset: the backbone in eval mode (running BN statistics), no
/// gradients, deterministic evaluation views.
///
/// A ``ResNet`` runs as a ``FoldedResNet`` (BN folded into the convolutions, ReLUs and
/// shortcuts fused, no graph) in batches of up to 256 images; other modules run their
/// own eval-mode forward. Two batches run at once, one per core (``lanes``).
public enum Features {
    /// Most elements of one activation of one batch on the folded path (16 MB in Float32,
    /// the size of a last-level cache). Batches of 1,024 images, whose first-stage activations
    /// took 51 MB each at width 16, made the teacher's features of 32,000 Fashion-MNIST images
    /// take 14.2 s (median of 5) where batches of 256 took 12.4 s and of 64 12.4 s, alternating
    /// on one host (docs/performance.md).
    static let activationBudget = 1 << 22
    /// Most images per batch on the folded path.
    static let largestBatch = 256

    /// `[N, D]` features and the labels, in dataset order.
    /// - Parameters:
    ///   - batch: images per forward; nil: as many as fit ``activationBudget`` (at most ``largestBatch``)
    ///     for a ResNet, 256 otherwise.
    ///   - cancellation: polled between batches; a request throws ``Interrupted``.
    public static func extract(_ backbone: Module, dataset: any ImageDataset, pipeline: ViewPipeline, batch: Int? = nil,
                               cancellation: CancellationToken? = nil) throws -> (Tensor, [Int]) {
        let forward: (Tensor) throws -> Tensor
        let size: Int
        if let net = backbone as? ResNet {
            let folded = try FoldedResNet(net)
            forward = { try folded($0) }
            // The widest activation: the first stage's, at full resolution (small stem) or a quarter of it.
            let perImage = net.featureDimension / 8 * pipeline.size * pipeline.size / (net.config.stem == .imagenet ? 16 : 1)
            size = batch ?? Swift.max(16, Swift.min(largestBatch, activationBudget / Swift.max(perImage, 1)))
        } else {
            forward = { x in try withNoGrad { try backbone(x) } }
            size = batch ?? 256
        }
        let wasTraining = backbone.isTraining
        backbone.eval()
        defer { backbone.train(wasTraining) }
        let loader = try DataLoader(dataset: dataset, batchSize: size, views: .single(pipeline), shuffle: false, dropLast: false, seed: 0)
        // Batches go to whichever lane asks next; each comes back numbered, so the order of
        // the features is the dataset's whatever the lanes' timing. After the epoch's end the
        // loader would start the next epoch, so the first lane to see it (or to fail) ends both.
        let lock = NSLock()
        var (taken, finished) = (0, false)
        func finish() { lock.lock(); finished = true; lock.unlock() }
        typealias Done = (index: Int, features: Tensor, labels: [Int])
        func lane() throws -> [Done] {
            var done: [Done] = []
            while true {
                lock.lock()
                let next = finished ? .success(nil) : Result { try loader.next() }
                let index = taken
                taken += 1
                if case .success(nil) = next { finished = true }
                lock.unlock()
                do {
                    try cancellation?.check()
                    guard let b = try next.get() else { return done }
                    done.append((index, try forward(b.x), b.labels))
                } catch {
                    finish()
                    throw error
                }
            }
        }
        let batches: [Done]
        if lanes >= 2 {
            let (a, b) = try Parallel.branches(lane, lane)
            batches = a + b
        } else {
            batches = try lane()
        }
        guard !batches.isEmpty else { throw TensorError.invalidArgument(op: "features", reason: "the dataset is empty") }
        let ordered = batches.sorted { $0.index < $1.index }
        return (try Tensor.cat(ordered.map(\.features), axis: 0), ordered.flatMap(\.labels))
    }

    /// Batches in flight at once (`M2T_FEATURE_LANES`, default 2): each runs on one core with
    /// single-core kernels (``Parallel/branches(_:_:keepGradients:)``). One network's forward on
    /// both cores scaled only 1.5–1.7× over one core (12,000 images: 8.3–8.8 s against
    /// 12.4–14.7 s); two batches side by side keep both cores on whole layers. The kernels give
    /// the same bits on one core or two (``Parallel``), so the features do not change.
    nonisolated(unsafe) static var lanes: Int = Int(ProcessInfo.processInfo.environment["M2T_FEATURE_LANES"] ?? "") ?? 2
}

/// The online kNN monitor: a held-out bank of training images and a set of test queries,
/// embedded by the teacher's backbone at the end of every epoch.
public struct KNNMonitor {
    /// Labelled training images whose features vote.
    public let bank: any ImageDataset
    /// Labelled test images classified against the bank.
    public let queries: any ImageDataset
    /// The deterministic evaluation view both go through.
    public let pipeline: ViewPipeline
    /// The weighted kNN classifier (default k = 200, T = 0.07).
    public var classifier = KNNClassifier()

    /// A monitor of `queries` against `bank`, both embedded through `pipeline`.
    public init(bank: any ImageDataset, queries: any ImageDataset, pipeline: ViewPipeline) {
        (self.bank, self.queries, self.pipeline) = (bank, queries, pipeline)
    }

    /// Images in the bank.
    public var bankCount: Int { bank.count }
    /// Images in the queries.
    public var queryCount: Int { queries.count }

    /// Top-1 kNN accuracy of `backbone`'s features.
    /// - Parameter cancellation: polled between batches; a request throws ``Interrupted``.
    public func evaluate(_ backbone: Module, cancellation: CancellationToken? = nil) throws -> Double {
        let (fb, lb) = try Features.extract(backbone, dataset: bank, pipeline: pipeline, cancellation: cancellation)
        let (fq, lq) = try Features.extract(backbone, dataset: queries, pipeline: pipeline, cancellation: cancellation)
        return try classifier.accuracy(bank: fb, bankLabels: lb, queries: fq, queryLabels: lq, classes: max(bank.classCount, 1))
    }
}
