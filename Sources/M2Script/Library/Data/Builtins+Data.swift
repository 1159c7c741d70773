import Foundation
import M2Data
import Momentum2

/// Datasets, view pipelines and loaders.
enum DataBuiltins {
    static func limited(_ d: any ImageDataset, _ a: BoundArguments) throws -> any ImageDataset {
        guard let n = try a.optionalInt("limit") else { return d }
        guard n > 0 else { throw RuntimeFailure("\(a.function): limit must be positive") }
        return n < d.count ? SubsetDataset(d, count: n, seed: 0) : d
    }

    static func split(_ a: BoundArguments) throws -> Bool { try a.choice("split", ["train", "test"]) == "train" }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("fashion_mnist", "split=\"train\", dir=nil, limit=nil",
                        doc: "Fashion-MNIST (28×28 gray, 10 classes) from /usr/share/datasets/fashion-mnist or `dir`; `limit` keeps a seeded subset.",
                        example: "let data = fashion_mnist(split: \"train\")") { a in
            let dir = a.isNil("dir") ? FashionMNIST.defaultDirectory : URL(fileURLWithPath: try a.string("dir"))
            let store = try FashionMNIST.load(split: try split(a) ? .train : .test, directory: dir)
            return .object(try DatasetObject(name: "Fashion-MNIST \(try a.string("split"))", dataset: try limited(store, a), size: 28, channels: 1,
                                             normalize: Normalize(mean: FashionMNIST.mean, std: FashionMNIST.std)))
        },
        BuiltinFunction("cifar10", "dir, split=\"train\", limit=nil", doc: "CIFAR-10 binary batches (32×32 RGB, 10 classes) from `dir`.",
                        example: "let data = cifar10(\"data/cifar-10-batches-bin\")") { a in
            let store = try CIFARReader.load(directory: URL(fileURLWithPath: try a.string("dir")), train: try split(a))
            return .object(try DatasetObject(name: "CIFAR-10 \(try a.string("split"))", dataset: try limited(store, a), size: 32, channels: 3,
                                             normalize: Normalize(mean: CIFARReader.mean, std: CIFARReader.std)))
        },
        BuiltinFunction("image_folder", "dir, size=32, limit=nil", doc: "Images under dir/<class>/*.png|jpg, resized to size×size RGB (ImageNet statistics).",
                        example: "let data = image_folder(\"photos/train\", size: 64)") { a in
            let size = try a.positiveInt("size")
            guard size <= 1024 else { throw RuntimeFailure("image_folder: size must be at most 1024") }
            let folder = try ImageFolder(root: URL(fileURLWithPath: try a.string("dir")),
                                         options: .init(sizing: .square(size), channels: 3, preload: true, skipBadFiles: true))
            return .object(try DatasetObject(name: "folder \(try a.string("dir"))", dataset: try limited(folder, a), size: size, channels: 3, normalize: .imageNet))
        },
        BuiltinFunction("dataset", "images, labels=nil, classes=nil",
                        doc: "A dataset from a tensor [N, C, H, W] of values in [0, 1] (stored as 8-bit pixels) and optional integer labels.",
                        example: "let toy = dataset(rand(64, 1, 28, 28, seed: 1), labels: list(range(64)).map(fn(i) { i % 4 }))") { a in
            let x = try a.tensor("images")
            let (n, c, h, w) = try ImageStore.imageGeometry(x)
            guard h == w else { throw RuntimeFailure("dataset: images must be square, got \(h)×\(w)") }
            var labels = Array(repeating: -1, count: n)
            if !a.isNil("labels") {
                let given: [Int]
                if case .tensor(let t) = a["labels"] { given = t.scalars.map { $0.isFinite && Swift.abs($0) < 1e9 ? Int($0) : -1 } }
                else { given = try a.intList("labels") ?? [] }
                guard given.count == n else { throw RuntimeFailure("dataset: \(given.count) labels for \(n) images") }
                labels = given
            }
            var classCount = try a.optionalInt("classes") ?? ((labels.max() ?? -1) + 1)
            if a.isNil("labels") { classCount = 0 }
            guard classCount >= 0, classCount <= 100_000 else { throw RuntimeFailure("dataset: classes must be in 0…100000") }
            let store = try ImageStore(unitImages: x, labels: labels, classNames: (0..<classCount).map(String.init))
            let norm = try Normalize(mean: Array(repeating: 0.5, count: c), std: Array(repeating: 0.25, count: c))
            return .object(try DatasetObject(name: "tensor data", dataset: store, size: h, channels: c, normalize: norm))
        },
        BuiltinFunction("views_pipeline", "name=\"fashion_mnist\", size=nil, channels=nil",
                        doc: "The Momentum² two-view augmentations: \"fashion_mnist\", \"cifar\", \"small\" (size, channels: crop 0.2–1) or \"momentum2\" (the paper's, 224 px).",
                        example: "print(views_pipeline(\"fashion_mnist\"))") { a in
            let name = try a.choice("name", ["fashion_mnist", "cifar", "small", "momentum2"])
            let channels = try a.optionalInt("channels")
            if let channels, channels != 1 && channels != 3 { throw RuntimeFailure("views_pipeline: channels must be 1 or 3") }
            let size = try a.optionalInt("size")
            if let size, size < 1 || size > 1024 { throw RuntimeFailure("views_pipeline: size must be in 1…1024") }
            let norm: Normalize = (channels ?? 3) == 1 ? try Normalize(mean: [0.5], std: [0.25]) : .imageNet
            switch name {
            case "fashion_mnist": return .object(PipelineObject(try .fashionMNIST()))
            case "cifar": return .object(PipelineObject(try .cifar()))
            case "small": return .object(PipelineObject(try .smallImage(size: size ?? 32, channels: channels ?? 3, normalize: norm)))
            default: return .object(PipelineObject(try .momentum2(size: size ?? 224, channels: channels ?? 3, normalize: norm)))
            }
        },
        BuiltinFunction("loader", "data, batch=64, seed=0, views=2, shuffle=true, drop_last=true, pipeline=nil",
                        doc: "Seeded batches of a dataset: with views 2, (x1, x2) pairs of Momentum² views; with views 1, (x, labels) evaluation batches.",
                        example: "for (x1, x2) in loader(data, batch: 32, seed: 1) { m2.step(x1, x2) }") { a in
            let d = try a.dataset("data")
            let views = try a.int("views")
            guard views == 1 || views == 2 else { throw RuntimeFailure("loader: views must be 1 or 2") }
            var pair = d.views
            if case .object(let p as PipelineObject) = a["pipeline"] { pair = p.pipeline } else if !a.isNil("pipeline") { throw a.fail("pipeline", "a views_pipeline(…)") }
            let batch = try a.positiveInt("batch")
            try a.interpreter.checkTensorSize([batch, pair.channels, pair.size, pair.size])
            let l = try DataLoader(dataset: d.dataset, batchSize: batch, views: views == 2 ? .pair(pair) : .single(d.evaluation),
                                   shuffle: try a.bool("shuffle"), dropLast: try a.bool("drop_last"), seed: try a.optionalSeed("seed") ?? 0)
            return .object(LoaderObject(l))
        },
    ]
}
