import Foundation

/// The kernels of ``conv2d(_:_:bias:stride:padding:)`` (cross-correlation, as PyTorch):
/// im2col + GEMM forward and backward; same-size stride-1 convolutions with few channels run
/// on ``DirectConv`` instead, 3×3 ones with 32 channels and more on ``Winograd`` (in
/// inference from 16 channels).
///
/// The batch is cut into chunks of whole images; each thread unfolds its chunk into a column
/// matrix and runs one single-threaded GEMM on it, so both cores stay busy on skinny shapes
/// without BLAS's own threads competing with ours. The chunks and the lanes that sum the
/// weight gradient depend on the geometry only, never on the thread count (``Parallel``).
public enum ConvKernels {
    /// Target number of output positions per chunk (columns of the GEMM).
    nonisolated(unsafe) public static var chunkColumns: Int = {
        if let s = ProcessInfo.processInfo.environment["M2T_CONV_COLUMNS"], let n = Int(s), n > 0 { return n }
        return 3072
    }()

    /// Images per chunk for a geometry: at most ``chunkColumns`` output positions, and at
    /// least ``Parallel/pieces`` chunks when the batch allows (never depending on the threads).
    static func imagesPerChunk(_ g: ConvGeometry) -> Int {
        let perPiece = (g.batch + Parallel.pieces - 1) / Parallel.pieces
        return Swift.max(1, Swift.min(perPiece, chunkColumns / Swift.max(g.outPlane, 1)))
    }

    /// Runs `body(slot, lane, firstImage, imageCount)` over the chunks. Chunk `c` belongs to
    /// lane `c % lanes` and each lane runs its chunks in order on one thread, so sums kept per
    /// lane come out the same however many threads there are; `slot` (below
    /// ``Parallel/threads``) names the thread's scratch.
    /// - Returns: the number of lanes.
    static func forEachChunk(_ g: ConvGeometry, _ body: (_ slot: Int, _ lane: Int, _ first: Int, _ count: Int) -> Void) -> Int {
        let per = imagesPerChunk(g)
        let chunks = (g.batch + per - 1) / per
        let lanes = Swift.min(Parallel.pieces, chunks)
        Parallel.forRanges(lanes, costPerItem: 1 << 20) { slot, r in
            for lane in r {
                var c = lane
                while c < chunks {
                    let first = c * per
                    body(slot, lane, first, Swift.min(per, g.batch - first))
                    c += lanes
                }
            }
        }
        return lanes
    }

    /// `y = conv(x, w) + b` into `y` (dense NCHW), then `epilogue` on each plane as it is written.
    /// With `inference` (a forward that records no graph, ``conv2dInference(_:_:bias:stride:padding:adding:relu:)``)
    /// Winograd takes narrower layers (``Winograd/inferenceMinChannels``) in smaller chunks
    /// (``Winograd/inferenceChunkTiles``).
    static func forward(_ g: ConvGeometry, x: UnsafePointer<TensorScalar>, w: UnsafePointer<TensorScalar>, bias: UnsafePointer<TensorScalar>?, y: UnsafeMutablePointer<TensorScalar>,
                        epilogue: ConvEpilogue = .none, inference: Bool = false) throws {
        if Winograd.suits(g, inference: inference) { return try Winograd.forward(g, x: x, w: w, bias: bias, y: y, epilogue: epilogue, inference: inference) }
        if DirectConv.suits(g) { return try DirectConv.forward(g, x: x, w: w, bias: bias, y: y, epilogue: epilogue) }
        let per = imagesPerChunk(g)
        let K = g.patchSize, P = g.outPlane
        let direct = g.kernelH == 1 && g.kernelW == 1 && g.stride == 1 && g.padding == 0
        // Scratch per thread, allocated before the parallel region so a refusal can throw.
        let cols = try (0..<Parallel.threads).map { _ in try Storage(uninitializedCount: (direct && per == 1) ? 1 : K * per * P) }
        let outs = try (0..<Parallel.threads).map { _ in try Storage(uninitializedCount: per == 1 ? 1 : g.outChannels * per * P) }
        _ = forEachChunk(g) { t, _, first, n in
            let colsN = n * P
            let col: UnsafePointer<TensorScalar>
            if direct && n == 1 {
                col = x + first * g.inChannels * g.inPlane
            } else {
                Kernels.im2col(g, x, first: first, n: n, cols[t].pointer)
                col = UnsafePointer(cols[t].pointer)
            }
            let out = n == 1 ? y + first * g.outChannels * P : outs[t].pointer
            Kernels.sgemm(false, false, g.outChannels, colsN, K, 1, w, K, col, colsN, 0, out, colsN)
            for img in 0..<n {
                for co in 0..<g.outChannels {
                    let dst = y + ((first + img) * g.outChannels + co) * P
                    let src = out + co * colsN + img * P
                    let b = bias?[co] ?? 0
                    if n == 1 {
                        if b != 0 { for i in 0..<P { dst[i] += b } }
                    } else {
                        for i in 0..<P { dst[i] = src[i] + b }
                    }
                    epilogue.apply(y, at: ((first + img) * g.outChannels + co) * P, count: P)
                }
            }
        }
    }

