import Foundation

/// Reads the binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky 2009).
///
/// A batch file is a sequence of records: the label byte(s) — one for CIFAR-10, coarse then
/// fine for CIFAR-100 — followed by 3,072 bytes of a 32×32 image as red, green and blue
/// planes. Images are stored interleaved (HWC) once read.
public enum CIFARReader {
    /// Which variant of the format.
    public enum Variant: Sendable {
        /// 10 classes, one label byte per record.
        case cifar10
        /// 100 fine classes; records carry a coarse and a fine label byte.
        case cifar100
        /// Label bytes per record.
        var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        /// Number of (fine) classes.
        var classCount: Int { self == .cifar10 ? 10 : 100 }
    }

    /// Bytes of one 32×32×3 image.
    public static let imageBytes = 3072

    /// CIFAR-10's class names.
    public static let cifar10ClassNames = ["airplane", "automobile", "bird", "cat", "deer",
                                           "dog", "frog", "horse", "ship", "truck"]
    /// CIFAR-10 per-channel mean (for ``Normalize``).
    public static let mean: [Float] = [0.4914, 0.4822, 0.4465]
    /// CIFAR-10 per-channel standard deviation.
    public static let std: [Float] = [0.2470, 0.2435, 0.2616]

    /// Reads one or more batch files into one dataset, in order.
    /// - Parameters:
    ///   - files: the `.bin` batches (e.g. `data_batch_1.bin` … `data_batch_5.bin`).
    ///   - variant: CIFAR-10 or CIFAR-100 (fine labels are kept).
    ///   - classNames: names for the labels; defaults to CIFAR-10's names or `"0"…"99"`.
    /// - Throws: ``DataError/truncated(path:expected:actual:)`` when a file is not a whole
    ///   number of records, ``DataError/labelOutOfRange(path:index:label:classCount:)``.
    public static func read(_ files: [URL], variant: Variant = .cifar10, classNames: [String]? = nil) throws -> ImageStore {
        let names = classNames ?? (variant == .cifar10 ? cifar10ClassNames : (0..<100).map(String.init))
        guard names.count == variant.classCount else {
            throw DataError.invalidArgument(op: "CIFARReader.read", reason: "\(names.count) class names for \(variant.classCount) classes")
        }
        guard !files.isEmpty else { throw DataError.invalidArgument(op: "CIFARReader.read", reason: "no files given") }
        let record = variant.labelBytes + imageBytes
        var pixels = [UInt8]()
        var labels = [Int]()
        for url in files {
            let bytes = try readFileBytes(url)
            guard !bytes.isEmpty, bytes.count % record == 0 else {
                let whole = max(1, (bytes.count + record - 1) / record) * record
                throw DataError.truncated(path: url.path, expected: whole, actual: bytes.count)
            }
            let n = bytes.count / record
            pixels.reserveCapacity(pixels.count + n * imageBytes)
            try bytes.withUnsafeBufferPointer { b in
                for r in 0..<n {
                    let base = r * record
                    let label = Int(b[base + variant.labelBytes - 1])
                    guard label < variant.classCount else {
                        throw DataError.labelOutOfRange(path: url.path, index: r, label: label, classCount: variant.classCount)
                    }
                    labels.append(label)
                    let img = base + variant.labelBytes
                    for i in 0..<1024 {
                        pixels.append(b[img + i]); pixels.append(b[img + 1024 + i]); pixels.append(b[img + 2048 + i])
                    }
                }
            }
        }
        return try ImageStore(width: 32, height: 32, channels: 3, pixels: pixels, labels: labels, classNames: names)
    }

    /// Reads the standard split from an extracted `cifar-10-batches-bin` or
    /// `cifar-100-binary` directory.
    /// - Parameter train: the training batches when `true`, the test batch otherwise.
    public static func load(directory: URL, variant: Variant = .cifar10, train: Bool) throws -> ImageStore {
        let names: [String]
        switch (variant, train) {
        case (.cifar10, true): names = (1...5).map { "data_batch_\($0).bin" }
        case (.cifar10, false): names = ["test_batch.bin"]
        case (.cifar100, true): names = ["train.bin"]
        case (.cifar100, false): names = ["test.bin"]
        }
        var classNames: [String]? = nil
        let meta = directory.appendingPathComponent(variant == .cifar10 ? "batches.meta.txt" : "fine_label_names.txt")
        if let text = try? String(contentsOf: meta, encoding: .utf8) {
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if lines.count == variant.classCount { classNames = lines }
        }
        return try read(names.map { directory.appendingPathComponent($0) }, variant: variant, classNames: classNames)
    }

    /// Serializes images and labels as a CIFAR-10 batch (for tests and exports).
    /// Images must be 32×32×3; others are skipped.
    public static func encode(_ images: [Image], labels: [Int]) -> [UInt8] {
        var out = [UInt8]()
        for (im, label) in zip(images, labels) where im.width == 32 && im.height == 32 && im.channels == 3 {
            out.append(UInt8(truncatingIfNeeded: label))
            for c in 0..<3 { for i in 0..<1024 { out.append(im.pixels[i * 3 + c]) } }
        }
        return out
    }
}
