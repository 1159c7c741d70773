/// The two products of a linear classifier over a block of rows, `Z = X·W` and `Xᵀ·G`, where
/// the class dimension C is thin (10 for Fashion-MNIST). BLAS spends as long packing the tall
/// `X` as multiplying when the other side has ten columns (`sgemm_oncopy` took as much time as
/// the kernel); these loops read `X` in place, with register blocks of 4 rows × 3 classes
/// (forward) and 32 features × 3 classes (transposed), eight lanes wide. Rows, classes and
/// features past the last full block take the same sums in a plainer loop.
extension Kernels {
    private typealias V = SIMD8<TensorScalar>
    private static let lanes = 8

    @inline(__always)
    private static func load(_ p: UnsafePointer<TensorScalar>, _ i: Int) -> V {
        UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
    }

    /// `z[r, c] = Σ_k x[r, k]·wt[c, k]` for `x [m, d]` and `wt [C, d]` (one class per row),
    /// into `z [m, C]`.
    static func thinProduct(_ x: UnsafePointer<TensorScalar>, rows m: Int, columns d: Int,
                            _ wt: UnsafePointer<TensorScalar>, classes C: Int, _ z: UnsafeMutablePointer<TensorScalar>) {
        let fullRows = m / 4 * 4, fullClasses = C / 3 * 3
        for r in stride(from: 0, to: fullRows, by: 4) {
            for c in stride(from: 0, to: fullClasses, by: 3) { block4x3(x + r * d, d, wt + c * d, z + r * C + c, C) }
            for c in fullClasses..<C { block4x1(x + r * d, d, wt + c * d, z + r * C + c, C) }
        }
        for r in fullRows..<m { for c in 0..<C { z[r * C + c] = dot(x + r * d, wt + c * d, d) } }
    }

    /// `out[k, c] = Σ_r x[r, k]·g[r, c]` for `x [m, d]` and `g [m, C]`, into `out [d, C]`
    /// (overwritten).
    static func thinTransposedProduct(_ x: UnsafePointer<TensorScalar>, rows m: Int, columns d: Int,
                                      _ g: UnsafePointer<TensorScalar>, classes C: Int, _ out: UnsafeMutablePointer<TensorScalar>) {
        let fullFeatures = d / 32 * 32, fullClasses = C / 3 * 3
        func tiles(_ x: UnsafePointer<TensorScalar>, stride: Int, valid: Int, _ out: UnsafeMutablePointer<TensorScalar>) {
            for c in Swift.stride(from: 0, to: fullClasses, by: 3) { tile32x3(x, stride, m, g + c, C, out + c, valid) }
            for c in fullClasses..<C { tile32x1(x, stride, m, g + c, C, out + c, valid) }
        }
        for k in stride(from: 0, to: fullFeatures, by: 32) { tiles(x + k, stride: d, valid: 32, out + k * C) }
        let rest = d - fullFeatures
        guard rest > 0 else { return }
        // The last features, zero-padded to a full tile.
        let padded = UnsafeMutablePointer<TensorScalar>.allocate(capacity: m * 32)
        defer { padded.deallocate() }
        padded.initialize(repeating: 0, count: m * 32)
        for r in 0..<m { Kernels.copyRow(padded + r * 32, from: x + r * d + fullFeatures, count: rest) }
        tiles(padded, stride: 32, valid: rest, out + fullFeatures * C)
    }

    @inline(__always)
    private static func dot(_ a: UnsafePointer<TensorScalar>, _ b: UnsafePointer<TensorScalar>, _ n: Int) -> TensorScalar {
        var acc = V(), k = 0
        while k + lanes <= n { acc.addProduct(load(a, k), load(b, k)); k += lanes }
        var s = acc.sum()
        while k < n { s += a[k] * b[k]; k += 1 }
        return s
    }

    /// Four rows of `x` against three rows of `wt`.
    @inline(__always)
    private static func block4x3(_ x: UnsafePointer<TensorScalar>, _ d: Int, _ w: UnsafePointer<TensorScalar>,
                                 _ z: UnsafeMutablePointer<TensorScalar>, _ C: Int) {
        var a00 = V(), a01 = V(), a02 = V(), a10 = V(), a11 = V(), a12 = V()
        var a20 = V(), a21 = V(), a22 = V(), a30 = V(), a31 = V(), a32 = V()
        let (x0, x1, x2, x3) = (x, x + d, x + 2 * d, x + 3 * d)
        let (w0, w1, w2) = (w, w + d, w + 2 * d)
        var k = 0
        while k + lanes <= d {
            let (u0, u1, u2) = (load(w0, k), load(w1, k), load(w2, k))
            let v0 = load(x0, k), v1 = load(x1, k), v2 = load(x2, k), v3 = load(x3, k)
            a00.addProduct(v0, u0); a01.addProduct(v0, u1); a02.addProduct(v0, u2)
            a10.addProduct(v1, u0); a11.addProduct(v1, u1); a12.addProduct(v1, u2)
            a20.addProduct(v2, u0); a21.addProduct(v2, u1); a22.addProduct(v2, u2)
            a30.addProduct(v3, u0); a31.addProduct(v3, u1); a32.addProduct(v3, u2)
            k += lanes
        }
        (z[0], z[1], z[2]) = (a00.sum(), a01.sum(), a02.sum())
        (z[C], z[C + 1], z[C + 2]) = (a10.sum(), a11.sum(), a12.sum())
        (z[2 * C], z[2 * C + 1], z[2 * C + 2]) = (a20.sum(), a21.sum(), a22.sum())
        (z[3 * C], z[3 * C + 1], z[3 * C + 2]) = (a30.sum(), a31.sum(), a32.sum())
        for t in k..<d {
            for i in 0..<4 { for j in 0..<3 { z[i * C + j] += x[i * d + t] * w[j * d + t] } }
        }
    }

