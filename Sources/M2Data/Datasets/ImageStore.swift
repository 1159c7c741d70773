/// Same-sized 8-bit images in one contiguous buffer, with labels: the in-memory form of
/// IDX and CIFAR files and of image folders resized on load.
///
/// 60,000 Fashion-MNIST images take 47 MB (one byte per sample, HWC).
public struct ImageStore: ImageDataset {
    /// Width of every image.
    public let width: Int
    /// Height of every image.
    public let height: Int
    /// Channels of every image (1 or 3).
    public let channels: Int
    /// All images back to back, each `height * width * channels` bytes (HWC).
    public let pixels: [UInt8]
    /// One label per image (`-1` for unlabeled).
    public let labels: [Int]
    public let classNames: [String]

    /// A store over a packed buffer.
    /// - Throws: ``DataError/invalidArgument(op:reason:)`` when the sizes disagree or a label
    ///   is outside the classes.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], labels: [Int], classNames: [String]) throws {
        guard width > 0, height > 0, channels == 1 || channels == 3 else {
            throw DataError.invalidArgument(op: "ImageStore", reason: "size \(width)×\(height)×\(channels) is not a 1- or 3-channel image")
        }
        let size = width * height * channels
        guard pixels.count % size == 0, pixels.count / size == labels.count else {
            throw DataError.invalidArgument(op: "ImageStore", reason: "\(pixels.count) bytes do not hold \(labels.count) images of \(size) bytes")
        }
        let classCount = classNames.count
        let valid: (Int) -> Bool = classCount == 0 ? { $0 == -1 } : { $0 >= 0 && $0 < classCount }
        if let bad = labels.firstIndex(where: { !valid($0) }) {
            throw DataError.invalidArgument(op: "ImageStore", reason: "label \(labels[bad]) of item \(bad) is outside 0..<\(classNames.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.labels = labels
        self.classNames = classNames
    }

    /// Packs images of one size into a store.
    /// - Throws: when the images differ in size or the labels disagree.
    public init(images: [Image], labels: [Int], classNames: [String]) throws {
        guard let first = images.first else {
            throw DataError.invalidArgument(op: "ImageStore", reason: "no images")
        }
        guard images.count == labels.count else {
            throw DataError.invalidArgument(op: "ImageStore", reason: "\(images.count) images but \(labels.count) labels")
        }
        var packed = [UInt8]()
        packed.reserveCapacity(first.pixels.count * images.count)
        for (i, im) in images.enumerated() {
            guard im.width == first.width, im.height == first.height, im.channels == first.channels else {
                throw DataError.invalidArgument(op: "ImageStore", reason: "image \(i) is \(im.width)×\(im.height)×\(im.channels), not \(first.width)×\(first.height)×\(first.channels)")
            }
            packed.append(contentsOf: im.pixels)
        }
        try self.init(width: first.width, height: first.height, channels: first.channels, pixels: packed, labels: labels, classNames: classNames)
    }

    public var count: Int { labels.count }

    public func image(at index: Int) throws -> Image {
        try checkIndex(index, op: "ImageStore.image(at:)")
        let size = width * height * channels
        var im = Image(uncheckedWidth: width, height: height, channels: channels)
        im.pixels.withUnsafeMutableBufferPointer { dst in
            pixels.withUnsafeBufferPointer { src in
                dst.baseAddress!.update(from: src.baseAddress! + index * size, count: size)
            }
        }
        return im
    }

    public func label(at index: Int) -> Int {
        index >= 0 && index < labels.count ? labels[index] : -1
    }

    /// The first `n` items (or all when fewer): a quick subset for lessons and tests.
    public func prefix(_ n: Int) -> ImageStore {
        let k = min(max(n, 0), count)
        let size = width * height * channels
        // Same geometry and a valid prefix of valid labels: cannot throw.
        return try! ImageStore(width: width, height: height, channels: channels,
                               pixels: Array(pixels[0..<(k * size)]), labels: Array(labels[0..<k]), classNames: classNames)
    }
}
