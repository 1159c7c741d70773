import Foundation

/// Winograd F(4×4, 3×3) for the 3×3 same-size stride-1 convolutions of 32 channels and more
/// (every ResNet stage past the first): forward, input gradient and weight gradient; in
/// inference, forward only, from 16 channels (``inferenceMinChannels``).
///
/// Per chunk of images, each 4×4 output tile's 6×6 input window is transformed
/// (`V = Bᵀ d B`, 36 values, ``WinogradTransforms``); the 36 values give 36 independent
/// products `M_ξ = U_ξ · V_ξ` of the transformed weights `U_ξ [out × in]` with
/// `V_ξ [in × tiles]`, one single-threaded GEMM each (in place when small, see
/// ``smallProductWork``; BLAS beyond); the outputs come back as `Aᵀ M A`.
/// That is 36 multiply–adds per 16 outputs and channel pair instead of 144. Images of a few
/// tiles share them in a mosaic (``Tiling``). The input gradient
/// is the same computation on `dy` with the weights transposed and flipped; the weight gradient
/// is `Gᵀ [Σ_tiles Z_ξ · V_ξᵀ] G` with `Z = A dy Aᵀ`.
///
/// Each phase (transforms over channels, GEMMs over ξ, inverse transforms over channels) is
/// spread over the threads, but every value is computed by the same code whichever thread runs
/// it, and the weight gradient adds the chunks in order, so results do not depend on the
/// thread count (``Parallel``). The rounding differs from a direct sum: the transforms scale by
/// up to 8² and 1/6², and results differ from im2col + GEMM by 2e-6 to 6e-6 of their largest
/// value in Float32 (`WinogradTests`). `M2T_WINOGRAD=0` turns the path off.
enum Winograd {
    /// Whether the path is used (`M2T_WINOGRAD=0` turns it off).
    nonisolated(unsafe) static var enabled: Bool = ProcessInfo.processInfo.environment["M2T_WINOGRAD"] != "0"
    /// The fewest input and output channels the path takes (`M2T_WINOGRAD_MIN_CHANNELS`). At
    /// 32 (since the products run in place, ``smallProductWork``) 32→32 at 14×14 took 15–25%
    /// less time forward and backward than ``DirectConv``; at 16 the transforms cost as much as
    /// they save.
    nonisolated(unsafe) static var minChannels: Int = Int(ProcessInfo.processInfo.environment["M2T_WINOGRAD_MIN_CHANNELS"] ?? "") ?? 32
    /// Target tiles per chunk, the columns of each GEMM (`M2T_WINOGRAD_TILES`).
    nonisolated(unsafe) static var chunkTiles: Int = Int(ProcessInfo.processInfo.environment["M2T_WINOGRAD_TILES"] ?? "") ?? 512
    /// Target tiles per chunk in inference (`M2T_WINOGRAD_INFERENCE_TILES`). A chunk's 36
    /// transformed inputs take 36·channels·tiles values (1.2 MB at 16 channels and 512 tiles,
    /// more than a core's L2); at 64 the width-16 features of 70,000 Fashion-MNIST images
    /// took 18.2–18.4 s, at 128 18.3–18.6 s, at 512 19.3–19.4 s (alternating, docs/performance.md).
    nonisolated(unsafe) static var inferenceChunkTiles: Int = Int(ProcessInfo.processInfo.environment["M2T_WINOGRAD_INFERENCE_TILES"] ?? "") ?? 64

    /// The products `channels in × channels out × columns` (tiles per chunk) below which the
    /// 36 products run on ``Kernels/smallGEMM(_:_:_:_:_:_:_:_:_:accumulate:)`` instead of BLAS
    /// (`M2T_WINOGRAD_SMALL_WORK`; 0: always BLAS). BLAS packs both operands and clears the
    /// result on every call, which small products do not pay back: on the demo's 5×5 and 3×3
    /// stages (64 and 128 channels, 128 and 32 columns, one thread) forward and backward took
    /// 13–23% less time in place, and 32→32 at 14×14 (512 columns) 6–10% less; at SPEC's 64
    /// and 128 channels with 512 columns BLAS was 10–15% faster (docs/performance.md).
    nonisolated(unsafe) static var smallProductWork: Int = Int(ProcessInfo.processInfo.environment["M2T_WINOGRAD_SMALL_WORK"] ?? "") ?? 1 << 21

    /// Whether a chunk's products run in place (``smallProductWork``).
    static func smallProducts(_ t: Tiling, _ channelsIn: Int, _ channelsOut: Int) -> Bool {
        channelsIn * channelsOut * t.columns < smallProductWork
    }