    /// Four rows of `x` against one row of `wt`, two steps at a time (eight independent sums:
    /// one chain per row would wait on the FMA latency).
    @inline(__always)
    private static func block4x1(_ x: UnsafePointer<TensorScalar>, _ d: Int, _ w: UnsafePointer<TensorScalar>,
                                 _ z: UnsafeMutablePointer<TensorScalar>, _ C: Int) {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
        let (x0, x1, x2, x3) = (x, x + d, x + 2 * d, x + 3 * d)
        var k = 0
        while k + 2 * lanes <= d {
            let (u, v) = (load(w, k), load(w, k + lanes))
            a0.addProduct(load(x0, k), u); a1.addProduct(load(x1, k), u); a2.addProduct(load(x2, k), u); a3.addProduct(load(x3, k), u)
            b0.addProduct(load(x0, k + lanes), v); b1.addProduct(load(x1, k + lanes), v)
            b2.addProduct(load(x2, k + lanes), v); b3.addProduct(load(x3, k + lanes), v)
            k += 2 * lanes
        }
        (z[0], z[C], z[2 * C], z[3 * C]) = ((a0 + b0).sum(), (a1 + b1).sum(), (a2 + b2).sum(), (a3 + b3).sum())
        for t in k..<d { for i in 0..<4 { z[i * C] += x[i * d + t] * w[t] } }
    }

    /// Thirty-two features × three classes, summed over the rows.
    @inline(__always)
    private static func tile32x3(_ x: UnsafePointer<TensorScalar>, _ d: Int, _ m: Int, _ g: UnsafePointer<TensorScalar>, _ C: Int,
                                 _ out: UnsafeMutablePointer<TensorScalar>, _ valid: Int) {
        var a00 = V(), a01 = V(), a02 = V(), a10 = V(), a11 = V(), a12 = V()
        var a20 = V(), a21 = V(), a22 = V(), a30 = V(), a31 = V(), a32 = V()
        for r in 0..<m {
            let row = x + r * d, gr = g + r * C
            let v0 = load(row, 0), v1 = load(row, 8), v2 = load(row, 16), v3 = load(row, 24)
            let (u0, u1, u2) = (V(repeating: gr[0]), V(repeating: gr[1]), V(repeating: gr[2]))
            a00.addProduct(v0, u0); a01.addProduct(v0, u1); a02.addProduct(v0, u2)
            a10.addProduct(v1, u0); a11.addProduct(v1, u1); a12.addProduct(v1, u2)
            a20.addProduct(v2, u0); a21.addProduct(v2, u1); a22.addProduct(v2, u2)
            a30.addProduct(v3, u0); a31.addProduct(v3, u1); a32.addProduct(v3, u2)
        }
        for (i, (s0, s1, s2)) in [(a00, a01, a02), (a10, a11, a12), (a20, a21, a22), (a30, a31, a32)].enumerated() {
            for l in 0..<Swift.max(0, Swift.min(lanes, valid - i * lanes)) {
                let o = out + (i * lanes + l) * C
                (o[0], o[1], o[2]) = (s0[l], s1[l], s2[l])
            }
        }
    }

    /// Thirty-two features × one class, summed over the rows two at a time (eight independent sums).
    @inline(__always)
    private static func tile32x1(_ x: UnsafePointer<TensorScalar>, _ d: Int, _ m: Int, _ g: UnsafePointer<TensorScalar>, _ C: Int,
                                 _ out: UnsafeMutablePointer<TensorScalar>, _ valid: Int) {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
        var r = 0
        while r + 2 <= m {
            let (row, next) = (x + r * d, x + (r + 1) * d)
            let (u, v) = (V(repeating: g[r * C]), V(repeating: g[(r + 1) * C]))
            a0.addProduct(load(row, 0), u); a1.addProduct(load(row, 8), u); a2.addProduct(load(row, 16), u); a3.addProduct(load(row, 24), u)
            b0.addProduct(load(next, 0), v); b1.addProduct(load(next, 8), v); b2.addProduct(load(next, 16), v); b3.addProduct(load(next, 24), v)
            r += 2
        }
        if r < m {
            let row = x + r * d, u = V(repeating: g[r * C])
            a0.addProduct(load(row, 0), u); a1.addProduct(load(row, 8), u); a2.addProduct(load(row, 16), u); a3.addProduct(load(row, 24), u)
        }
        for (i, s) in [a0 + b0, a1 + b1, a2 + b2, a3 + b3].enumerated() {
            for l in 0..<Swift.max(0, Swift.min(lanes, valid - i * lanes)) { out[(i * lanes + l) * C] = s[l] }
        }
    }
}
