import CZlib

/// gzip/zlib (de)compression through zlib, for IDX files and tests.
public enum Gzip {
    /// Whether `bytes` start with the gzip signature `1f 8b`.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a whole gzip (or zlib) stream held in memory.
    /// - Parameters:
    ///   - bytes: the compressed stream.
    ///   - path: the file it came from, for messages.
    ///   - limit: the largest output accepted, in bytes (refuses decompression bombs).
    /// - Throws: ``DataError/truncated(path:expected:actual:)`` when the stream ends early,
    ///   ``DataError/corrupt(path:reason:)`` when zlib rejects it.
    public static func decompress(_ bytes: [UInt8], path: String, limit: Int = 1 << 33) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: the largest window, with automatic gzip/zlib header detection.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corrupt(path: path, reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(min(max(bytes.count * 4, 1 << 16), limit))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var status: Int32 = Z_OK
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while status != Z_STREAM_END {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buf in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = UInt32(buf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return buf.count - Int(stream.avail_out)
                }
                if status == Z_BUF_ERROR || (status == Z_OK && produced == 0 && stream.avail_in == 0) {
                    throw DataError.truncated(path: path, expected: bytes.count + 1, actual: bytes.count)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DataError.corrupt(path: path, reason: "gzip: \(message)")
                }
                guard out.count + produced <= limit else {
                    throw DataError.corrupt(path: path, reason: "decompresses to more than \(limit) bytes")
                }
                out.append(contentsOf: chunk[0..<produced])
            }
        }
        return out
    }

    /// Compresses bytes into a gzip stream (used to write test fixtures).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: the largest window with a gzip header; memLevel 8 is zlib's default.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.invalidArgument(op: "Gzip.compress", reason: "zlib could not start deflating")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        let written: Int = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                _ = deflate(&stream, Z_FINISH)
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(out[0..<written])
    }
}