    typealias T = WinogradTransforms
    typealias V = T.V

    /// The fewest channels the path takes in inference (`M2T_WINOGRAD_INFERENCE_MIN_CHANNELS`),
    /// where only the forward runs. At 16 the features of 70,000 Fashion-MNIST images at width
    /// 16 took 19.0 s against 19.6 s on ``DirectConv`` (three pairs, docs/performance.md).
    nonisolated(unsafe) static var inferenceMinChannels: Int = Int(ProcessInfo.processInfo.environment["M2T_WINOGRAD_INFERENCE_MIN_CHANNELS"] ?? "") ?? 16

    /// Whether the path runs `g` (forward and both gradients; with `inference`, the forward
    /// of a convolution that records no graph, from ``inferenceMinChannels`` channels).
    static func suits(_ g: ConvGeometry, inference: Bool = false) -> Bool {
        enabled && g.batch > 0 && g.kernelH == 3 && g.kernelW == 3 && g.isSameSizeStride1
            && Swift.min(g.inChannels, g.outChannels) >= (inference ? inferenceMinChannels : minChannels)
    }

    /// `y = conv(x, w) + b`, then `epilogue`, for `g` (``suits(_:inference:)`` must hold);
    /// `inference` chunks by ``inferenceChunkTiles``.
    static func forward(_ g: ConvGeometry, x: UnsafePointer<TensorScalar>, w: UnsafePointer<TensorScalar>, bias: UnsafePointer<TensorScalar>?,
                        y: UnsafeMutablePointer<TensorScalar>, epilogue: ConvEpilogue = .none, inference: Bool = false) throws {
        let u = try ThreadContext.current.preparedWinogradWeights?.transform(of: w, g, transposed: false) ?? transformWeights(w, g, transposed: false)
        try convolve(Tiling(g, tiles: inference ? inferenceChunkTiles : chunkTiles), channelsIn: g.inChannels, channelsOut: g.outChannels, input: x, weights: u.pointer, bias: bias, output: y,
                     epilogue: epilogue)
    }

    /// The input gradient `dx` (overwritten) of `g` from `dy`: the same-size convolution of
    /// `dy` with the weights transposed over channels and flipped in space.
    static func inputGradient(_ g: ConvGeometry, w: UnsafePointer<TensorScalar>, dy: UnsafePointer<TensorScalar>, dx: UnsafeMutablePointer<TensorScalar>) throws {
        let u = try ThreadContext.current.preparedWinogradWeights?.transform(of: w, g, transposed: true) ?? transformWeights(w, g, transposed: true)
        try convolve(Tiling(g), channelsIn: g.outChannels, channelsOut: g.inChannels, input: dy, weights: u.pointer, bias: nil, output: dx)
    }

    /// The weight gradient `dw` (overwritten) of `g` from `x` and `dy`.
    static func weightGradient(_ g: ConvGeometry, x: UnsafePointer<TensorScalar>, dy: UnsafePointer<TensorScalar>, dw: UnsafeMutablePointer<TensorScalar>) throws {
        let t = Tiling(g)
        let (Ci, Co) = (g.inChannels, g.outChannels)
        let inputs = Planes(t, halo: 1), gradients = Planes(t, halo: 0)
        // Separate scratch for the two layouts: each relies on its borders staying zero.
        let inputPlanes = try (0..<Parallel.threads).map { _ in try Storage(zeroedCount: inputs.count) }
        let gradientPlanes = try (0..<Parallel.threads).map { _ in try Storage(zeroedCount: gradients.count) }
        let (vs, zs, dus) = (spaced(Ci * t.columns), spaced(Co * t.columns), spaced(Co * Ci))
        let v = try Storage(uninitializedCount: 36 * vs), z = try Storage(uninitializedCount: 36 * zs)
        // Σ over tiles of Z_ξ · V_ξᵀ, [36][Co][Ci]; a vector's width more so the last group reads in bounds.
        let du = try Storage(uninitializedCount: 36 * dus + 8)
        let small = smallProducts(t, Ci, Co)
        let transposed = try (0..<Parallel.threads).map { _ in try Storage(uninitializedCount: small ? t.columns * Ci : 1) }
        for (first, n) in t.chunks {
            let columns = t.groups(n) * 8
            transformTiles(x, channels: Ci, t, inputs, first: first, n: n, planes: inputPlanes, into: v.pointer)
            transformTiles(dy, channels: Co, t, gradients, first: first, n: n, planes: gradientPlanes, into: z.pointer)
            let (vp, zp, dup) = (v.pointer, z.pointer, du.pointer)
            Parallel.forRanges(36, costPerItem: 1 << 20) { slot, range in
                for xi in range {
                    if small {
                        // Z_ξ · V_ξᵀ as a plain product with V_ξ transposed into [columns][Ci].
                        let vt = transposed[slot].pointer, src = vp + xi * vs
                        for c in 0..<Ci { for j in 0..<columns { vt[j * Ci + c] = src[c * t.columns + j] } }
                        Kernels.smallGEMM(Co, Ci, columns, zp + xi * zs, t.columns, vt, Ci, dup + xi * dus, Ci, accumulate: first != 0)
                    } else {
                        Kernels.sgemm(false, true, Co, Ci, columns, 1, zp + xi * zs, t.columns, vp + xi * vs, t.columns,
                                      first == 0 ? 0 : 1, dup + xi * dus, Ci)
                    }
                }
            }
        }
        let dup = du.pointer
        Parallel.forRanges(Co, costPerItem: Ci * 64) { _, range in
            withUnsafeTemporaryAllocation(of: V.self, capacity: 27) { buf in
                let tmp = buf.baseAddress!, out = tmp + 18
                let taps = UnsafeMutableRawPointer(out).assumingMemoryBound(to: TensorScalar.self)
                for o in range {
                    for c0 in stride(from: 0, to: Ci, by: 8) {
                        T.kernelGradientTiles(dup + o * Ci + c0, srcStride: dus, out, tmp)
                        for k in 0..<Swift.min(8, Ci - c0) {
                            let dst = dw + (o * Ci + c0 + k) * 9
                            for tap in 0..<9 { dst[tap] = taps[tap * 8 + k] }
                        }
                    }
                }
            }
        }
    }

