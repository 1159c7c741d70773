import Foundation
import M2Data
import Momentum2

/// Items `indices` of a dataset, in that order (a batch drawn by `data.batch(n)`).
struct PickedDataset: ImageDataset {
    let base: any ImageDataset
    let indices: [Int]
    var count: Int { indices.count }
    var classNames: [String] { base.classNames }
    func image(at index: Int) throws -> Image { try base.image(at: indices[index]) }
    func label(at index: Int) -> Int { base.label(at: indices[index]) }
}

/// A dataset as a script value, with the pipelines that suit it: `len(data)`, `data[i]` →
/// (image, label), `data.batch(n, seed:)`, `data.subset(n)`.
final class DatasetObject: ScriptSequence {
    let name: String
    let dataset: any ImageDataset
    /// The Momentum² views for these images (the SPEC's small-image preset for ≤ 64 px).
    let views: TwoViewPipeline
    /// Resize + centre crop + normalize: what `data[i]`, batches and evaluation use.
    let evaluation: ViewPipeline

    init(name: String, dataset: any ImageDataset, views: TwoViewPipeline, evaluation: ViewPipeline) {
        (self.name, self.dataset, self.views, self.evaluation) = (name, dataset, views, evaluation)
    }

    /// A dataset with the small-image views and evaluation at `size` and `normalize`.
    convenience init(name: String, dataset: any ImageDataset, size: Int, channels: Int, normalize: Normalize) throws {
        let views: TwoViewPipeline = size <= 64
            ? try .smallImage(size: size, channels: channels, normalize: normalize)
            : try .momentum2(size: size, channels: channels, normalize: normalize)
        self.init(name: name, dataset: dataset, views: views,
                  evaluation: try .evaluation(size: size, channels: channels, normalize: normalize))
    }

    /// The same pipelines over other items.
    func with(_ d: any ImageDataset, name: String? = nil) -> DatasetObject {
        DatasetObject(name: name ?? self.name, dataset: d, views: views, evaluation: evaluation)
    }

    var typeName: String { "Dataset" }
    var length: Int { dataset.count }

    func element(at index: Int) throws -> Value {
        let batch = try BatchObject.tensor(dataset: PickedDataset(base: dataset, indices: [index]), pipeline: evaluation)
        return .tuple([.tensor(try batch.index([.at(0)])), .int(dataset.label(at: index))])
    }

    var memberNames: [String] { ["batch", "subset", "classes", "num_classes", "shape", "views", "name"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "classes": return Convert.list(dataset.classNames)
        case "num_classes": return .int(dataset.classCount)
        case "shape": return Convert.list([evaluation.channels, evaluation.size, evaluation.size])
        case "name": return .string(self.name)
        case "views": return .object(PipelineObject(views))
        default: return DatasetObject.methods.bind(self, name, typeName: typeName)
        }
    }

    static let methods = MethodTable<DatasetObject>()
        .method("batch", "n, seed=nil", doc: "n items drawn without replacement (seeded); a batch object with .images, .labels, `let (x, y) = batch`.",
                example: "let b = data.batch(32, seed: 1)") { d, a in
            let n = try a.positiveInt("n")
            guard n <= d.dataset.count else { throw RuntimeFailure("batch: \(n) items requested from a dataset of \(d.dataset.count)") }
            try a.interpreter.checkTensorSize([n, d.evaluation.channels, d.evaluation.size, d.evaluation.size])
            let seed = try a.optionalSeed("seed") ?? a.interpreter.random.next()
            let order = SampleSeed.order(count: d.dataset.count, seed: seed, epoch: 0, shuffle: true)
            return .object(BatchObject(source: d, indices: Array(order.prefix(n)), seed: seed))
        }
        .method("subset", "n, seed=0", doc: "A dataset of n items drawn without replacement (seeded).", example: "let small = data.subset(1000)") { d, a in
            let n = try a.positiveInt("n")
            guard n <= d.dataset.count else { return .object(d) }
            return .object(d.with(SubsetDataset(d.dataset, count: n, seed: try a.optionalSeed("seed") ?? 0)))
        }

    var description: String {
        "Dataset(\(name): \(dataset.count) images, \(evaluation.channels)×\(evaluation.size)×\(evaluation.size)" +
            (dataset.classCount > 0 ? ", \(dataset.classCount) classes)" : ", unlabeled)")
    }
}

