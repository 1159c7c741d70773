import Foundation

/// A JSON value: what every Jupyter message part and an `.ipynb` file are made of.
///
/// Integers stay integers (an `execution_count` must not become `3.0`); objects keep no
/// order (Jupyter's readers do not care, and files are written with sorted keys).
///
/// ```swift
/// let content: JSON = ["code": "1 + 1", "silent": false]
/// content["code"]?.string            // "1 + 1"
/// ```
public enum JSON: Equatable, Sendable {
    /// `null`, `true`/`false`, integers, other numbers, strings, arrays and objects.
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Parses UTF-8 JSON text; nil when it is not JSON.
    public init?(data: Data) {
        guard let value = try? JSONDecoder().decode(JSON.self, from: data) else { return nil }
        self = value
    }

    /// Compact UTF-8 text (sorted keys when `pretty`, indented by one space like nbformat).
    public func encoded(pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        // Every case encodes; a non-finite double is the one value JSON cannot hold.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The member `key` of an object; nil for anything else.
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The text of a string; nil for anything else.
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The value of a boolean; nil for anything else.
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// An integer, or a double with an integral value; nil for anything else.
    public var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
    /// The elements of an array; nil for anything else.
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    /// The members of an object; nil for anything else.
    public var object: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }
}

extension JSON: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
                ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
