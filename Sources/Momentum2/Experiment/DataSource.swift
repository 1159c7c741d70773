import Foundation

/// Where the images come from, with the views that suit them.
///
/// In JSON: `{"kind": "fashion-mnist", "directory": …}`, `{"kind": "cifar10", "directory": …}`
/// or `{"kind": "folder", "train": …, "test": …, "size": 64}` (the `--data` names).
public enum DataSource: Sendable, Equatable {
    /// Fashion-MNIST IDX files (Debian's `dataset-fashion-mnist` by default).
    case fashionMNIST(directory: String?)
    /// CIFAR-10 binary batches (`data_batch_1.bin` … `test_batch.bin`).
    case cifar10(directory: String)
    /// ImageNet-style folders `<root>/<class>/*.png|jpg`, resized to `size`.
    case imageFolder(train: String, test: String?, size: Int)

    /// Channels of the source's images (1 for Fashion-MNIST, 3 otherwise), known before
    /// anything is read.
    public var channels: Int {
        if case .fashionMNIST = self { return 1 }
        return 3
    }

    /// The loaded splits and their pipelines.
    public struct Loaded {
        /// A display name: `"Fashion-MNIST"`, `"CIFAR-10"` or `"folder <train>"`.
        public let name: String
        /// The training split (a seeded subset when limited).
        public let train: any ImageDataset
        /// The test split, when the source has one (a seeded subset when limited).
        public let test: (any ImageDataset)?
        /// Channels of the images: 1 or 3.
        public let channels: Int
        /// Side of the images in pixels: 28, 32, or the folder's `size`.
        public let size: Int
        /// The two training-view pipelines.
        public let views: TwoViewPipeline
        /// The deterministic pipeline of evaluation (features, kNN monitor, probe), at `size`.
        public let evaluation: ViewPipeline
    }

    /// Reads the data (throws ``DataError`` naming the file on bad input).
    /// - Parameter viewSize: the side of the two training views, when it should differ from
    ///   the images' own (evaluation always uses the images' size). Training on smaller views
    ///   than the test images is cheaper, and random-resized crops show objects larger than
    ///   the test images do, so a smaller training size also matches their apparent size
    ///   (Touvron et al. 2019, "Fixing the train-test resolution discrepancy").
    /// - Parameter cropMin: the smallest random-resized crop of the small-image views, as a
    ///   fraction of the image's area (nil: 0.2, SPEC §2's value for 28×28 images).
    /// - Parameter blur: the Gaussian blur's probabilities in view 1 and view 2 (nil: the
    ///   paper's 1 and 0.1).
    /// - Parameter solarize: the solarization's probabilities in view 1 and view 2 (nil: the
    ///   paper's 0 and 0.2).
    public func load(trainLimit: Int? = nil, testLimit: Int? = nil, viewSize: Int? = nil, cropMin: Double? = nil,
                     blur: [Double]? = nil, solarize: [Double]? = nil) throws -> Loaded {
        if let viewSize, !(4...1024).contains(viewSize) {
            throw DataError.invalidArgument(op: "views", reason: "view size \(viewSize) must lie in 4...1024")
        }
        if let cropMin, !(cropMin > 0 && cropMin <= 1) {
            throw DataError.invalidArgument(op: "views", reason: "crop scale minimum \(cropMin) must lie in (0, 1]")
        }
        func pair(_ p: [Double]?, _ name: String, paper: (Float, Float)) throws -> (Float, Float) {
            guard let p else { return paper }
            guard p.count == 2, p.allSatisfy({ (0...1).contains($0) }) else {
                throw DataError.invalidArgument(op: "views", reason: "\(name) probabilities \(p) must be two numbers in [0, 1], view 1's and view 2's")
            }
            return (Float(p[0]), Float(p[1]))
        }
        let crop = Float(cropMin ?? 0.2)
        let blurs = try pair(blur, "blur", paper: TwoViewPipeline.paperBlur)
        let solar = try pair(solarize, "solarize", paper: TwoViewPipeline.paperSolarize)
        func limit(_ d: any ImageDataset, _ n: Int?) -> any ImageDataset {
            guard let n, n < d.count else { return d }
            return SubsetDataset(d, count: n, seed: 0)
        }
        switch self {
        case .fashionMNIST(let dir):
            let url = dir.map { URL(fileURLWithPath: $0) } ?? FashionMNIST.defaultDirectory
            let norm = try Normalize(mean: FashionMNIST.mean, std: FashionMNIST.std)
            return Loaded(name: "Fashion-MNIST", train: limit(try FashionMNIST.load(split: .train, directory: url), trainLimit),
                          test: limit(try FashionMNIST.load(split: .test, directory: url), testLimit), channels: channels, size: 28,
                          views: try .smallImage(size: viewSize ?? 28, channels: 1, normalize: norm, cropMin: crop, blur: blurs, solarize: solar),
                          evaluation: try .evaluation(size: 28, channels: 1, normalize: norm))
        case .cifar10(let dir):
            let url = URL(fileURLWithPath: dir)
            let norm = try Normalize(mean: CIFARReader.mean, std: CIFARReader.std)
            return Loaded(name: "CIFAR-10", train: limit(try CIFARReader.load(directory: url, train: true), trainLimit),
                          test: limit(try CIFARReader.load(directory: url, train: false), testLimit), channels: channels, size: 32,
                          views: try .smallImage(size: viewSize ?? 32, channels: 3, normalize: norm, cropMin: crop, blur: blurs, solarize: solar),
                          evaluation: try .evaluation(size: 32, channels: 3, normalize: norm))
        case let .imageFolder(train, test, size):
            let options = ImageFolder.Options(sizing: .square(size), channels: 3, preload: true, skipBadFiles: true)
            let tr = try ImageFolder(root: URL(fileURLWithPath: train), options: options)
            let te = try test.map { try ImageFolder(root: URL(fileURLWithPath: $0), options: options) }
            let side = viewSize ?? size
            let views: TwoViewPipeline = side <= 64
                ? try .smallImage(size: side, channels: 3, normalize: .imageNet, cropMin: crop, blur: blurs, solarize: solar)
                : try .momentum2(size: side, channels: 3, cropScale: (Float(cropMin ?? 0.08), 1), blur: blurs, solarize: solar)
            return Loaded(name: "folder \(train)", train: limit(tr, trainLimit), test: te.map { limit($0, testLimit) }, channels: channels, size: size,
                          views: views, evaluation: try .evaluation(size: size, channels: 3, normalize: .imageNet))
        }
    }
}

