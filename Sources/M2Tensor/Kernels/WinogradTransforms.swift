/// The transforms of Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2016), eight tiles or filters at a time, one
/// per SIMD lane.
///
/// A 4×4 output tile of a 3×3 cross-correlation is `Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` for the
/// 6×6 input tile `d` and the filter `g`, with the interpolation points 0, ±1, ±2, ∞:
///
///     Bᵀ = [4  0 −5  0  1  0]    G = [ 1/4     0     0 ]    Aᵀ = [1  1  1  1  1  0]
///          [0 −4 −4  1  1  0]        [−1/6  −1/6  −1/6]         [0  1 −1  2 −2  0]
///          [0  4 −4 −1  1  0]        [−1/6   1/6  −1/6]         [0  1  1  4  4  0]
///          [0 −2 −1  2  1  0]        [1/24  1/12   1/6]         [0  1 −1  8 −8  1]
///          [0  2 −1 −2  1  0]        [1/24 −1/12   1/6]
///          [0  4  0 −5  0  1]        [ 0     0     1  ]
///
/// The weight gradient follows from the same identity: `∂L/∂g = Gᵀ[Σ_tiles (A ∂Y Aᵀ) ⊙ (Bᵀ d B)]G`.
/// Transformed tiles are indexed `ξ = 6·k + l`, `k` along the height and `l` along the width.
enum WinogradTransforms {
    typealias V = SIMD8<TensorScalar>

    // MARK: One dimension

    /// `Bᵀd`: six inputs to six.
    @inline(__always)
    static func input(_ d0: V, _ d1: V, _ d2: V, _ d3: V, _ d4: V, _ d5: V) -> (V, V, V, V, V, V) {
        let a = d4 - d2, b = d3 - d1
        return (4 * (d0 - d2) + a, (d3 + d4) - 4 * (d1 + d2), (d4 - d3) + 4 * (d1 - d2), a + 2 * b, a - 2 * b, 4 * (d1 - d3) + (d5 - d3))
    }

    /// `Aᵀm`: six transformed values to four outputs.
    @inline(__always)
    static func output(_ m0: V, _ m1: V, _ m2: V, _ m3: V, _ m4: V, _ m5: V) -> (V, V, V, V) {
        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
        return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
    }

    /// `Gg`: three taps to six.
    @inline(__always)
    static func kernel(_ g0: V, _ g1: V, _ g2: V) -> (V, V, V, V, V, V) {
        let s = g0 + g2, q = g0 / 4 + g2
        return (g0 / 4, -(s + g1) / 6, (g1 - s) / 6, (q + g1 / 2) / 6, (q - g1 / 2) / 6, g2)
    }

    /// `Gᵀu`: six transformed gradients to three taps.
    @inline(__always)
    static func kernelGradient(_ u0: V, _ u1: V, _ u2: V, _ u3: V, _ u4: V, _ u5: V) -> (V, V, V) {
        let s12 = u1 + u2, s34 = u3 + u4
        return (u0 / 4 - s12 / 6 + s34 / 24, (u2 - u1) / 6 + (u3 - u4) / 12, (s34 - s12) / 6 + u5)
    }

    /// `Ae`: four output gradients to six.
    @inline(__always)
    static func outputGradient(_ e0: V, _ e1: V, _ e2: V, _ e3: V) -> (V, V, V, V, V, V) {
        let s02 = e0 + e2, s13 = e1 + e3, p = e0 + 4 * e2, q = 2 * e1 + 8 * e3
        return (e0, s02 + s13, s02 - s13, p + q, p - q, e3)
    }

    // MARK: Eight tiles

    /// Copies a `rows × cols` window of eight tiles (`base + offsets[k]`, rows `rowStride`
    /// apart) into `dst[(i·cols + j)·8 + k]`, so the transforms read whole vectors. Plain moves:
    /// building the vectors from scalars lets the compiler turn the arithmetic scalar too.
    @inline(__always)
    static func gather(_ base: UnsafePointer<TensorScalar>, _ offsets: UnsafePointer<Int>, rows: Int, cols: Int, rowStride: Int,
                       _ dst: UnsafeMutablePointer<TensorScalar>) {
        for k in 0..<8 {
            let p = base + offsets[k]
            for i in 0..<rows {
                for j in 0..<cols { dst[(i * cols + j) * 8 + k] = p[i * rowStride + j] }
            }
        }
    }

