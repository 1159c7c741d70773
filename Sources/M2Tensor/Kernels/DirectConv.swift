import Foundation

/// Direct convolution for same-size stride-1 geometries with few channels (the 16- to
/// 64-channel stages of a ResNet on small images), where im2col + GEMM is memory-bound: the
/// column matrix is `k²` times the input, and a GEMM with 16 rows cannot hide writing and
/// packing it.
///
/// Each image is copied once into a zero-padded plane of width `W + 2p`. On that plane, output
/// position `q = h·(W + 2p) + w` reads input position `q + i·(W + 2p) + j` for tap `(i, j)`:
/// one constant offset per tap, so a block of consecutive outputs reads consecutive inputs.
/// The micro-kernel keeps 4 output channels × 24 positions in twelve 8-wide registers and
/// streams over input channels and taps with one broadcast weight per channel, so all loads
/// come from L1. The two extra columns per padded row are computed and dropped (7% at
/// W = 28, 14% at W = 14).
enum DirectConv {
    /// Output channels per register block.
    static let channelBlock = 4
    /// Output positions per register block (three 8-wide vectors).
    static let positionBlock = 24

    /// Whether the direct kernel runs this convolution (forward; the input gradient uses it
    /// through ``suitsTransposed(_:)``). `M2T_DIRECT_CONV=0` turns it off.
    static func suits(_ g: ConvGeometry) -> Bool {
        enabled && g.batch > 0 && g.isSameSizeStride1 && g.kernelH > 1 && g.inChannels <= maxInChannels && g.outChannels % channelBlock == 0 && g.width >= minWidth
    }

    /// Whether the input gradient of `g` (a convolution from `outChannels` to `inChannels`)
    /// runs on the direct kernel.
    static func suitsTransposed(_ g: ConvGeometry) -> Bool {
        enabled && g.batch > 0 && g.isSameSizeStride1 && g.kernelH > 1 && g.outChannels <= maxInChannels && g.inChannels % channelBlock == 0 && g.width >= minWidth
    }

    /// The narrowest image the direct kernel takes (`M2T_DIRECT_MIN_WIDTH`). At 10 (the
    /// 32-channel stage of 20×20 views) the pre-training step ran 473–509 images/s against
    /// 436–495 at 12; at 5 (the 64-channel stage too) 436–471 (docs/performance.md).
    nonisolated(unsafe) static var minWidth: Int = Int(ProcessInfo.processInfo.environment["M2T_DIRECT_MIN_WIDTH"] ?? "") ?? 10
    nonisolated(unsafe) static var enabled: Bool = ProcessInfo.processInfo.environment["M2T_DIRECT_CONV"] != "0"
    /// The most input channels the direct kernel takes (`M2T_DIRECT_MAX_CHANNELS`). At 64
    /// (SPEC's 64→64 at 32×32) it ran 113–117 GFLOP/s against 95–97 for im2col + GEMM; wider
    /// layers here are at most 16×16, where GEMM does well.
    nonisolated(unsafe) static var maxInChannels: Int = Int(ProcessInfo.processInfo.environment["M2T_DIRECT_MAX_CHANNELS"] ?? "") ?? 64

    /// The padded-plane layout of a geometry.
    struct Layout {
        let paddedWidth: Int, positions: Int, blockedPositions: Int, planeStride: Int
        let taps: [Int]

        init(_ g: ConvGeometry) {
            let wp = g.width + 2 * g.padding
            paddedWidth = wp
            positions = g.height * wp
            blockedPositions = (positions + DirectConv.positionBlock - 1) / DirectConv.positionBlock * DirectConv.positionBlock
            // Room for the last block's reads at the largest tap offset.
            let lastRead = blockedPositions + (g.kernelH - 1) * wp + g.kernelW - 1
            planeStride = Swift.max(lastRead, (g.height + 2 * g.padding) * wp)
            taps = (0..<g.kernelH).flatMap { i in (0..<g.kernelW).map { j in i * wp + j } }
        }
    }

    /// `y = conv(x, w) + b` for `g` (``suits(_:)`` must hold).
    static func forward(_ g: ConvGeometry, x: UnsafePointer<TensorScalar>, w: UnsafePointer<TensorScalar>, bias: UnsafePointer<TensorScalar>?,
                        y: UnsafeMutablePointer<TensorScalar>, epilogue: ConvEpilogue = .none) throws {
        // Packed weights: [output block][input channel][tap][4 outputs].
        let packed = try pack(g.outChannels, g.inChannels, g.kernelH * g.kernelW) { o, c, t in w[(o * g.inChannels + c) * g.kernelH * g.kernelW + t] }
        try run(g, channelsIn: g.inChannels, channelsOut: g.outChannels, input: x, packed: packed.pointer, bias: bias, output: y, epilogue: epilogue)
    }

