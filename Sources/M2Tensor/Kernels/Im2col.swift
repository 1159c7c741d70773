/// The geometry of a 2-D convolution or pooling window over an NCHW batch.
public struct ConvGeometry: Equatable, Sendable {
    public let batch: Int, inChannels: Int, height: Int, width: Int
    public let outChannels: Int, kernelH: Int, kernelW: Int, stride: Int, padding: Int
    public let outHeight: Int, outWidth: Int

    /// Validates the sizes and derives the output size `(H + 2p − k) / s + 1`.
    public init(input: [Int], outChannels: Int, kernelH: Int, kernelW: Int, stride: Int, padding: Int, op: String) throws {
        guard input.count == 4 else {
            throw TensorError.invalidShape(op: op, shape: input, reason: "expected an NCHW input of rank 4")
        }
        guard stride > 0, padding >= 0, kernelH > 0, kernelW > 0 else {
            throw TensorError.invalidArgument(op: op, reason: "kernel \(kernelH)x\(kernelW), stride \(stride), padding \(padding): kernel and stride must be positive, padding non-negative")
        }
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (self.outChannels, self.kernelH, self.kernelW, self.stride, self.padding) = (outChannels, kernelH, kernelW, stride, padding)
        let oh = (height + 2 * padding - kernelH) / stride + 1
        let ow = (width + 2 * padding - kernelW) / stride + 1
        guard height + 2 * padding >= kernelH, width + 2 * padding >= kernelW, oh > 0, ow > 0 else {
            throw TensorError.invalidShape(op: op, shape: input, reason: "a \(kernelH)x\(kernelW) window with padding \(padding) does not fit a \(height)x\(width) input")
        }
        (outHeight, outWidth) = (oh, ow)
    }

    /// Rows of the column matrix: `Cin · kh · kw`.
    public var patchSize: Int { inChannels * kernelH * kernelW }
    /// Output positions per image.
    public var outPlane: Int { outHeight * outWidth }
    /// Input positions per image.
    public var inPlane: Int { height * width }
    /// Stride 1 with an output as large as the input (3×3 with padding 1, 7×7 with padding 3…):
    /// each row of the column matrix is then the image plane shifted by a constant offset.
    var isSameSizeStride1: Bool { stride == 1 && outHeight == height && outWidth == width }
    /// Multiply–adds of the forward pass times two.
    public var forwardFLOPs: Double { 2 * Double(batch) * Double(outChannels) * Double(patchSize) * Double(outPlane) }
}

extension Kernels {
    /// Unfolds images `first..<first+n` of `x` into `col[patchSize, n·outPlane]`:
    /// `col[(c·kh + i)·kw + j, img·outPlane + oh·ow + ow] = x[img, c, oh·s − p + i, ow·s − p + j]`.
    static func im2col(_ g: ConvGeometry, _ x: UnsafePointer<TensorScalar>, first: Int, n: Int, _ col: UnsafeMutablePointer<TensorScalar>) {
        if g.isSameSizeStride1 { return im2colShifted(g, x, first: first, n: n, col) }
        im2colRows(g, x, first: first, n: n, col)
    }