    /// Whether the eight tiles at `offsets` lie in pairs side by side (`offsets[2m + 1] ==
    /// offsets[2m] + 4`), as they do when an image is an even number of tiles wide.
    @inline(__always)
    static func inPairs(_ offsets: UnsafePointer<Int>) -> Bool {
        offsets[1] == offsets[0] + 4 && offsets[3] == offsets[2] + 4 && offsets[5] == offsets[4] + 4 && offsets[7] == offsets[6] + 4
    }

    /// ``gather(_:_:rows:cols:rowStride:_:)`` for tiles ``inPairs(_:)``: one 8-wide load holds
    /// four columns of two tiles, and shuffles sort four such loads by column. Reads up to two
    /// scalars past a 6-wide window.
    @inline(__always)
    static func gatherPairs(_ base: UnsafePointer<TensorScalar>, _ offsets: UnsafePointer<Int>, rows: Int, cols: Int, rowStride: Int,
                            _ dst: UnsafeMutablePointer<TensorScalar>) {
        let p0 = base + offsets[0], p1 = base + offsets[2], p2 = base + offsets[4], p3 = base + offsets[6]
        for i in 0..<rows {
            for shift in stride(from: 0, to: cols, by: 4) {
                let r = i * rowStride + shift
                let x = SIMD16(lowHalf: load(p0 + r), highHalf: load(p1 + r)), y = SIMD16(lowHalf: load(p2 + r), highHalf: load(p3 + r))
                let (xe, xo, ye, yo) = (x.evenHalf, x.oddHalf, y.evenHalf, y.oddHalf)
                let d = dst + (i * cols + shift) * 8
                store(V(lowHalf: xe.evenHalf, highHalf: ye.evenHalf), d)
                store(V(lowHalf: xo.evenHalf, highHalf: yo.evenHalf), d + 8)
                if shift + 2 < cols {
                    store(V(lowHalf: xe.oddHalf, highHalf: ye.oddHalf), d + 16)
                    store(V(lowHalf: xo.oddHalf, highHalf: yo.oddHalf), d + 24)
                }
            }
        }
    }

    /// Writes eight 4×4 output tiles ``inPairs(_:)`` (`out[4a + b]` as from
    /// ``outputTiles(_:srcStride:_:_:)``) plus `bias` to `base + offsets[k] + a·rowStride + b`:
    /// row `a` of two neighbouring tiles is one 8-wide store.
    @inline(__always)
    static func scatterPairs(_ out: UnsafePointer<V>, bias: TensorScalar, _ base: UnsafeMutablePointer<TensorScalar>, _ offsets: UnsafePointer<Int>,
                             rowStride: Int) {
        for a in 0..<4 {
            let (p0, p1, p2, p3) = rowPairs(out, a, bias: bias), r = a * rowStride
            store(p0, base + offsets[0] + r); store(p1, base + offsets[2] + r)
            store(p2, base + offsets[4] + r); store(p3, base + offsets[6] + r)
        }
    }

    /// Row `a` of eight output tiles (`out[4a + b]`, one tile per lane) plus `bias`, two tiles
    /// per vector: tiles 0 and 1, 2 and 3, 4 and 5, 6 and 7, each tile's four values in order.
    @inline(__always)
    static func rowPairs(_ out: UnsafePointer<V>, _ a: Int, bias: TensorScalar) -> (V, V, V, V) {
        let b = V(repeating: bias)
        let (c0, c1, c2, c3) = (out[4 * a], out[4 * a + 1], out[4 * a + 2], out[4 * a + 3])
        return (V(c0[0], c1[0], c2[0], c3[0], c0[1], c1[1], c2[1], c3[1]) + b, V(c0[2], c1[2], c2[2], c3[2], c0[3], c1[3], c2[3], c3[3]) + b,
                V(c0[4], c1[4], c2[4], c3[4], c0[5], c1[5], c2[5], c3[5]) + b, V(c0[6], c1[6], c2[6], c3[6], c0[7], c1[7], c2[7], c3[7]) + b)
    }