    /// Gradients of a convolution: `dx` (if wanted, overwritten), `dw` and `db` (if wanted,
    /// overwritten) from `dy`.
    static func backward(_ g: ConvGeometry, x: UnsafePointer<TensorScalar>, w: UnsafePointer<TensorScalar>, dy: UnsafePointer<TensorScalar>,
                         dx: UnsafeMutablePointer<TensorScalar>?, dw: UnsafeMutablePointer<TensorScalar>?, db: UnsafeMutablePointer<TensorScalar>?) throws {
        let winograd = Winograd.suits(g)
        let directDx = dx != nil && (winograd || DirectConv.suitsTransposed(g)), directDw = dw != nil && (winograd || DirectConv.suits(g))
        if directDx || directDw {
            if directDx, let dx {
                if winograd { try Winograd.inputGradient(g, w: w, dy: dy, dx: dx) } else { try DirectConv.inputGradient(g, w: w, dy: dy, dx: dx) }
            }
            if directDw, let dw {
                if winograd { try Winograd.weightGradient(g, x: x, dy: dy, dw: dw) } else { try DirectConv.weightGradient(g, x: x, dy: dy, dw: dw) }
            }
            let rest = (dx: directDx ? nil : dx, dw: directDw ? nil : dw)
            if rest.dx != nil || rest.dw != nil || db != nil { try backward(g, x: x, w: w, dy: dy, dx: rest.dx, dw: rest.dw, db: db) }
            return
        }
        let per = imagesPerChunk(g)
        let K = g.patchSize, P = g.outPlane, Co = g.outChannels
        let T = Parallel.threads, L = Parallel.pieces
        // Scratch per thread, sums per lane.
        let cols = try (0..<T).map { _ in try Storage(uninitializedCount: K * per * P) }
        let dys = try (0..<T).map { _ in try Storage(uninitializedCount: per == 1 ? 1 : Co * per * P) }
        let dws = try (0..<L).map { _ in try Storage(zeroedCount: dw == nil ? 1 : Co * K) }
        let dbs = try (0..<L).map { _ in try Storage(zeroedCount: Co) }
        if let dx { dx.update(repeating: 0, count: g.batch * g.inChannels * g.inPlane) }
        let lanes = forEachChunk(g) { t, lane, first, n in
            let colsN = n * P
            // The output gradient of the chunk as one [Co, n·P] matrix.
            let dyc: UnsafePointer<TensorScalar>
            if n == 1 {
                dyc = dy + first * Co * P
            } else {
                let buf = dys[t].pointer
                for img in 0..<n {
                    for co in 0..<Co {
                        (buf + co * colsN + img * P).update(from: dy + ((first + img) * Co + co) * P, count: P)
                    }
                }
                dyc = UnsafePointer(buf)
            }
            if db != nil {
                let acc = dbs[lane].pointer
                for co in 0..<Co { acc[co] += Kernels.sum(dyc + co * colsN, colsN) }
            }
            let col = cols[t].pointer
            if dw != nil {
                Kernels.im2col(g, x, first: first, n: n, col)
                Kernels.sgemm(false, true, Co, K, colsN, 1, dyc, colsN, col, colsN, 1, dws[lane].pointer, K)
            }
            if let dx {
                Kernels.sgemm(true, false, K, colsN, Co, 1, w, K, dyc, colsN, 0, col, colsN)
                Kernels.col2im(g, col, first: first, n: n, dx)
            }
        }
        if let dw {
            dw.update(from: dws[0].pointer, count: Co * K)
            for l in 1..<Swift.max(lanes, 1) { for i in 0..<Co * K { dw[i] += dws[l].pointer[i] } }
        }
        if let db {
            db.update(from: dbs[0].pointer, count: Co)
            for l in 1..<Swift.max(lanes, 1) { for i in 0..<Co { db[i] += dbs[l].pointer[i] } }
        }
    }
}

