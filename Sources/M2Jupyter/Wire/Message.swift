import Foundation

/// One Jupyter message (messaging protocol 5.3): who it is routed to, its four JSON parts
/// and any binary buffers.
///
/// On the wire it is a multipart ZeroMQ message:
/// `identities… | "<IDS|MSG>" | signature | header | parent_header | metadata | content | buffers…`.
public struct Message: Equatable, Sendable {
    /// The protocol version this kernel speaks.
    public static let protocolVersion = "5.3"
    /// The frame that separates routing identities from the message.
    public static let delimiter = Array("<IDS|MSG>".utf8)

    /// Routing identities (ROUTER sockets) or the topic (IOPub).
    public var identities: [[UInt8]] = []
    /// `msg_id`, `session`, `username`, `date`, `msg_type`, `version`.
    public var header: JSON
    /// The header of the message this one answers, or `{}`.
    public var parentHeader: JSON
    /// Free-form metadata.
    public var metadata: JSON = [:]
    /// The message's body.
    public var content: JSON
    /// Extra binary frames (unused by this kernel, kept when received).
    public var buffers: [[UInt8]] = []

    /// The `msg_type` of the header ("" when missing).
    public var type: String { header["msg_type"]?.string ?? "" }

    /// A new message of `type` with a fresh header, answering `parent` (when given) and
    /// routed to its identities.
    public init(type: String, content: JSON, parent: Message? = nil, session: String, metadata: JSON = [:]) {
        header = [
            "msg_id": .string(UUID().uuidString.lowercased()), "session": .string(session), "username": "m2t",
            "date": .string(Message.timestamp()), "msg_type": .string(type), "version": .string(Message.protocolVersion),
        ]
        parentHeader = parent?.header ?? [:]
        self.metadata = metadata
        self.content = content
        identities = parent?.identities ?? []
    }

    /// A message from its parts (as received).
    public init(identities: [[UInt8]], header: JSON, parentHeader: JSON, metadata: JSON, content: JSON, buffers: [[UInt8]] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// Why a received multipart message was not accepted.
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case noDelimiter, missingParts(Int), badSignature, notJSON(String), notAnObject(String)
        public var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter"
            case .missingParts(let n): return "\(n) frames after the delimiter, at least 5 expected"
            case .badSignature: return "wrong signature"
            case .notJSON(let part): return "\(part) is not JSON"
            case .notAnObject(let part): return "\(part) is not a JSON object"
            }
        }
    }

    /// Parses and checks a received multipart message.
    /// - Throws: ``DecodingError`` — the caller drops the message and logs why.
    public static func decode(_ frames: [[UInt8]], signer: Signer) throws -> Message {
        guard let d = frames.firstIndex(of: delimiter) else { throw DecodingError.noDelimiter }
        let rest = Array(frames[(d + 1)...])
        guard rest.count >= 5 else { throw DecodingError.missingParts(rest.count) }
        guard signer.verify(rest[0], Array(rest[1...4])) else { throw DecodingError.badSignature }
        var parts: [JSON] = []
        for (i, name) in ["header", "parent_header", "metadata", "content"].enumerated() {
            guard let json = JSON(data: Data(rest[i + 1])) else { throw DecodingError.notJSON(name) }
            guard case .object = json else { throw DecodingError.notAnObject(name) }
            parts.append(json)
        }
        guard parts[0]["msg_type"]?.string != nil else { throw DecodingError.notAnObject("header.msg_type") }
        return Message(identities: Array(frames[..<d]), header: parts[0], parentHeader: parts[1], metadata: parts[2],
                       content: parts[3], buffers: Array(rest.dropFirst(5)))
    }

    /// The frames to send, signed.
    public func encode(signer: Signer) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { [UInt8]($0.encoded()) }
        return identities + [Message.delimiter, Array(signer.signature(parts).utf8)] + parts + buffers
    }

    /// Now in ISO 8601 with microseconds, UTC (`2024-05-01T12:00:00.123456Z`).
    static func timestamp(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let micros = Int((seconds - seconds.rounded(.down)) * 1e6)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}
