/// Joining tensors: concatenation and stacking, differentiable.
extension Tensor {
    /// Joins tensors along an existing axis; all other dimensions must agree.
    public static func cat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "cat", reason: "needs at least one tensor") }
        let a = try Shape.normalizeAxis(axis, rank: first.rank, op: "cat")
        for t in tensors.dropFirst() {
            guard t.rank == first.rank, (0..<t.rank).allSatisfy({ $0 == a || t.shape[$0] == first.shape[$0] }) else {
                throw TensorError.shapeMismatch(op: "cat", lhs: first.shape, rhs: t.shape)
            }
        }
        var shape = first.shape
        shape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
        let out = try Tensor(uninitializedShape: shape)
        var start = 0
        var ranges: [Range<Int>] = []
        for t in tensors {
            let n = t.shape[a]
            let region = try out.index(Array(repeating: .all, count: a) + [.slice(start: start, end: start + n, step: 1)])
            Kernels.copyStrided(from: t, into: region)
            ranges.append(start..<start + n)
            start += n
        }
        return out.recorded("cat", tensors) { g in
            for (t, r) in zip(tensors, ranges) where t.requiresGrad {
                let part = try g.index(Array(repeating: .all, count: a) + [.slice(start: r.lowerBound, end: r.upperBound, step: 1)])
                try t.accumulateGrad(part.contiguous())
            }
        }
    }

    /// Joins same-shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "stack", reason: "needs at least one tensor") }
        for t in tensors where t.shape != first.shape {
            throw TensorError.shapeMismatch(op: "stack", lhs: first.shape, rhs: t.shape)
        }
        let a = try Shape.normalizeAxis(axis, rank: first.rank + 1, op: "stack")
        return try cat(tensors.map { try $0.unsqueeze(a) }, axis: a)
    }
}

extension Kernels {
    /// Copies `src` into the strided view `dst` of the same shape.
    static func copyStrided(from src: Tensor, into dst: Tensor) {
        let s = src.contiguousData()
        defer { withExtendedLifetime(s) {} }
        let p = dst.storage.pointer, x = s.base
        forEachRow(shape: dst.shape, strides: dst.strides, offset: dst.offset) { o, st, n, flat in
            if st == 1 { (p + o).update(from: x + flat, count: n) } else { for i in 0..<n { p[o + i * st] = x[flat + i] } }
        }
    }
}
