/// `C = A·B` for the many small products of ``Winograd`` (`[out × in]·[in × tiles]` with 16 to
/// 512 channels and a few hundred tiles), where a BLAS call spends about as long packing
/// both operands and clearing `C` as multiplying (`sgemm_oncopy`, `sgemm_itcopy` and
/// `sgemm_beta` took 9% of the pre-training step against 16% for `sgemm_kernel`).
///
/// Reads both operands in place, row-major: register blocks of 4 rows × 24 columns (twelve
/// 8-wide accumulators, the shape of ``DirectConv``'s micro-kernel) stream over `k` with one
/// broadcast element of `A` per row and three vectors of a row of `B`. Columns past the last
/// block of 24 take blocks of 16 and 8, then single lanes; rows past the last block of 4 take
/// one row at a time. Every element is the sum over `k` in order, one fused multiply-add per
/// term, on whichever thread runs it.
extension Kernels {
    private typealias V = SIMD8<TensorScalar>

    /// `c[i, j] = Σ_p a[i, p]·b[p, j]` for `a [m, k]` (row stride `lda`), `b [k, n]` (row stride
    /// `ldb`), into `c [m, n]` (row stride `ldc`): overwritten, or with `accumulate` added to
    /// (the sum then starts from `c`'s value). Single-threaded.
    static func smallGEMM(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<TensorScalar>, _ lda: Int,
                          _ b: UnsafePointer<TensorScalar>, _ ldb: Int, _ c: UnsafeMutablePointer<TensorScalar>, _ ldc: Int,
                          accumulate: Bool = false) {
        let fullRows = m / 4 * 4
        var j = 0
        while j + 24 <= n {
            for i in stride(from: 0, to: fullRows, by: 4) { block4(k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, vectors: 3, accumulate) }
            j += 24
        }
        if j + 16 <= n {
            for i in stride(from: 0, to: fullRows, by: 4) { block4(k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, vectors: 2, accumulate) }
            j += 16
        }
        if j + 8 <= n {
            for i in stride(from: 0, to: fullRows, by: 4) { block4(k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, vectors: 1, accumulate) }
            j += 8
        }
        let vectorColumns = j
        for i in 0..<m {
            // The rows past the last block of 4, over the vector columns; every row's last lanes.
            if i >= fullRows {
                for j in stride(from: 0, to: vectorColumns, by: 8) {
                    let out = UnsafeMutableRawPointer(c + i * ldc + j)
                    var acc = accumulate ? out.loadUnaligned(as: V.self) : V()
                    for p in 0..<k { acc.addProduct(V(repeating: a[i * lda + p]), UnsafeRawPointer(b + p * ldb + j).loadUnaligned(as: V.self)) }
                    out.storeBytes(of: acc, as: V.self)
                }
            }
            for j in vectorColumns..<n {
                var s: TensorScalar = accumulate ? c[i * ldc + j] : 0
                for p in 0..<k { s = s.addingProduct(a[i * lda + p], b[p * ldb + j]) }
                c[i * ldc + j] = s
            }
        }
    }

    /// Four rows of `c` over `vectors` (1 to 3) 8-wide column groups.
    @inline(__always)
    private static func block4(_ k: Int, _ a: UnsafePointer<TensorScalar>, _ lda: Int, _ b: UnsafePointer<TensorScalar>, _ ldb: Int,
                               _ c: UnsafeMutablePointer<TensorScalar>, _ ldc: Int, vectors: Int, _ accumulate: Bool) {
        var a00 = V(), a01 = V(), a02 = V(), a10 = V(), a11 = V(), a12 = V()
        var a20 = V(), a21 = V(), a22 = V(), a30 = V(), a31 = V(), a32 = V()
        if accumulate {
            (a00, a01, a02) = load(c, vectors)
            (a10, a11, a12) = load(c + ldc, vectors)
            (a20, a21, a22) = load(c + 2 * ldc, vectors)
            (a30, a31, a32) = load(c + 3 * ldc, vectors)
        }
        let (r0, r1, r2, r3) = (a, a + lda, a + 2 * lda, a + 3 * lda)
        var row = UnsafeRawPointer(b)
        let rowBytes = ldb * MemoryLayout<TensorScalar>.stride, vb = MemoryLayout<V>.stride
        switch vectors {
        case 3:
            for p in 0..<k {
                let x0 = row.loadUnaligned(as: V.self), x1 = row.loadUnaligned(fromByteOffset: vb, as: V.self)
                let x2 = row.loadUnaligned(fromByteOffset: 2 * vb, as: V.self)
                let w0 = V(repeating: r0[p]), w1 = V(repeating: r1[p]), w2 = V(repeating: r2[p]), w3 = V(repeating: r3[p])
                a00.addProduct(x0, w0); a01.addProduct(x1, w0); a02.addProduct(x2, w0)
                a10.addProduct(x0, w1); a11.addProduct(x1, w1); a12.addProduct(x2, w1)
                a20.addProduct(x0, w2); a21.addProduct(x1, w2); a22.addProduct(x2, w2)
                a30.addProduct(x0, w3); a31.addProduct(x1, w3); a32.addProduct(x2, w3)
                row += rowBytes
            }
        case 2:
            for p in 0..<k {
                let x0 = row.loadUnaligned(as: V.self), x1 = row.loadUnaligned(fromByteOffset: vb, as: V.self)
                let w0 = V(repeating: r0[p]), w1 = V(repeating: r1[p]), w2 = V(repeating: r2[p]), w3 = V(repeating: r3[p])
                a00.addProduct(x0, w0); a01.addProduct(x1, w0)
                a10.addProduct(x0, w1); a11.addProduct(x1, w1)
                a20.addProduct(x0, w2); a21.addProduct(x1, w2)
                a30.addProduct(x0, w3); a31.addProduct(x1, w3)
                row += rowBytes
            }
        default:
            for p in 0..<k {
                let x0 = row.loadUnaligned(as: V.self)
                a00.addProduct(x0, V(repeating: r0[p])); a10.addProduct(x0, V(repeating: r1[p]))
                a20.addProduct(x0, V(repeating: r2[p])); a30.addProduct(x0, V(repeating: r3[p]))
                row += rowBytes
            }
        }
        store(c, vectors, a00, a01, a02)
        store(c + ldc, vectors, a10, a11, a12)
        store(c + 2 * ldc, vectors, a20, a21, a22)
        store(c + 3 * ldc, vectors, a30, a31, a32)
    }

    @inline(__always)
    private static func load(_ c: UnsafeMutablePointer<TensorScalar>, _ vectors: Int) -> (V, V, V) {
        let o = UnsafeRawPointer(c), vb = MemoryLayout<V>.stride
        return (o.loadUnaligned(as: V.self), vectors > 1 ? o.loadUnaligned(fromByteOffset: vb, as: V.self) : V(),
                vectors > 2 ? o.loadUnaligned(fromByteOffset: 2 * vb, as: V.self) : V())
    }

    @inline(__always)
    private static func store(_ c: UnsafeMutablePointer<TensorScalar>, _ vectors: Int, _ x0: V, _ x1: V, _ x2: V) {
        let o = UnsafeMutableRawPointer(c), vb = MemoryLayout<V>.stride
        o.storeBytes(of: x0, as: V.self)
        if vectors > 1 { o.storeBytes(of: x1, toByteOffset: vb, as: V.self) }
        if vectors > 2 { o.storeBytes(of: x2, toByteOffset: 2 * vb, as: V.self) }
    }
}
