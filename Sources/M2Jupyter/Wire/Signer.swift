import CCrypto
import Foundation

/// Signs and checks Jupyter messages: HMAC-SHA256, keyed by the connection file's `key`,
/// over the header, parent header, metadata and content frames, as lowercase hex. The HMAC
/// is OpenSSL's (libcrypto), not ours.
///
/// An empty key means "no signing" (the protocol's rule): the signature is the empty string
/// and every message is accepted.
public struct Signer: Sendable {
    /// The key's bytes.
    public let key: [UInt8]

    /// A signer for `key` (the connection file's `key` string, used as UTF-8 bytes).
    public init(key: String) { self.key = Array(key.utf8) }

    /// The hex signature of `parts`, or "" without a key.
    public func signature(_ parts: [[UInt8]]) -> String {
        guard !key.isEmpty else { return "" }
        return Signer.hex(mac(parts))
    }

    /// Whether `signature` (hex) is the signature of `parts`, compared in constant time.
    public func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard !key.isEmpty else { return true }
        let expected = Array(Signer.hex(mac(parts)).utf8)
        guard signature.count == expected.count else { return false }
        return CRYPTO_memcmp(signature, expected, expected.count) == 0
    }

    private func mac(_ parts: [[UInt8]]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard let ctx = HMAC_CTX_new() else { return [] }
        defer { HMAC_CTX_free(ctx) }
        guard HMAC_Init_ex(ctx, key, Int32(key.count), EVP_sha256(), nil) == 1 else { return [] }
        for part in parts { guard HMAC_Update(ctx, part, part.count) == 1 else { return [] } }
        guard HMAC_Final(ctx, &out, &length) == 1 else { return [] }
        return Array(out.prefix(Int(length)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
