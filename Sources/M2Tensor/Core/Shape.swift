/// Shape arithmetic shared by every operation: element counts, strides, broadcasting, axes.
public enum Shape {
    /// Row-major strides for a dense tensor of this shape.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = s
            s *= max(shape[d], 1)
        }
        return strides
    }

    /// Whether the strides describe a dense row-major layout (size-1 dims are free).
    public static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// The number of elements, checked for negative sizes and overflow.
    public static func elementCount(_ shape: [Int], op: String) throws -> Int {
        var n = 1
        for s in shape {
            guard s >= 0 else { throw TensorError.invalidShape(op: op, shape: shape, reason: "sizes must not be negative") }
            let (m, o) = n.multipliedReportingOverflow(by: s)
            guard !o else { throw TensorError.allocationTooLarge(elements: Int.max, bytes: Int.max, limit: BufferPool.shared.limitBytes) }
            n = m
        }
        return n
    }

    /// NumPy broadcasting: align from the right; sizes must agree or be 1.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            if x == y || y == 1 { out[i] = x } else if x == 1 { out[i] = y } else {
                throw TensorError.shapeMismatch(op: op, lhs: a, rhs: b)
            }
        }
        return out
    }

    /// Strides that read a tensor of `shape`/`strides` as if it had shape `target`
    /// (broadcast dimensions get stride 0).
    static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
        var out = [Int](repeating: 0, count: target.count)
        let lead = target.count - shape.count
        for d in 0..<shape.count where shape[d] != 1 {
            out[d + lead] = strides[d]
        }
        return out
    }

    /// Resolves a possibly negative axis against a rank (a rank-0 tensor has no axes).
    public static func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { throw TensorError.axisOutOfRange(op: op, axis: axis, rank: rank) }
        return a
    }

    /// Resolves a list of axes (`nil` = all), sorted, without duplicates.
    public static func normalizeAxes(_ axes: [Int]?, rank: Int, op: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        var seen = Set<Int>()
        for a in axes {
            let n = try normalizeAxis(a, rank: rank, op: op)
            guard seen.insert(n).inserted else {
                throw TensorError.invalidArgument(op: op, reason: "axis \(a) is repeated")
            }
        }
        return seen.sorted()
    }
}