    /// Writes those of eight 4×4 output tiles whose bit is set in `whole` (each lying wholly
    /// inside its image, anywhere) plus `bias` to `base + offsets[k] + a·rowStride + b`: row `a`
    /// of a tile is one 4-wide store. The values and their places are those of
    /// ``scatterPairs(_:bias:_:_:rowStride:)``, for tiles that are not side by side.
    @inline(__always)
    static func scatterWhole(_ out: UnsafePointer<V>, bias: TensorScalar, _ base: UnsafeMutablePointer<TensorScalar>, _ offsets: UnsafePointer<Int>,
                             rowStride: Int, whole: UInt8) {
        for a in 0..<4 {
            let (p0, p1, p2, p3) = rowPairs(out, a, bias: bias), r = a * rowStride
            halves(p0, base, offsets, r, whole, 0); halves(p1, base, offsets, r, whole, 2)
            halves(p2, base, offsets, r, whole, 4); halves(p3, base, offsets, r, whole, 6)
        }
    }

    /// Row `r` of tiles `k` and `k + 1` (the halves of `v`), each if its bit is set in `whole`.
    @inline(__always)
    private static func halves(_ v: V, _ base: UnsafeMutablePointer<TensorScalar>, _ offsets: UnsafePointer<Int>, _ r: Int, _ whole: UInt8, _ k: Int) {
        if whole & (1 << k) != 0 { store(v.lowHalf, base + offsets[k] + r) }
        if whole & (2 << k) != 0 { store(v.highHalf, base + offsets[k + 1] + r) }
    }