    // MARK: Phases

    /// The distance between consecutive ξ matrices of `elements` values: one cache line more,
    /// so that the 36 streams a transform reads or writes do not fall into the same cache sets
    /// (the matrices' sizes are often multiples of 4 KiB).
    static func spaced(_ elements: Int) -> Int { elements + 64 / MemoryLayout<TensorScalar>.stride }

    /// The transformed tiles of images `first..<first+n` of `src` (`channels` channels), into
    /// `dst[ξ][channel][column]`: `Bᵀ d B` of the input windows (halo 1), or `A e Aᵀ` of the
    /// output-gradient tiles (halo 0).
    static func transformTiles(_ src: UnsafePointer<TensorScalar>, channels: Int, _ t: Tiling, _ layout: Planes, first: Int, n: Int,
                               planes: [Storage], into dst: UnsafeMutablePointer<TensorScalar>) {
        let offsets = layout.offsets(t, images: n), plane = t.height * t.width
        let stride = spaced(channels * t.columns)
        offsets.withUnsafeBufferPointer { off in
            Parallel.forRanges(channels, costPerItem: t.tiles(n) * 64) { slot, range in
                let buf = planes[slot].pointer
                withUnsafeTemporaryAllocation(of: V.self, capacity: 72) { scratch in
                    let tmp = scratch.baseAddress!, window = UnsafeMutableRawPointer(tmp + 36).assumingMemoryBound(to: TensorScalar.self)
                    let side = layout.halo == 1 ? 6 : 4
                    for c in range {
                        layout.fill(buf, from: src + (first * channels + c) * plane, imageStride: channels * plane, images: n, t)
                        for group in 0..<off.count / 8 {
                            let o = off.baseAddress! + 8 * group
                            if T.inPairs(o) {
                                T.gatherPairs(buf, o, rows: side, cols: side, rowStride: layout.width, window)
                            } else {
                                T.gather(buf, o, rows: side, cols: side, rowStride: layout.width, window)
                            }
                            let d = dst + c * t.columns + 8 * group
                            if layout.halo == 1 {
                                T.inputTiles(window, d, dstStride: stride, tmp)
                            } else {
                                T.outputGradientTiles(window, d, dstStride: stride, tmp)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `output = conv(input, weights) + bias`, then `epilogue`, with the weights already
    /// transformed (`weights[ξ][out][in]`, ξ matrices ``spaced(_:)``).
    static func convolve(_ t: Tiling, channelsIn Ci: Int, channelsOut Co: Int, input: UnsafePointer<TensorScalar>, weights u: UnsafePointer<TensorScalar>,
                         bias: UnsafePointer<TensorScalar>?, output: UnsafeMutablePointer<TensorScalar>, epilogue: ConvEpilogue = .none) throws {
        let layout = Planes(t, halo: 1)
        let planes = try (0..<Parallel.threads).map { _ in try Storage(zeroedCount: layout.count) }
        let (us, vs, ms) = (spaced(Ci * Co), spaced(Ci * t.columns), spaced(Co * t.columns))
        let v = try Storage(uninitializedCount: 36 * vs), m = try Storage(uninitializedCount: 36 * ms)
        let (H, W) = (t.height, t.width)
        let small = smallProducts(t, Ci, Co)
        // Where a full chunk's outputs go (``Tiling/Outputs``), the same for every full chunk.
        let full = t.outputs(images: t.imagesPerChunk, channels: Co)
        for (first, n) in t.chunks {
            let columns = t.groups(n) * 8
            transformTiles(input, channels: Ci, t, layout, first: first, n: n, planes: planes, into: v.pointer)
            let (vp, mp) = (v.pointer, m.pointer)
            Parallel.forRanges(36, costPerItem: 1 << 20) { _, range in
                for xi in range {
                    if small {
                        Kernels.smallGEMM(Co, columns, Ci, u + xi * us, Ci, vp + xi * vs, t.columns, mp + xi * ms, t.columns)
                    } else {
                        Kernels.sgemm(false, false, Co, columns, Ci, 1, u + xi * us, Ci, vp + xi * vs, t.columns, 0, mp + xi * ms, t.columns)
                    }
                }
            }
            let tiles = t.tiles(n)
            // Whole tiles go out a row at a time (eight values for two side by side, else
            // four); the rest of the tiles, value by value through the table of targets.
            let outputs = n == t.imagesPerChunk ? full : t.outputs(images: n, channels: Co)
            outputs.withPointers { starts, targets in
                Parallel.forRanges(Co, costPerItem: tiles * 64) { _, range in
                    withUnsafeTemporaryAllocation(of: V.self, capacity: 40) { buf in
                        let tmp = buf.baseAddress!, out = tmp + 24
                        let values = UnsafeMutableRawPointer(out).assumingMemoryBound(to: TensorScalar.self)
                        for co in range {
                            let b = bias?[co] ?? 0
                            let plane = output + (first * Co + co) * H * W
                            for group in 0..<columns / 8 {
                                T.outputTiles(mp + co * t.columns + 8 * group, srcStride: ms, out, tmp)
                                let o = starts + 8 * group, whole = outputs.wholeTiles[group]
                                if whole == 0xFF && T.inPairs(o) {
                                    T.scatterPairs(out, bias: b, plane, o, rowStride: W)
                                    continue
                                }
                                if whole != 0 { T.scatterWhole(out, bias: b, plane, o, rowStride: W, whole: whole) }
                                for k in 0..<Swift.min(8, tiles - 8 * group) where whole & (1 << k) == 0 {
                                    let target = targets + 16 * (8 * group + k)
                                    for q in 0..<16 where target[q] >= 0 { plane[target[q]] = values[q * 8 + k] + b }
                                }
                            }
                            for img in 0..<n { epilogue.apply(output, at: ((first + img) * Co + co) * H * W, count: H * W) }
                        }
                    }
                }
            }
        }
    }

    /// `U[ξ][r][c] = G g Gᵀ` of every filter: of `g`'s weights (rows are outputs), or
    /// `transposed`, of its input gradient's (rows are inputs, the filters flipped).
    static func transformWeights(_ w: UnsafePointer<TensorScalar>, _ g: ConvGeometry, transposed: Bool) throws -> Storage {
        let Ci = g.inChannels
        let (rows, cols) = transposed ? (Ci, g.outChannels) : (g.outChannels, Ci)
        let u = try Storage(uninitializedCount: 36 * spaced(rows * cols))
        let up = u.pointer
        Parallel.forRanges(rows, costPerItem: cols * 64) { _, range in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { off in
                withUnsafeTemporaryAllocation(of: V.self, capacity: 27) { scratch in
                    let tmp = scratch.baseAddress!, taps = UnsafeMutableRawPointer(tmp + 18).assumingMemoryBound(to: TensorScalar.self)
                    for r in range {
                        for c0 in stride(from: 0, to: cols, by: 8) {
                            let lanes = Swift.min(8, cols - c0)
                            // Lanes past the last filter repeat it; their values are not stored.
                            for k in 0..<8 {
                                let c = c0 + Swift.min(k, lanes - 1)
                                off[k] = transposed ? (c * Ci + r) * 9 : (r * Ci + c) * 9
                            }
                            T.gather(w, off.baseAddress!, rows: 1, cols: 9, rowStride: 9, taps)
                            T.kernelTiles(taps, flipped: transposed, up + r * cols + c0, dstStride: spaced(rows * cols), lanes: lanes, tmp)
                        }
                    }
                }
            }
        }
        return u
    }
}