    /// ``im2col`` for any geometry, output row by output row.
    static func im2colRows(_ g: ConvGeometry, _ x: UnsafePointer<TensorScalar>, first: Int, n: Int, _ col: UnsafeMutablePointer<TensorScalar>) {
        let cols = n * g.outPlane
        let (H, W, s, p, wo) = (g.height, g.width, g.stride, g.padding, g.outWidth)
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * cols
                    // Output columns whose input column ow·s − p + j is inside the image.
                    let owLo = max(0, (p - j + s - 1) / s)
                    let lastIn = W - 1 + p - j
                    let owHi = lastIn < 0 ? 0 : min(wo, lastIn / s + 1)
                    for img in 0..<n {
                        let plane = x + ((first + img) * g.inChannels + c) * g.inPlane
                        var dst = row + img * g.outPlane
                        for oh in 0..<g.outHeight {
                            let ih = oh * s - p + i
                            // Rows are short (a few dozen floats): plain loops beat memcpy calls.
                            if ih < 0 || ih >= H || owHi <= owLo {
                                for ow in 0..<wo { dst[ow] = 0 }
                            } else {
                                for ow in 0..<owLo { dst[ow] = 0 }
                                let src = plane + ih * W - p + j
                                if s == 1 {
                                    for ow in owLo..<owHi { dst[ow] = src[ow] }
                                } else if s == 2 {
                                    everyOther(dst, src, owLo, owHi)
                                } else {
                                    for ow in owLo..<owHi { dst[ow] = src[ow * s] }
                                }
                                for ow in owHi..<wo { dst[ow] = 0 }
                            }
                            dst += wo
                        }
                    }
                }
            }
        }
    }

    /// `dst[ow] = src[2·ow]` for `ow` in `lo..<hi`: eight at a time from sixteen consecutive
    /// values (the even ones), while the block's last read, `src[2·ow + 15]`, lies before
    /// `src[2·(hi − 1)]`, which the copy reads anyway; one at a time after. The scalar loop
    /// took 45% of the im2col path's own time in feature extraction.
    @inline(__always)
    private static func everyOther(_ dst: UnsafeMutablePointer<TensorScalar>, _ src: UnsafePointer<TensorScalar>, _ lo: Int, _ hi: Int) {
        var ow = lo
        while ow + 9 <= hi {
            let pair = UnsafeRawPointer(src + 2 * ow).loadUnaligned(as: SIMD16<TensorScalar>.self)
            UnsafeMutableRawPointer(dst + ow).storeBytes(of: pair.evenHalf, as: SIMD8<TensorScalar>.self)
            ow += 8
        }
        while ow < hi { dst[ow] = src[2 * ow]; ow += 1 }
    }

    /// The adjoint of ``im2col``: adds `col` back into images `first..<first+n` of `dx`
    /// (which the caller has zeroed). `col` is scratch: the fast path zeroes entries of it.
    static func col2im(_ g: ConvGeometry, _ col: UnsafeMutablePointer<TensorScalar>, first: Int, n: Int, _ dx: UnsafeMutablePointer<TensorScalar>) {
        if g.isSameSizeStride1 { return col2imShifted(g, col, first: first, n: n, dx) }
        col2imRows(g, col, first: first, n: n, dx)
    }

    /// ``col2im`` for any geometry, output row by output row.
    static func col2imRows(_ g: ConvGeometry, _ col: UnsafePointer<TensorScalar>, first: Int, n: Int, _ dx: UnsafeMutablePointer<TensorScalar>) {
        let cols = n * g.outPlane
        let (H, W, s, p, wo) = (g.height, g.width, g.stride, g.padding, g.outWidth)
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * cols
                    let owLo = max(0, (p - j + s - 1) / s)
                    let lastIn = W - 1 + p - j
                    let owHi = lastIn < 0 ? 0 : min(wo, lastIn / s + 1)
                    guard owHi > owLo else { continue }
                    for img in 0..<n {
                        let plane = dx + ((first + img) * g.inChannels + c) * g.inPlane
                        var src = row + img * g.outPlane
                        for oh in 0..<g.outHeight {
                            let ih = oh * s - p + i
                            if ih >= 0 && ih < H {
                                let dst = plane + ih * W - p + j
                                if s == 1 {
                                    for ow in owLo..<owHi { dst[ow] += src[ow] }
                                } else {
                                    for ow in owLo..<owHi { dst[ow * s] += src[ow] }
                                }
                            }
                            src += wo
                        }
                    }
                }
            }
        }
    }

    /// ``im2col`` for ``ConvGeometry/isSameSizeStride1``: per (channel, tap, image) one
    /// contiguous copy of the plane shifted by `(i − p)·W + (j − p)`, then zeros over the rows
    /// and the few columns the shift carried across the border. Much cheaper than row by row
    /// on small planes, where the per-row loop overhead dominated.
    static func im2colShifted(_ g: ConvGeometry, _ x: UnsafePointer<TensorScalar>, first: Int, n: Int, _ col: UnsafeMutablePointer<TensorScalar>) {
        let P = g.outPlane, W = g.width
        forEachShiftedRow(g, n: n, col) { c, span, row in
            for img in 0..<n {
                let dst = row + img * P
                guard span.isEmpty == false else { dst.update(repeating: 0, count: P); continue }
                let src = x + ((first + img) * g.inChannels + c) * g.inPlane + span.offset
                dst.update(repeating: 0, count: span.lo)
                (dst + span.lo).update(from: src + span.lo, count: span.hi - span.lo)
                (dst + span.hi).update(repeating: 0, count: P - span.hi)
                span.zeroWrappedColumns(dst, width: W)
            }
        }
    }

    /// ``col2im`` for ``ConvGeometry/isSameSizeStride1``: zeroes the entries of `col` that the
    /// shift carried across the border, then adds one contiguous span per (channel, tap, image).
    static func col2imShifted(_ g: ConvGeometry, _ col: UnsafeMutablePointer<TensorScalar>, first: Int, n: Int, _ dx: UnsafeMutablePointer<TensorScalar>) {
        let P = g.outPlane, W = g.width
        forEachShiftedRow(g, n: n, col) { c, span, row in
            guard span.isEmpty == false else { return }
            for img in 0..<n {
                let src = row + img * P
                span.zeroWrappedColumns(src, width: W)
                let dst = dx + ((first + img) * g.inChannels + c) * g.inPlane + span.offset
                for q in span.lo..<span.hi { dst[q] += src[q] }
            }
        }
    }

    /// Calls `body(channel, span, row)` for each row `(c, i, j)` of an `n`-image column matrix.
    @inline(__always)
    private static func forEachShiftedRow(_ g: ConvGeometry, n: Int, _ col: UnsafeMutablePointer<TensorScalar>,
                                          _ body: (Int, ShiftedSpan, UnsafeMutablePointer<TensorScalar>) -> Void) {
        let cols = n * g.outPlane
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    body(c, ShiftedSpan(g, i, j), col + ((c * g.kernelH + i) * g.kernelW + j) * cols)
                }
            }
        }
    }
}

