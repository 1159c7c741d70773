import Foundation

/// Problems reading or writing a state dict, each naming the file and, where there is one,
/// the key.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read, or a written file could not be renamed into place.
    case unreadable(file: String, reason: String)
    /// The file is not valid safetensors: too short, a header longer than the file, or a
    /// header that is not a JSON object.
    case malformed(file: String, reason: String)
    /// One tensor's header entry is unusable: missing fields, an unsupported dtype, a bad
    /// shape or offsets outside the data.
    case badEntry(file: String, key: String, reason: String)
    /// A strict load found missing, unexpected or mis-shaped keys; `report` is the
    /// ``LoadReport``'s text.
    case mismatch(report: String)

    /// The message, e.g. `w.safetensors: tensor 'fc.weight': unsupported dtype U8`.
    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case let .malformed(file, reason): return "\(file): not a valid safetensors file: \(reason)"
        case let .badEntry(file, key, reason): return "\(file): tensor '\(key)': \(reason)"
        case let .mismatch(report): return "state dict does not match the module:\n\(report)"
        }
    }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
/// key to `{dtype, shape, data_offsets}`, then the raw little-endian data.
public enum SafeTensors {
    /// Keys whose values PyTorch stores as 64-bit integers.
    static func isIntegerKey(_ key: String) -> Bool { key.hasSuffix("num_batches_tracked") }

    /// The dtype floating-point tensors are written as: `F32`, or `F64` in the Float64 build.
    static let floatDType = MemoryLayout<TensorScalar>.size == 8 ? "F64" : "F32"

    /// Encodes tensors (in the given order) with optional string metadata.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data()
        for (key, t) in tensors {
            let start = body.count
            let values = t.scalars
            if isIntegerKey(key) {
                for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { body.append(contentsOf: $0) } }
            } else {
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            }
            header[key] = ["dtype": isIntegerKey(key) ? "I64" : floatDType, "shape": t.shape, "data_offsets": [start, body.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }

    /// Decodes a file's bytes into tensors (F32, F64, F16, BF16, I64, I32 become ``TensorScalar``)
    /// and metadata, checking every size and offset.
    public static func decode(_ data: Data, file: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else { throw StateDictError.malformed(file: file, reason: "file is \(data.count) bytes, shorter than the 8-byte header length") }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(data.count - 8) else {
            throw StateDictError.malformed(file: file, reason: "header length \(n) exceeds the file size \(data.count) (truncated?)")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(n)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw StateDictError.malformed(file: file, reason: "header is not a JSON object")
        }
        let bodyStart = 8 + Int(n), bodyCount = data.count - bodyStart
        var tensors: [String: Tensor] = [:], metadata: [String: String] = [:]
        for (key, value) in header {
            if key == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw StateDictError.badEntry(file: file, key: key, reason: "entry needs dtype, shape and two data_offsets")
            }
            let sizes = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4]
            guard let size = sizes[dtype] else { throw StateDictError.badEntry(file: file, key: key, reason: "unsupported dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw StateDictError.badEntry(file: file, key: key, reason: "negative size in shape \(shape)") }
            let count: Int
            do { count = try Shape.elementCount(shape, op: "safetensors") } catch {
                throw StateDictError.badEntry(file: file, key: key, reason: "shape \(shape) is too large")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= bodyCount else {
                throw StateDictError.badEntry(file: file, key: key, reason: "data offsets [\(begin), \(end)] lie outside the \(bodyCount) data bytes (truncated?)")
            }
            guard end - begin == count * size else {
                throw StateDictError.badEntry(file: file, key: key, reason: "\(end - begin) bytes for shape \(shape) of \(dtype) (expected \(count * size))")
            }
            let values: [TensorScalar] = data.withUnsafeBytes { raw in
                let p = raw.baseAddress! + bodyStart + begin
                return (0..<count).map { i in
                    switch dtype {
                    case "F32": return TensorScalar(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
                    case "F64": return TensorScalar(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    case "I64": return TensorScalar(Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                    case "I32": return TensorScalar(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    case "BF16": return TensorScalar(Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16))
                    default: return TensorScalar(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    }
                }
            }
            tensors[key] = try Tensor(values, shape: shape)
        }
        return (tensors, metadata)
    }

    /// Writes atomically: to a temporary file beside the target, then renamed over it.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        try writeAtomically(encode(tensors, metadata: metadata), to: url)
    }

    /// Reads and decodes a file.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw StateDictError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, file: url.path)
    }
}

/// Writes `data` to a temporary file in the target's folder and renames it into place, so an
/// interrupted write never leaves a partial file under the target name.
public func writeAtomically(_ data: Data, to url: URL) throws {
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    do {
        try data.write(to: tmp)
        let fd = open(tmp.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        if rename(tmp.path, url.path) != 0 { throw StateDictError.unreadable(file: url.path, reason: "rename failed: \(String(cString: strerror(errno)))") }
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        throw error
    }
}
