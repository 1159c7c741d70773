/// Reduction loops: sums, maxima and their positions over rows of dense memory.
extension Kernels {
    /// Sum of `n` floats with eight independent accumulators (vectorizes, and loses less
    /// precision than one running sum).
    @inline(__always)
    static func sum(_ p: UnsafePointer<TensorScalar>, _ n: Int) -> TensorScalar {
        var acc = SIMD8<TensorScalar>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<TensorScalar>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// The reduction layout of `t` over `axes`: a dense tensor whose rows (`outer` of them,
    /// `length` long) each hold the elements that reduce to one output element.
    static func rowsForReduction(_ t: Tensor, axes: [Int]) -> (data: Tensor, outer: Int, length: Int) {
        let kept = (0..<t.rank).filter { !axes.contains($0) }
        let length = axes.map { t.shape[$0] }.reduce(1, *)
        let outer = kept.map { t.shape[$0] }.reduce(1, *)
        let perm = kept + axes
        let permuted = Tensor(storage: t.storage, shape: perm.map { t.shape[$0] }, strides: perm.map { t.strides[$0] }, offset: t.offset)
        return (permuted.contiguousData(), outer, length)
    }

    /// Sums `t` over `axes` into a dense tensor of shape `outShape`.
    static func reduceSum(_ t: Tensor, axes: [Int], outShape: [Int]) throws -> Tensor {
        let out = try Tensor(uninitializedShape: outShape)
        let o = out.base
        let isPrefix = axes == Array(0..<axes.count)
        if isPrefix && t.isContiguous && !axes.isEmpty {
            // Leading axes (a batch): add whole rows into the output, column-parallel.
            let rows = axes.map { t.shape[$0] }.reduce(1, *)
            let cols = out.count
            let x = t.base
            Parallel.forRanges(cols, costPerItem: rows) { _, r in
                for j in r { o[j] = 0 }
                for i in 0..<rows {
                    let row = x + i * cols
                    for j in r { o[j] += row[j] }
                }
            }
            return out
        }
        let (data, outer, length) = rowsForReduction(t, axes: axes)
        defer { withExtendedLifetime(data) {} }
        let x = data.base
        Parallel.forRanges(outer, costPerItem: length) { _, r in
            for i in r { o[i] = sum(x + i * length, length) }
        }
        return out
    }

    /// The maximum over `axes` and the flat position within each reduced row where it is.
    static func reduceMax(_ t: Tensor, axes: [Int], outShape: [Int]) throws -> (values: Tensor, positions: [Int]) {
        let out = try Tensor(uninitializedShape: outShape)
        let (data, outer, length) = rowsForReduction(t, axes: axes)
        defer { withExtendedLifetime(data) {} }
        let x = data.base, o = out.base
        var positions = [Int](repeating: 0, count: outer)
        positions.withUnsafeMutableBufferPointer { pos in
            let pp = pos.baseAddress!
            Parallel.forRanges(outer, costPerItem: length) { _, r in
                for i in r {
                    let row = x + i * length
                    var best = row[0], at = 0
                    for j in 1..<max(length, 1) where row[j] > best || (row[j].isNaN && !best.isNaN) {
                        best = row[j]; at = j
                    }
                    o[i] = best; pp[i] = at
                }
            }
        }
        return (out, positions)
    }
}
