import Dispatch
import Foundation

/// Images in an ImageNet-style folder, `<root>/<class>/*.{png,jpg,jpeg}` (labels are the
/// sorted class-folder names), or an unlabeled folder of images for pre-training.
///
/// Images are decoded with libpng / libjpeg and, as configured, resized and centre-cropped
/// on load and kept in memory as 8-bit HWC — or decoded on every access (``Options/preload``
/// off) for folders too large for memory.
public struct ImageFolder: ImageDataset {
    /// How images are shaped when read.
    public enum Sizing: Sendable, Equatable {
        /// Keep the decoded size.
        case original
        /// Resize so the shorter side has this length.
        case shorterSide(Int)
        /// Resize the shorter side to this length, then centre-crop a square of it.
        case square(Int)
    }

    /// Reading options.
    public struct Options: Sendable {
        /// Resizing applied on load.
        public var sizing: Sizing
        /// Channels of every image: 3 (gray files replicated) or 1 (RGB files to luma).
        public var channels: Int
        /// Decode everything once into memory (default) or on every access.
        public var preload: Bool
        /// Skip unreadable files with a warning instead of failing (preload only).
        public var skipBadFiles: Bool

        /// - Parameters: see the properties.
        public init(sizing: Sizing = .original, channels: Int = 3, preload: Bool = true, skipBadFiles: Bool = false) {
            self.sizing = sizing
            self.channels = channels
            self.preload = preload
            self.skipBadFiles = skipBadFiles
        }
    }

    /// The image files, in dataset order.
    public let files: [URL]
    /// Label of each file (`-1` when unlabeled).
    public let labels: [Int]
    public let classNames: [String]
    /// The options it was read with.
    public let options: Options
    /// Files skipped because they could not be read, with the reason.
    public let skipped: [DataError]
    private let images: [Image]?

    /// Reads `<root>/<class>/*` with one class per sub-folder (sorted by name).
    /// - Throws: ``DataError`` when the root is missing, holds no images, or (unless
    ///   ``Options/skipBadFiles``) a file is unreadable.
    public init(root: URL, options: Options = Options()) throws {
        let classes = try Self.subdirectories(root)
        guard !classes.isEmpty else { throw DataError.unreadable(path: root.path, reason: "no class folders") }
        var files = [URL](), labels = [Int]()
        for (label, dir) in classes.enumerated() {
            let found = try Self.imageFiles(in: dir, recursive: true)
            files += found
            labels += Array(repeating: label, count: found.count)
        }
        try self.init(files: files, labels: labels, classNames: classes.map(\.lastPathComponent), root: root, options: options)
    }

    /// Reads every image below `root` (recursively) without labels, for pre-training.
    public static func unlabeled(root: URL, options: Options = Options()) throws -> ImageFolder {
        let files = try imageFiles(in: root, recursive: true)
        return try ImageFolder(files: files, labels: Array(repeating: -1, count: files.count), classNames: [], root: root, options: options)
    }

    private init(files: [URL], labels: [Int], classNames: [String], root: URL, options: Options) throws {
        guard options.channels == 1 || options.channels == 3 else {
            throw DataError.invalidArgument(op: "ImageFolder", reason: "channels must be 1 or 3, not \(options.channels)")
        }
        switch options.sizing {
        case .shorterSide(let s), .square(let s):
            guard s > 0 else { throw DataError.invalidArgument(op: "ImageFolder", reason: "size \(s) must be positive") }
        case .original: break
        }
        guard !files.isEmpty else { throw DataError.unreadable(path: root.path, reason: "no .png/.jpg/.jpeg files") }
        self.options = options
        self.classNames = classNames
        guard options.preload else {
            self.files = files; self.labels = labels; skipped = []; images = nil
            return
        }
        var results = [Result<Image, Error>?](repeating: nil, count: files.count)
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                base[i] = Result { try Self.load(files[i], options: options) }
            }
        }
        var kept = [Image](), keptFiles = [URL](), keptLabels = [Int](), bad = [DataError]()
        for (i, r) in results.enumerated() {
            switch r {
            case .success(let im)?:
                kept.append(im); keptFiles.append(files[i]); keptLabels.append(labels[i])
            case .failure(let e)?:
                let error = e as? DataError ?? DataError.unreadable(path: files[i].path, reason: "\(e)")
                guard options.skipBadFiles else { throw error }
                FileHandle.standardError.write(Data("warning: skipping \(error)\n".utf8))
                bad.append(error)
            case nil: break
            }
        }
        guard !kept.isEmpty else { throw DataError.unreadable(path: root.path, reason: "no readable images (\(bad.count) skipped)") }
        self.files = keptFiles; self.labels = keptLabels; skipped = bad; images = kept
    }

    public var count: Int { files.count }

    public func image(at index: Int) throws -> Image {
        try checkIndex(index, op: "ImageFolder.image(at:)")
        if let images { return images[index] }
        return try Self.load(files[index], options: options)
    }

    public func label(at index: Int) -> Int {
        index >= 0 && index < labels.count ? labels[index] : -1
    }

    /// Packs a preloaded folder whose images share one size into an ``ImageStore``.
    public func packed() throws -> ImageStore {
        try ImageStore(images: images ?? files.indices.map { try image(at: $0) }, labels: labels, classNames: classNames)
    }

    /// Decodes one file and applies the sizing and channel options.
    static func load(_ url: URL, options: Options) throws -> Image {
        let side: Int
        switch options.sizing {
        case .original: side = 0
        case .shorterSide(let s), .square(let s): side = s
        }
        var im = try ImageFile.read(url, minimumSide: side)
        if im.channels != options.channels || side > 0 {
            let pipeline = try ViewPipeline(transforms: [], normalize: .identity, size: max(side, 1), channels: options.channels)
            var f = pipeline.prepare(im)
            let rng = RandomGenerator(seed: 0)  // the sizing transforms are deterministic
            if side > 0 { try Resize(shorterSide: side).apply(&f, rng: rng) }
            if case .square(let s) = options.sizing { try CenterCrop(size: s).apply(&f, rng: rng) }
            im = f.toImage()
        }
        return im
    }

    static func subdirectories(_ root: URL) throws -> [URL] {
        let items: [URL]
        do {
            items = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
        } catch {
            throw DataError.unreadable(path: root.path, reason: "not a readable directory")
        }
        return items.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func imageFiles(in dir: URL, recursive: Bool) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: recursive ? [.skipsHiddenFiles] : [.skipsHiddenFiles, .skipsSubdirectoryDescendants]) else {
            throw DataError.unreadable(path: dir.path, reason: "not a readable directory")
        }
        var out = [URL]()
        for case let url as URL in walker where ImageFile.extensions.contains(url.pathExtension.lowercased()) {
            out.append(url)
        }
        return out.sorted { $0.path < $1.path }
    }
}