/// For tap `(i, j)` of a same-size stride-1 convolution: output position `q` reads input
/// position `q + offset`, valid on output rows `rowLo..<rowHi` and columns `colLo..<colHi`;
/// `lo..<hi` is the contiguous span from the first to the last valid position.
struct ShiftedSpan {
    let offset: Int, rowLo: Int, rowHi: Int, colLo: Int, colHi: Int, lo: Int, hi: Int

    init(_ g: ConvGeometry, _ i: Int, _ j: Int) {
        let di = i - g.padding, dj = j - g.padding, W = g.width
        offset = di * W + dj
        rowLo = Swift.max(0, -di); rowHi = Swift.min(g.height, g.height - di)
        colLo = Swift.max(0, -dj); colHi = Swift.min(W, W - dj)
        lo = rowLo * W + colLo
        hi = (rowHi - 1) * W + colHi
    }

    var isEmpty: Bool { rowHi <= rowLo || colHi <= colLo }

    /// Zeroes the invalid columns of the valid rows inside `lo..<hi` (those a contiguous
    /// shifted copy fills with pixels from the neighbouring row).
    @inline(__always)
    func zeroWrappedColumns(_ p: UnsafeMutablePointer<TensorScalar>, width W: Int) {
        guard colLo > 0 || colHi < W else { return }
        for r in rowLo..<rowHi {
            let base = p + r * W
            for q in 0..<colLo where r * W + q >= lo { base[q] = 0 }
            for q in colHi..<W where r * W + q < hi { base[q] = 0 }
        }
    }
}