/// Some items of a dataset: `.images` ([N, C, H, W], normalized), `.labels`, `.indices`;
/// `m2.views(batch)` augments the same items twice.
final class BatchObject: ScriptDestructurable {
    let source: DatasetObject
    let indices: [Int]
    let seed: UInt64
    private var cachedImages: Tensor?

    init(source: DatasetObject, indices: [Int], seed: UInt64) { (self.source, self.indices, self.seed) = (source, indices, seed) }

    var picked: PickedDataset { PickedDataset(base: source.dataset, indices: indices) }

    /// The items through `pipeline`, as the engine's loader builds them.
    static func tensor(dataset: PickedDataset, pipeline: ViewPipeline) throws -> Tensor {
        let loader = try DataLoader(dataset: dataset, batchSize: dataset.count, views: .single(pipeline), shuffle: false, dropLast: false, seed: 0, workers: 0)
        guard let b = try loader.next() else { throw RuntimeFailure("empty batch") }
        return b.x
    }

    func images() throws -> Tensor {
        if let cachedImages { return cachedImages }
        let t = try BatchObject.tensor(dataset: picked, pipeline: source.evaluation)
        cachedImages = t
        return t
    }

    var labels: Value { Convert.list(indices.map { source.dataset.label(at: $0) }) }

    var typeName: String { "Batch" }
    var memberNames: [String] { ["images", "labels", "indices", "x", "y"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "images", "x": return .tensor(try images())
        case "labels", "y": return labels
        case "indices": return Convert.list(indices)
        default: return nil
        }
    }

    func destructured() throws -> [Value] { [.tensor(try images()), labels] }

    var description: String { "Batch(\(indices.count) images of \(source.name), seed \(seed))" }
}

/// Two view pipelines (or one) as a script value, for `loader(…, pipeline:)`.
final class PipelineObject: ScriptObject {
    let pipeline: TwoViewPipeline
    init(_ pipeline: TwoViewPipeline) { self.pipeline = pipeline }
    var typeName: String { "Pipeline" }
    var memberNames: [String] { ["size", "channels", "view1", "view2"] }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "size": return .int(pipeline.size)
        case "channels": return .int(pipeline.channels)
        case "view1": return Convert.list(pipeline.view1.transforms.map(\.description) + [pipeline.view1.normalize.description])
        case "view2": return Convert.list(pipeline.view2.transforms.map(\.description) + [pipeline.view2.normalize.description])
        default: return nil
        }
    }
    var description: String { pipeline.description }
}

/// A seeded, shuffling loader: `for (x1, x2) in loader` runs one epoch of two-view batches
/// (or `(x, labels)` with `views: 1`); `loader.next()` gives one batch, nil at an epoch's end.
final class LoaderObject: ScriptIterable, ScriptSized {
    let loader: DataLoader
    init(_ loader: DataLoader) { self.loader = loader }

    var typeName: String { "DataLoader" }
    var length: Int { loader.batchesPerEpoch }
    var memberNames: [String] { ["next", "epoch", "batch_size"] }

    func nextValue() throws -> Value? {
        guard let b = try loader.next() else { return nil }
        if b.views.count == 2 { return .tuple([.tensor(b.views[0]), .tensor(b.views[1])]) }
        return .tuple([.tensor(b.x), Convert.list(b.labels)])
    }

    func makeIterator() throws -> () throws -> Value? { { try self.nextValue() } }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "epoch": return .int(loader.state.epoch)
        case "batch_size": return .int(loader.batchSize)
        case "next":
            return .function(BuiltinFunction("DataLoader.next", "", doc: "The next batch: (x1, x2) or (x, labels); nil at the end of an epoch.",
                                             example: "let (x1, x2) = loader.next()") { _ in try self.nextValue() ?? .nil })
        default: return nil
        }
    }

    var description: String { "DataLoader(\(loader.batchesPerEpoch) batches of \(loader.batchSize), \(loader.views.description))" }
}

extension BatchViews {
    var description: String {
        switch self {
        case .single: return "1 view"
        case .pair(let p): return "2 views: \(p.name)"
        }
    }
}
