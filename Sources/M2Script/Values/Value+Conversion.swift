import M2Tensor

extension Value {
    /// The value as an `Int` when it is an int, or a float with an integral value in range.
    public var asInt: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9.2e18: return Int(d)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as a `Double` when it is a number (or a one-element tensor).
    public var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.count == 1: return (try? t.item()).map(Value.widen)
        default: return nil
        }
    }

    /// The elements of a list or tuple.
    public var sequenceItems: [Value]? {
        switch self {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: return nil
        }
    }

    /// Converts numbers and (nested, rectangular) lists of numbers to a tensor.
    /// - Throws: ``RuntimeFailure`` for ragged lists or non-numeric elements.
    public func toTensor() throws -> Tensor {
        if case .tensor(let t) = self { return t }
        var shape: [Int] = []
        var flat: [TensorScalar] = []
        var leafDepth: Int?
        func walk(_ v: Value, depth: Int) throws {
            if depth > 32 { throw RuntimeFailure("lists nested too deeply for a tensor") }
            if let items = v.sequenceItems {
                if depth == shape.count && leafDepth == nil { shape.append(items.count) }
                else if depth >= shape.count || shape[depth] != items.count { throw RuntimeFailure("ragged nested lists cannot become a tensor") }
                for item in items { try walk(item, depth: depth + 1) }
            } else if let d = v.asDouble {
                if depth != shape.count || (leafDepth != nil && leafDepth != depth) {
                    throw RuntimeFailure("ragged nested lists cannot become a tensor")
                }
                leafDepth = depth
                flat.append(TensorScalar(d))
            } else {
                throw RuntimeFailure("a \(v.typeName) cannot become a tensor element")
            }
        }
        try walk(self, depth: 0)
        guard flat.count == shape.reduce(1, *) else { throw RuntimeFailure("ragged nested lists cannot become a tensor") }
        return try Tensor(flat, shape: shape)
    }

    /// A `TensorScalar` as the `Double` with the same shortest decimal form (0.6, not
    /// 0.6000000238418579), so tensor values print the way they were written.
    public static func widen(_ f: TensorScalar) -> Double {
        ScalarMath.widened(f)
    }

    /// Converts a tensor to nested lists of floats (a rank-0 tensor becomes a float).
    public static func fromTensorValues(_ t: Tensor) -> Value {
        let values = t.scalars
        func build(_ dim: Int, _ offset: Int) -> (Value, Int) {
            if dim == t.rank { return (.double(Value.widen(values[offset])), 1) }
            var items: [Value] = []
            var o = offset
            for _ in 0..<t.shape[dim] {
                let (v, n) = build(dim + 1, o)
                items.append(v)
                o += n
            }
            return (.list(ListBox(items)), o - offset)
        }
        return build(0, 0).0
    }
}