    /// The input gradient `dx` (overwritten) of `g` from `dy`: a same-size convolution of `dy`
    /// with the weights transposed over channels and flipped in space.
    static func inputGradient(_ g: ConvGeometry, w: UnsafePointer<TensorScalar>, dy: UnsafePointer<TensorScalar>, dx: UnsafeMutablePointer<TensorScalar>) throws {
        let k = g.kernelH * g.kernelW
        let packed = try pack(g.inChannels, g.outChannels, k) { c, o, t in w[(o * g.inChannels + c) * k + (k - 1 - t)] }
        let transposed = try ConvGeometry(input: [g.batch, g.outChannels, g.height, g.width], outChannels: g.inChannels,
                                          kernelH: g.kernelH, kernelW: g.kernelW, stride: 1, padding: g.padding, op: "conv2d backward")
        try run(transposed, channelsIn: g.outChannels, channelsOut: g.inChannels, input: dy, packed: packed.pointer, bias: nil, output: dx)
    }

    /// The weight gradient `dw` (overwritten) of `g` from `x` and `dy` (``suits(_:)`` must
    /// hold): `dw[o, c, t] = Σ_images Σ_q dy[o, q] · plane[c, q + offset(t)]`, with `dy` laid out
    /// on the padded grid (zeros in the padded columns) so every tap is again one offset.
    static func weightGradient(_ g: ConvGeometry, x: UnsafePointer<TensorScalar>, dy: UnsafePointer<TensorScalar>, dw: UnsafeMutablePointer<TensorScalar>) throws {
        let layout = Layout(g)
        let (Ci, Co, K) = (g.inChannels, g.outChannels, g.kernelH * g.kernelW)
        // Images in lanes fixed by the batch alone, each summed in order into its own partial
        // on one thread; the partials are added in lane order (``Parallel``).
        let lanes = Swift.min(Parallel.pieces, g.batch)
        let threads = Swift.min(Parallel.threads, lanes)
        let planes = try (0..<threads).map { _ in try Storage(zeroedCount: Ci * layout.planeStride) }
        let grids = try (0..<threads).map { _ in try Storage(zeroedCount: Co * layout.blockedPositions) }
        let partials = try (0..<lanes).map { _ in try Storage(zeroedCount: Co * Ci * K) }
        // Taps in groups of three; the last group repeats its last tap, and `width` says how
        // many of a group's results are real.
        let groups = stride(from: 0, to: K, by: 3).map { first in (first: first, width: Swift.min(3, K - first)) }
        let taps = layout.taps
        Parallel.forRanges(lanes, costPerItem: 1 << 20) { t, laneRange in
            for lane in laneRange {
                let plane = planes[t].pointer, grid = grids[t].pointer, partial = partials[lane].pointer
                var sums = [TensorScalar](repeating: 0, count: 12)
                for n in (g.batch * lane / lanes)..<(g.batch * (lane + 1) / lanes) {
                    fill(plane, from: x + n * Ci * g.inPlane, g, channels: Ci, layout)
                    for o in 0..<Co {
                        let dst = grid + o * layout.blockedPositions, src = dy + (n * Co + o) * g.outPlane
                        for r in 0..<g.height { Kernels.copyRow(dst + r * layout.paddedWidth, from: src + r * g.width, count: g.width) }
                    }
                    for ob in stride(from: 0, to: Co, by: channelBlock) {
                        for c in 0..<Ci {
                            for group in groups {
                                let last = K - 1
                                let offsets = (taps[group.first], taps[Swift.min(group.first + 1, last)], taps[Swift.min(group.first + 2, last)])
                                sums.withUnsafeMutableBufferPointer { out in
                                    weightBlock(grid + ob * layout.blockedPositions, gridStride: layout.blockedPositions, plane + c * layout.planeStride,
                                                offsets: offsets, count: layout.blockedPositions, out.baseAddress!)
                                    for o in 0..<channelBlock {
                                        let dst = partial + ((ob + o) * Ci + c) * K + group.first
                                        for k in 0..<group.width { dst[k] += out[o * 3 + k] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        dw.update(from: partials[0].pointer, count: Co * Ci * K)
        for l in 1..<lanes { for i in 0..<Co * Ci * K { dw[i] += partials[l].pointer[i] } }
    }

    /// 4 output channels × 3 taps of one input channel: `out[o·3 + k] = Σ_q grid[o][q] · plane[q + offset_k]`.
    @inline(__always)
    private static func weightBlock(_ grid: UnsafePointer<TensorScalar>, gridStride: Int, _ plane: UnsafePointer<TensorScalar>,
                                    offsets: (Int, Int, Int), count: Int, _ out: UnsafeMutablePointer<TensorScalar>) {
        typealias V = SIMD8<TensorScalar>
        var a00 = V(), a01 = V(), a02 = V(), a10 = V(), a11 = V(), a12 = V()
        var a20 = V(), a21 = V(), a22 = V(), a30 = V(), a31 = V(), a32 = V()
        let p0 = UnsafeRawPointer(plane + offsets.0), p1 = UnsafeRawPointer(plane + offsets.1), p2 = UnsafeRawPointer(plane + offsets.2)
        let g0 = UnsafeRawPointer(grid), g1 = UnsafeRawPointer(grid + gridStride)
        let g2 = UnsafeRawPointer(grid + 2 * gridStride), g3 = UnsafeRawPointer(grid + 3 * gridStride)
        var byte = 0
        let end = count * MemoryLayout<TensorScalar>.stride, step = MemoryLayout<V>.stride
        while byte < end {
            let x0 = p0.loadUnaligned(fromByteOffset: byte, as: V.self)
            let x1 = p1.loadUnaligned(fromByteOffset: byte, as: V.self)
            let x2 = p2.loadUnaligned(fromByteOffset: byte, as: V.self)
            let d0 = g0.loadUnaligned(fromByteOffset: byte, as: V.self), d1 = g1.loadUnaligned(fromByteOffset: byte, as: V.self)
            let d2 = g2.loadUnaligned(fromByteOffset: byte, as: V.self), d3 = g3.loadUnaligned(fromByteOffset: byte, as: V.self)
            a00.addProduct(d0, x0); a01.addProduct(d0, x1); a02.addProduct(d0, x2)
            a10.addProduct(d1, x0); a11.addProduct(d1, x1); a12.addProduct(d1, x2)
            a20.addProduct(d2, x0); a21.addProduct(d2, x1); a22.addProduct(d2, x2)
            a30.addProduct(d3, x0); a31.addProduct(d3, x1); a32.addProduct(d3, x2)
            byte += step
        }
        out[0] = a00.sum(); out[1] = a01.sum(); out[2] = a02.sum()
        out[3] = a10.sum(); out[4] = a11.sum(); out[5] = a12.sum()
        out[6] = a20.sum(); out[7] = a21.sum(); out[8] = a22.sum()
        out[9] = a30.sum(); out[10] = a31.sum(); out[11] = a32.sum()
    }

    /// Packs `weight(o, c, t)` as `[o / 4][c][t][o % 4]`.
    private static func pack(_ outs: Int, _ ins: Int, _ taps: Int, _ weight: (Int, Int, Int) -> TensorScalar) throws -> Storage {
        let packed = try Storage(uninitializedCount: outs * ins * taps)
        var p = packed.pointer
        for ob in stride(from: 0, to: outs, by: channelBlock) {
            for c in 0..<ins {
                for t in 0..<taps {
                    for o in 0..<channelBlock { p[o] = weight(ob + o, c, t) }
                    p += channelBlock
                }
            }
        }
        return packed
    }

    private static func run(_ g: ConvGeometry, channelsIn: Int, channelsOut: Int, input: UnsafePointer<TensorScalar>, packed: UnsafePointer<TensorScalar>,
                            bias: UnsafePointer<TensorScalar>?, output: UnsafeMutablePointer<TensorScalar>, epilogue: ConvEpilogue = .none) throws {
        let layout = Layout(g)
        let threads = Swift.min(Parallel.threads, g.batch)
        let planes = try (0..<threads).map { _ in try Storage(zeroedCount: channelsIn * layout.planeStride) }
        let outs = try (0..<threads).map { _ in try Storage(uninitializedCount: channelsOut * layout.blockedPositions) }
        let taps = layout.taps
        taps.withUnsafeBufferPointer { tp in
            let tapPointer = tp.baseAddress!
            Parallel.forRanges(g.batch, costPerItem: 1 << 20) { t, images in
                let plane = planes[t].pointer, out = outs[t].pointer
                for n in images {
                    fill(plane, from: input + n * channelsIn * g.inPlane, g, channels: channelsIn, layout)
                    for ob in stride(from: 0, to: channelsOut, by: channelBlock) {
                        let weights = packed + ob * channelsIn * taps.count
                        var q = 0
                        while q < layout.blockedPositions {
                            block(plane + q, planeStride: layout.planeStride, channels: channelsIn, taps: tapPointer, tapCount: taps.count,
                                  weights: weights, out: out + ob * layout.blockedPositions + q, outStride: layout.blockedPositions)
                            q += positionBlock
                        }
                    }
                    scatter(out, to: output + n * channelsOut * g.outPlane, g, channels: channelsOut, bias: bias, layout)
                    epilogue.apply(output, at: n * channelsOut * g.outPlane, count: channelsOut * g.outPlane)
                }
            }
        }
    }

    /// Copies an image's channels into the interior of the zero-padded planes.
    private static func fill(_ plane: UnsafeMutablePointer<TensorScalar>, from x: UnsafePointer<TensorScalar>, _ g: ConvGeometry, channels: Int, _ layout: Layout) {
        let (H, W, p, wp) = (g.height, g.width, g.padding, layout.paddedWidth)
        for c in 0..<channels {
            let dst = plane + c * layout.planeStride + p * wp + p, src = x + c * H * W
            for r in 0..<H { Kernels.copyRow(dst + r * wp, from: src + r * W, count: W) }
        }
    }

    /// Copies the valid outputs (dropping the padded columns) into NCHW, adding the bias.
    private static func scatter(_ out: UnsafePointer<TensorScalar>, to y: UnsafeMutablePointer<TensorScalar>, _ g: ConvGeometry, channels: Int,
                                bias: UnsafePointer<TensorScalar>?, _ layout: Layout) {
        let (H, W, wp) = (g.height, g.width, layout.paddedWidth)
        for o in 0..<channels {
            let src = out + o * layout.blockedPositions, dst = y + o * H * W
            let b = bias?[o] ?? 0
            for r in 0..<H {
                let s = src + r * wp, d = dst + r * W
                for i in 0..<W { d[i] = s[i] + b }
            }
        }
    }

    /// 4 output channels × 24 positions: `out[o][0..<24] = Σ_c Σ_t weights[c][t][o] · plane[c][t-offset + 0..<24]`.
    @inline(__always)
    private static func block(_ plane: UnsafePointer<TensorScalar>, planeStride: Int, channels: Int, taps: UnsafePointer<Int>, tapCount: Int,
                              weights: UnsafePointer<TensorScalar>, out: UnsafeMutablePointer<TensorScalar>, outStride: Int) {
        typealias V = SIMD8<TensorScalar>
        var a00 = V(), a01 = V(), a02 = V(), a10 = V(), a11 = V(), a12 = V()
        var a20 = V(), a21 = V(), a22 = V(), a30 = V(), a31 = V(), a32 = V()
        let vb = MemoryLayout<V>.stride
        var w = weights
        for c in 0..<channels {
            let base = UnsafeRawPointer(plane + c * planeStride)
            for t in 0..<tapCount {
                let src = base + taps[t] * MemoryLayout<TensorScalar>.stride
                let x0 = src.loadUnaligned(as: V.self)
                let x1 = src.loadUnaligned(fromByteOffset: vb, as: V.self)
                let x2 = src.loadUnaligned(fromByteOffset: 2 * vb, as: V.self)
                let w0 = V(repeating: w[0]), w1 = V(repeating: w[1]), w2 = V(repeating: w[2]), w3 = V(repeating: w[3])
                a00.addProduct(x0, w0); a01.addProduct(x1, w0); a02.addProduct(x2, w0)
                a10.addProduct(x0, w1); a11.addProduct(x1, w1); a12.addProduct(x2, w1)
                a20.addProduct(x0, w2); a21.addProduct(x1, w2); a22.addProduct(x2, w2)
                a30.addProduct(x0, w3); a31.addProduct(x1, w3); a32.addProduct(x2, w3)
                w += 4
            }
        }
        let o = UnsafeMutableRawPointer(out), s = outStride * MemoryLayout<TensorScalar>.stride
        o.storeBytes(of: a00, as: V.self); o.storeBytes(of: a01, toByteOffset: vb, as: V.self); o.storeBytes(of: a02, toByteOffset: 2 * vb, as: V.self)
        (o + s).storeBytes(of: a10, as: V.self); (o + s).storeBytes(of: a11, toByteOffset: vb, as: V.self); (o + s).storeBytes(of: a12, toByteOffset: 2 * vb, as: V.self)
        (o + 2 * s).storeBytes(of: a20, as: V.self); (o + 2 * s).storeBytes(of: a21, toByteOffset: vb, as: V.self); (o + 2 * s).storeBytes(of: a22, toByteOffset: 2 * vb, as: V.self)
        (o + 3 * s).storeBytes(of: a30, as: V.self); (o + 3 * s).storeBytes(of: a31, toByteOffset: vb, as: V.self); (o + 3 * s).storeBytes(of: a32, toByteOffset: 2 * vb, as: V.self)
    }
}

extension SIMD8 where Scalar == TensorScalar {
    /// `self += a · b`, fused.
    @inline(__always)
    mutating func addProduct(_ a: Self, _ b: Self) { self = self.addingProduct(a, b) }
}
