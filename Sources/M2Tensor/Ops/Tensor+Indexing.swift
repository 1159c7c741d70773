/// One component of an index expression such as `x[0, 1:3, ::2]`.
public enum TensorIndex: Equatable, Sendable {
    /// A single position; removes the dimension. Negative counts from the end.
    case at(Int)
    /// A Python-style slice `start:end:step`; `nil` bounds mean the ends.
    case slice(start: Int?, end: Int?, step: Int?)
    /// `...`: as many full slices as needed.
    case ellipsis
    /// A new axis of size 1.
    case newAxis

    /// The full slice `:`.
    public static let all = TensorIndex.slice(start: nil, end: nil, step: nil)
}

/// Indexing and slicing as views, and selection by lists of indices.
extension Tensor {
    /// The view addressed by an index expression (NumPy basic indexing); differentiable.
    public func index(_ items: [TensorIndex]) throws -> Tensor {
        let explicit = items.filter { $0 != .ellipsis && $0 != .newAxis }.count
        guard explicit <= rank else {
            throw TensorError.invalidArgument(op: "index", reason: "\(explicit) indices for a tensor of rank \(rank)")
        }
        guard items.filter({ $0 == .ellipsis }).count <= 1 else {
            throw TensorError.invalidArgument(op: "index", reason: "at most one '...' is allowed")
        }
        var expanded: [TensorIndex] = []
        for item in items {
            if item == .ellipsis { expanded += Array(repeating: .all, count: rank - explicit) } else { expanded.append(item) }
        }
        while expanded.filter({ $0 != .newAxis }).count < rank { expanded.append(.all) }

        var newShape: [Int] = [], newStrides: [Int] = []
        var o = offset, d = 0
        for item in expanded {
            switch item {
            case .newAxis:
                newShape.append(1); newStrides.append(0)
            case .at(let i):
                let j = i < 0 ? i + shape[d] : i
                guard j >= 0 && j < shape[d] else { throw TensorError.indexOutOfRange(op: "index", index: i, size: shape[d], axis: d) }
                o += j * strides[d]
                d += 1
            case let .slice(start, end, step):
                let (lo, n, st) = try Tensor.resolveSlice(start: start, end: end, step: step, size: shape[d])
                o += lo * strides[d]
                newShape.append(n); newStrides.append(strides[d] * st)
                d += 1
            case .ellipsis:
                break
            }
        }
        let view = Tensor(storage: storage, shape: newShape, strides: newStrides, offset: o)
        let inShape = shape
        return view.recorded("index", [self]) { [self] g in
            // Scatter the gradient into zeros through the same index expression.
            let full = try Tensor.zeros(inShape)
            Kernels.addStrided(g, into: try full.index(items))
            try self.accumulateGrad(full)
        }
    }

    /// Resolves Python slice bounds against a size: (first index, count, step).
    static func resolveSlice(start: Int?, end: Int?, step: Int?, size: Int) throws -> (Int, Int, Int) {
        let st = step ?? 1
        guard st != 0 else { throw TensorError.invalidArgument(op: "slice", reason: "slice step cannot be zero") }
        func clampBound(_ v: Int, _ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(v, lo), hi) }
        if st > 0 {
            var lo = start ?? 0; if lo < 0 { lo += size }; lo = clampBound(lo, 0, size)
            var hi = end ?? size; if hi < 0 { hi += size }; hi = clampBound(hi, 0, size)
            return (lo, hi > lo ? (hi - lo + st - 1) / st : 0, st)
        } else {
            var lo = start ?? size - 1; if lo < 0 { lo += size }; lo = clampBound(lo, -1, size - 1)
            var hi: Int
            if let end { hi = end < 0 ? end + size : end; hi = clampBound(hi, -1, size - 1) } else { hi = -1 }
            return (lo, lo > hi ? (lo - hi + (-st) - 1) / (-st) : 0, st)
        }
    }

    /// Rows (or entries along `axis`) picked by position, like `torch.index_select`.
    public func indexSelect(axis: Int, indices: [Int]) throws -> Tensor {
        let a = try Shape.normalizeAxis(axis, rank: rank, op: "index_select")
        let size = shape[a]
        let idx = try indices.map { i -> Int in
            let j = i < 0 ? i + size : i
            guard j >= 0 && j < size else { throw TensorError.indexOutOfRange(op: "index_select", index: i, size: size, axis: a) }
            return j
        }
        let parts = try idx.map { try index(Array(repeating: .all, count: a) + [.slice(start: $0, end: $0 + 1, step: 1)]) }
        if parts.isEmpty {
            var s = shape; s[a] = 0
            return try Tensor.zeros(s)
        }
        return try Tensor.cat(parts, axis: a)
    }

    /// `torch.gather`: `out[i][j] = self[i][index[i][j]]` along `axis` for 2-D, generally the
    /// element at the same position with the `axis` coordinate replaced by the index value.
    public func gather(axis: Int, index: Tensor) throws -> Tensor {
        let a = try Shape.normalizeAxis(axis, rank: rank, op: "gather")
        guard index.rank == rank else { throw TensorError.shapeMismatch(op: "gather", lhs: shape, rhs: index.shape) }
        for d in 0..<rank where d != a && index.shape[d] > shape[d] {
            throw TensorError.shapeMismatch(op: "gather", lhs: shape, rhs: index.shape)
        }
        let idx = index.contiguousData()
        defer { withExtendedLifetime(idx) {} }
        let src = contiguousData()
        defer { withExtendedLifetime(src) {} }
        let out = try Tensor(uninitializedShape: index.shape)
        let outStrides = Shape.contiguousStrides(index.shape)
        let inStrides = Shape.contiguousStrides(shape)
        // Dense positions in the input of each output element, kept for the backward pass.
        var positions = [Int](repeating: 0, count: out.count)
        for flat in 0..<out.count {
            var rem = flat, o = 0
            for d in 0..<rank {
                let c = rem / outStrides[d]
                rem %= outStrides[d]
                if d == a {
                    let v = idx.base[flat]
                    guard v.isFinite, v == v.rounded(), v >= 0, Int(v) < shape[a] else {
                        throw TensorError.indexOutOfRange(op: "gather", index: v.isFinite ? Int(v) : -1, size: shape[a], axis: a)
                    }
                    o += Int(v) * inStrides[d]
                } else {
                    o += c * inStrides[d]
                }
            }
            positions[flat] = o
            out.base[flat] = src.base[o]
        }
        let inShape = shape
        return out.recorded("gather", [self]) { [self] g in
            let full = try Tensor.zeros(inShape)
            let gc = g.contiguousData()
            defer { withExtendedLifetime(gc) {} }
            for (flat, o) in positions.enumerated() { full.base[o] += gc.base[flat] }
            try self.accumulateGrad(full)
        }
    }
}

extension Kernels {
    /// `dst += src` elementwise, where `dst` is a strided view and `src` has its shape.
    static func addStrided(_ src: Tensor, into dst: Tensor) {
        let s = src.contiguousData()
        defer { withExtendedLifetime(s) {} }
        let p = dst.storage.pointer, x = s.base
        forEachRow(shape: dst.shape, strides: dst.strides, offset: dst.offset) { o, st, n, flat in
            for i in 0..<n { p[o + i * st] += x[flat + i] }
        }
    }
}