    @inline(__always)
    static func store(_ v: SIMD4<TensorScalar>, _ p: UnsafeMutablePointer<TensorScalar>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<TensorScalar>.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<TensorScalar>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<TensorScalar>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    /// `Bᵀ d B` of eight 6×6 tiles gathered as `d[(6i + j)·8 + lane]`; value ξ goes to
    /// `dst + ξ·dstStride` (eight consecutive scalars). `t` holds 36 vectors of scratch.
    @inline(__always)
    static func inputTiles(_ d: UnsafePointer<TensorScalar>, _ dst: UnsafeMutablePointer<TensorScalar>, dstStride: Int, _ t: UnsafeMutablePointer<V>) {
        for i in 0..<6 {
            let r = d + 48 * i
            let e = input(load(r), load(r + 8), load(r + 16), load(r + 24), load(r + 32), load(r + 40))
            (t[6 * i], t[6 * i + 1], t[6 * i + 2], t[6 * i + 3], t[6 * i + 4], t[6 * i + 5]) = e
        }
        for l in 0..<6 {
            let v = input(t[l], t[6 + l], t[12 + l], t[18 + l], t[24 + l], t[30 + l])
            store(v.0, dst + l * dstStride); store(v.1, dst + (6 + l) * dstStride); store(v.2, dst + (12 + l) * dstStride)
            store(v.3, dst + (18 + l) * dstStride); store(v.4, dst + (24 + l) * dstStride); store(v.5, dst + (30 + l) * dstStride)
        }
    }

    /// `A e Aᵀ` of eight 4×4 output-gradient tiles gathered as `e[(4a + b)·8 + lane]`, laid
    /// out as ``inputTiles(_:_:dstStride:_:)``.
    @inline(__always)
    static func outputGradientTiles(_ e: UnsafePointer<TensorScalar>, _ dst: UnsafeMutablePointer<TensorScalar>, dstStride: Int, _ t: UnsafeMutablePointer<V>) {
        for a in 0..<4 {
            let r = e + 32 * a
            (t[6 * a], t[6 * a + 1], t[6 * a + 2], t[6 * a + 3], t[6 * a + 4], t[6 * a + 5]) = outputGradient(load(r), load(r + 8), load(r + 16), load(r + 24))
        }
        for l in 0..<6 {
            let z = outputGradient(t[l], t[6 + l], t[12 + l], t[18 + l])
            store(z.0, dst + l * dstStride); store(z.1, dst + (6 + l) * dstStride); store(z.2, dst + (12 + l) * dstStride)
            store(z.3, dst + (18 + l) * dstStride); store(z.4, dst + (24 + l) * dstStride); store(z.5, dst + (30 + l) * dstStride)
        }
    }

    /// `Aᵀ M A` of eight tiles whose value ξ is at `src + ξ·srcStride`: output `(a, b)` goes to
    /// `out[4a + b]`.
    @inline(__always)
    static func outputTiles(_ src: UnsafePointer<TensorScalar>, srcStride: Int, _ out: UnsafeMutablePointer<V>, _ t: UnsafeMutablePointer<V>) {
        for k in 0..<6 {
            let s = src + 6 * k * srcStride
            (t[4 * k], t[4 * k + 1], t[4 * k + 2], t[4 * k + 3]) =
                output(load(s), load(s + srcStride), load(s + 2 * srcStride), load(s + 3 * srcStride), load(s + 4 * srcStride), load(s + 5 * srcStride))
        }
        for b in 0..<4 {
            (out[b], out[4 + b], out[8 + b], out[12 + b]) = output(t[b], t[4 + b], t[8 + b], t[12 + b], t[16 + b], t[20 + b])
        }
    }

    /// `G g Gᵀ` of eight 3×3 filters gathered as `g[(3i + j)·8 + lane]` (read flipped if
    /// `flipped`), laid out as ``inputTiles(_:_:dstStride:_:)`` but only `lanes` of the eight
    /// values stored.
    @inline(__always)
    static func kernelTiles(_ g: UnsafePointer<TensorScalar>, flipped: Bool, _ dst: UnsafeMutablePointer<TensorScalar>, dstStride: Int, lanes: Int,
                            _ t: UnsafeMutablePointer<V>) {
        let tap = { (i: Int) in load(g + 8 * (flipped ? 8 - i : i)) }
        for i in 0..<3 {
            (t[6 * i], t[6 * i + 1], t[6 * i + 2], t[6 * i + 3], t[6 * i + 4], t[6 * i + 5]) = kernel(tap(3 * i), tap(3 * i + 1), tap(3 * i + 2))
        }
        for l in 0..<6 {
            let u = kernel(t[l], t[6 + l], t[12 + l])
            store(u.0, dst + l * dstStride, lanes: lanes); store(u.1, dst + (6 + l) * dstStride, lanes: lanes)
            store(u.2, dst + (12 + l) * dstStride, lanes: lanes); store(u.3, dst + (18 + l) * dstStride, lanes: lanes)
            store(u.4, dst + (24 + l) * dstStride, lanes: lanes); store(u.5, dst + (30 + l) * dstStride, lanes: lanes)
        }
    }

    /// Stores the first `lanes` values of `v`.
    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<TensorScalar>, lanes: Int) {
        if lanes == 8 { store(v, p) } else { for k in 0..<lanes { p[k] = v[k] } }
    }

    /// `Gᵀ U G` of eight transformed gradients at `src + ξ·srcStride`: tap `(i, j)` goes to
    /// `out[3i + j]`.
    @inline(__always)
    static func kernelGradientTiles(_ src: UnsafePointer<TensorScalar>, srcStride: Int, _ out: UnsafeMutablePointer<V>, _ t: UnsafeMutablePointer<V>) {
        for k in 0..<6 {
            let s = src + 6 * k * srcStride
            (t[3 * k], t[3 * k + 1], t[3 * k + 2]) =
                kernelGradient(load(s), load(s + srcStride), load(s + 2 * srcStride), load(s + 3 * srcStride), load(s + 4 * srcStride), load(s + 5 * srcStride))
        }
        for j in 0..<3 {
            (out[j], out[3 + j], out[6 + j]) = kernelGradient(t[j], t[3 + j], t[6 + j], t[9 + j], t[12 + j], t[15 + j])
        }
    }
}
