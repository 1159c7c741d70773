/// Raw loops over strided memory, used by every operation that accepts views.
enum Kernels {
    /// Visits the elements of a strided view in row-major order, calling `body` with the
    /// storage offset of each run of the innermost dimension: `(offset, innerStride, length, flatIndex)`.
    @inline(__always)
    static func forEachRow(shape: [Int], strides: [Int], offset: Int, _ body: (Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        if rank == 0 { body(offset, 1, 1, 0); return }
        if shape.contains(0) { return }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        let rows = shape.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var o = offset
        for r in 0..<rows {
            body(o, innerStride, inner, r * inner)
            // Odometer increment over the outer dimensions.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                o += strides[d]
                if index[d] < shape[d] { break }
                o -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Copies a strided view into dense row-major memory.
    static func copyStrided(from t: Tensor, to dst: UnsafeMutablePointer<TensorScalar>) {
        let src = t.storage.pointer
        forEachRow(shape: t.shape, strides: t.strides, offset: t.offset) { o, s, n, flat in
            if s == 1 {
                (dst + flat).update(from: src + o, count: n)
            } else {
                for i in 0..<n { dst[flat + i] = src[o + i * s] }
            }
        }
    }
}