extension DataSource: Codable {
    private enum Key: String, CodingKey { case kind, directory, train, test, size }
    private enum Legacy: String, CodingKey { case fashionMNIST, cifar10, imageFolder }

    /// Writes the plain form, e.g. `{"kind": "cifar10", "directory": "…"}`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .fashionMNIST(let directory):
            try c.encode("fashion-mnist", forKey: .kind)
            try c.encodeIfPresent(directory, forKey: .directory)
        case .cifar10(let directory):
            try c.encode("cifar10", forKey: .kind)
            try c.encode(directory, forKey: .directory)
        case let .imageFolder(train, test, size):
            try c.encode("folder", forKey: .kind)
            try c.encode(train, forKey: .train)
            try c.encodeIfPresent(test, forKey: .test)
            try c.encode(size, forKey: .size)
        }
    }

    /// Reads the plain form, and Swift's synthesized one (`{"fashionMNIST": {…}}`) that
    /// checkpoints written before it carry.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let kind = try c.decodeIfPresent(String.self, forKey: .kind) {
            switch kind {
            case "fashion-mnist": self = .fashionMNIST(directory: try c.decodeIfPresent(String.self, forKey: .directory))
            case "cifar10": self = .cifar10(directory: try c.decode(String.self, forKey: .directory))
            case "folder": self = .imageFolder(train: try c.decode(String.self, forKey: .train), test: try c.decodeIfPresent(String.self, forKey: .test),
                                               size: try c.decode(Int.self, forKey: .size))
            default: throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown data kind '\(kind)'")
            }
            return
        }
        let legacy = try decoder.container(keyedBy: Legacy.self)
        if legacy.contains(.fashionMNIST) {
            self = .fashionMNIST(directory: try legacy.nestedContainer(keyedBy: Key.self, forKey: .fashionMNIST).decodeIfPresent(String.self, forKey: .directory))
        } else if legacy.contains(.cifar10) {
            self = .cifar10(directory: try legacy.nestedContainer(keyedBy: Key.self, forKey: .cifar10).decode(String.self, forKey: .directory))
        } else {
            let f = try legacy.nestedContainer(keyedBy: Key.self, forKey: .imageFolder)
            self = .imageFolder(train: try f.decode(String.self, forKey: .train), test: try f.decodeIfPresent(String.self, forKey: .test),
                                size: try f.decode(Int.self, forKey: .size))
        }
    }
}
