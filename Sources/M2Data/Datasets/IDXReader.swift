import Foundation

/// Reads IDX files, the format of MNIST and Fashion-MNIST, gzip-compressed or raw.
///
/// An IDX file is a big-endian header — two zero bytes, a type byte (`0x08` = unsigned
/// byte), the number of dimensions — then one 32-bit size per dimension, then the data.
/// Image files are `0x00000803` (count, rows, columns); label files `0x00000801` (count).
public enum IDXReader {
    /// The magic number of an image file (unsigned bytes, 3 dimensions).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// The magic number of a label file (unsigned bytes, 1 dimension).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// The contents of an IDX file: its dimensions and its data bytes.
    struct Contents {
        var dimensions: [Int]
        var data: ArraySlice<UInt8>
    }

    /// Reads a file, inflating it when it starts with the gzip signature.
    static func load(_ url: URL, magic: UInt32) throws -> Contents {
        var bytes = try readFileBytes(url)
        if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, path: url.path) }
        let path = url.path
        guard bytes.count >= 4 else { throw DataError.truncated(path: path, expected: 4, actual: bytes.count) }
        let found = readBigEndian(bytes, at: 0)
        guard found == magic else { throw DataError.wrongMagic(path: path, found: found, expected: magic) }
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw DataError.truncated(path: path, expected: headerSize, actual: bytes.count) }
        var dims = [Int]()
        var total = 1
        for d in 0..<rank {
            let n = Int(readBigEndian(bytes, at: 4 + 4 * d))
            let (t, overflow) = total.multipliedReportingOverflow(by: n)
            guard !overflow, t < 1 << 40 else { throw DataError.corrupt(path: path, reason: "dimensions are absurdly large") }
            dims.append(n)
            total = t
        }
        let expected = headerSize + total
        guard bytes.count >= expected else { throw DataError.truncated(path: path, expected: expected, actual: bytes.count) }
        guard bytes.count == expected else {
            throw DataError.corrupt(path: path, reason: "\(bytes.count - expected) bytes past the end of the data")
        }
        return Contents(dimensions: dims, data: bytes[headerSize..<expected])
    }

    /// Reads an image file (`…-images-idx3-ubyte[.gz]`).
    /// - Returns: the images as one packed buffer with their count, height and width.
    /// - Throws: ``DataError`` for a missing, truncated or malformed file.
    public static func readImages(_ url: URL) throws -> (count: Int, height: Int, width: Int, pixels: [UInt8]) {
        let c = try load(url, magic: imageMagic)
        guard c.dimensions[1] > 0, c.dimensions[2] > 0 else {
            throw DataError.corrupt(path: url.path, reason: "images of size \(c.dimensions[1])×\(c.dimensions[2])")
        }
        return (c.dimensions[0], c.dimensions[1], c.dimensions[2], Array(c.data))
    }

    /// Reads a label file (`…-labels-idx1-ubyte[.gz]`) and checks every label.
    /// - Parameter classCount: labels must lie in `0..<classCount`.
    /// - Throws: ``DataError/labelOutOfRange(path:index:label:classCount:)`` for a bad label.
    public static func readLabels(_ url: URL, classCount: Int) throws -> [Int] {
        let c = try load(url, magic: labelMagic)
        var labels = [Int]()
        labels.reserveCapacity(c.dimensions[0])
        for (i, b) in c.data.enumerated() {
            guard Int(b) < classCount else {
                throw DataError.labelOutOfRange(path: url.path, index: i, label: Int(b), classCount: classCount)
            }
            labels.append(Int(b))
        }
        return labels
    }

    /// Reads a matching pair of image and label files into a dataset.
    /// - Throws: ``DataError/mismatch(path:reason:)`` when the counts differ.
    public static func dataset(images: URL, labels: URL, classNames: [String]) throws -> ImageStore {
        let im = try readImages(images)
        let lab = try readLabels(labels, classCount: classNames.count)
        guard im.count == lab.count else {
            throw DataError.mismatch(path: labels.path, reason: "\(lab.count) labels for \(im.count) images in \(images.lastPathComponent)")
        }
        return try ImageStore(width: im.width, height: im.height, channels: 1, pixels: im.pixels, labels: lab, classNames: classNames)
    }

    /// Serializes data as an IDX file (for tests and exports).
    public static func encode(magic: UInt32, dimensions: [Int], data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        func put(_ v: UInt32) { out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        put(magic)
        for d in dimensions { put(UInt32(truncatingIfNeeded: d)) }
        return out + data
    }
}

func readBigEndian(_ b: [UInt8], at i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}
