import Foundation

/// Every way reading or preparing data can fail.
///
/// Each case names the file (or dataset) and the problem, so a message reads like
/// `train-images-idx3-ubyte.gz: wrong magic number 0x00000802 (expected 0x00000803)`.
/// Code in this target never traps on bad input: it throws one of these.
public enum DataError: Error, Equatable, CustomStringConvertible {
    /// The file or directory does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// The file ends before the format says it should.
    case truncated(path: String, expected: Int, actual: Int)
    /// The file starts with the wrong magic number or signature.
    case wrongMagic(path: String, found: UInt32, expected: UInt32)
    /// A header, size or field is inconsistent with the format.
    case corrupt(path: String, reason: String)
    /// A label outside `0..<classCount`.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// The file is not an image this target can decode.
    case notAnImage(path: String, reason: String)
    /// Two files that must agree (images and labels) do not.
    case mismatch(path: String, reason: String)
    /// A parameter given by the caller is out of range.
    case invalidArgument(op: String, reason: String)
    /// A file could not be written.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .truncated(path, expected, actual):
            return "\(path): truncated: expected \(expected) bytes, found \(actual)"
        case let .wrongMagic(path, found, expected):
            return "\(path): wrong magic number \(hex(found)) (expected \(hex(expected)))"
        case let .corrupt(path, reason):
            return "\(path): corrupt: \(reason)"
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) of item \(index) is outside 0..<\(classCount)"
        case let .notAnImage(path, reason):
            return "\(path): not a readable image: \(reason)"
        case let .mismatch(path, reason):
            return "\(path): \(reason)"
        case let .invalidArgument(op, reason):
            return "\(op): \(reason)"
        case let .writeFailed(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}

private func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// Reads a whole file, turning Foundation's errors into ``DataError/unreadable(path:reason:)``.
func readFileBytes(_ url: URL) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw DataError.unreadable(path: url.path, reason: "no such file")
    }
    if isDirectory.boolValue { throw DataError.unreadable(path: url.path, reason: "is a directory") }
    do {
        return [UInt8](try Data(contentsOf: url))
    } catch {
        throw DataError.unreadable(path: url.path, reason: error.localizedDescription)
    }
}

/// Writes bytes through a temporary file and a rename, so readers never see half a file.
func writeFileAtomically(_ bytes: [UInt8], to url: URL) throws {
    do {
        try Data(bytes).write(to: url, options: .atomic)
    } catch {
        throw DataError.writeFailed(path: url.path, reason: error.localizedDescription)
    }
}
