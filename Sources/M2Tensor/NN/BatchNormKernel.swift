/// The arithmetic of batch normalization, shared by its three modes (SPEC §2).
///
/// Statistics are per channel (axis 1) over every other axis. The normalizing statistics
/// mix the batch's with running ones:
///
///     μ̃ = α·μ_b + (1 − α)·μ_r,   σ̃² = α·f·σ²_b + (1 − α)·σ²_r,   y = γ·(x − μ̃)/√(σ̃² + ε) + β
///
/// where σ²_b is the biased batch variance and `f` a correction factor (1 for training-mode
/// BN; n/(n−1) for the unbiased variance of the momentum teacher). α = 1 is training mode,
/// α = 0 eval mode (no batch statistics), 0 < α < 1 the teacher's momentum BN. The gradient
/// flows through the batch statistics, scaled by α.
public struct BatchNormOutput {
    /// The normalized, scaled and shifted tensor.
    public let output: Tensor
    /// Per-channel batch mean (nil when α = 0).
    public let batchMean: [TensorScalar]?
    /// Per-channel biased batch variance (nil when α = 0).
    public let batchVariance: [TensorScalar]?
    /// Elements per channel in the batch.
    public let countPerChannel: Int
}

/// Batch normalization with mixed statistics; see ``BatchNormOutput``.
/// - Parameters:
///   - x: `[N, C]` or `[N, C, H, W]`.
///   - weight: γ `[C]` or nil (1).
///   - bias: β `[C]` or nil (0).
///   - eps: added to the variance.
///   - batchWeight: α in `[0, 1]`.
///   - varianceFactor: f, applied to the biased batch variance before mixing.
///   - runningMean: μ_r `[C]`, required when α < 1.
///   - runningVariance: σ²_r `[C]`, required when α < 1.
///   - computeBatchStatistics: return the batch statistics even when α = 0.
public func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: TensorScalar = 1e-5,
                      batchWeight alpha: TensorScalar = 1, varianceFactor: TensorScalar = 1,
                      runningMean: Tensor? = nil, runningVariance: Tensor? = nil,
                      computeBatchStatistics: Bool = false) throws -> BatchNormOutput {
    guard x.rank == 2 || x.rank == 4 else {
        throw TensorError.invalidShape(op: "batch_norm", shape: x.shape, reason: "expected [N, C] or [N, C, H, W]")
    }
    let C = x.shape[1], N = x.shape[0]
    let plane = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
    let n = N * plane
    for (name, t) in [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVariance)] {
        if let t, t.shape != [C] { throw TensorError.shapeMismatch(op: "batch_norm \(name)", lhs: x.shape, rhs: t.shape) }
    }
    guard alpha >= 0 && alpha <= 1 else { throw TensorError.invalidArgument(op: "batch_norm", reason: "batch weight \(alpha) is outside [0, 1]") }
    guard alpha == 1 || (runningMean != nil && runningVariance != nil) else {
        throw TensorError.invalidArgument(op: "batch_norm", reason: "running statistics are needed when the batch weight is below 1")
    }
    guard alpha == 0 || n > 0 else { throw TensorError.invalidArgument(op: "batch_norm", reason: "empty batch") }

    // Batch statistics are needed to normalize when α > 0, and by callers that record them.
    let wantStatistics = alpha > 0 || computeBatchStatistics
    let xd = x.contiguousData()
    defer { withExtendedLifetime(xd) {} }
    let xp = xd.base
    let gamma = weight?.scalars, beta = bias?.scalars
    let rm = runningMean?.scalars, rv = runningVariance?.scalars
    var bMean = [TensorScalar](repeating: 0, count: C), bVar = [TensorScalar](repeating: 0, count: C)
    var mixMean = [TensorScalar](repeating: 0, count: C), invStd = [TensorScalar](repeating: 0, count: C)
    let out = try Tensor(uninitializedShape: x.shape)
    let op = out.base
    bMean.withUnsafeMutableBufferPointer { bm in
        bVar.withUnsafeMutableBufferPointer { bv in
            mixMean.withUnsafeMutableBufferPointer { mm in
                invStd.withUnsafeMutableBufferPointer { istd in
                    let (bm, bv, mm, istd) = (bm.baseAddress!, bv.baseAddress!, mm.baseAddress!, istd.baseAddress!)
                    Parallel.forEach(C, costPerItem: 3 * n) { c in
                        var mean: TensorScalar = 0, variance: TensorScalar = 0
                        if wantStatistics {
                            var s = 0.0
                            for i in 0..<N { s += Double(Kernels.sum(xp + i * C * plane + c * plane, plane)) }
                            mean = TensorScalar(s / Double(n))
                            var q = 0.0
                            for i in 0..<N { q += Double(BatchNormLoops.sumSquaredDeviation(xp + i * C * plane + c * plane, plane, mean)) }
                            variance = TensorScalar(q / Double(n))
                        }
                        bm[c] = mean; bv[c] = variance
                        let mu = alpha == 1 ? mean : alpha * mean + (1 - alpha) * rm![c]
                        let v = alpha == 1 ? varianceFactor * variance : alpha * varianceFactor * variance + (1 - alpha) * rv![c]
                        let s = 1 / (v + eps).squareRoot()
                        mm[c] = mu; istd[c] = s
                        // (x − μ̃)·scale + β rather than x·scale + shift: no cancellation when |μ̃| ≫ σ̃.
                        let scale = (gamma?[c] ?? 1) * s
                        let shift = beta?[c] ?? 0
                        for i in 0..<N {
                            let src = xp + i * C * plane + c * plane, dst = op + i * C * plane + c * plane
                            for k in 0..<plane { dst[k] = (src[k] - mu) * scale + shift }
                        }
                    }
                }
            }
        }
    }
    var inputs = [x]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    out.recorded("batch_norm", inputs) { g in
        // Read the input through `xd`, so that the closure keeps a dense copy of a strided
        // input alive (a captured raw pointer would not).
        let xp = xd.base
        let gd = g.contiguousData()
        defer { withExtendedLifetime(gd) {} }
        let gp = gd.base
        let dx = x.requiresGrad ? try Tensor(uninitializedShape: x.shape) : nil
        var dGamma = [TensorScalar](repeating: 0, count: C), dBeta = [TensorScalar](repeating: 0, count: C)
        dGamma.withUnsafeMutableBufferPointer { dgB in
            dBeta.withUnsafeMutableBufferPointer { dbB in
                let (dg, db) = (dgB.baseAddress!, dbB.baseAddress!)
                Parallel.forEach(C, costPerItem: 3 * n) { c in
                    // Σ dy and Σ dy·(x − μ̃), centred before multiplying to avoid cancellation.
                    var s1 = 0.0, centered = 0.0
                    let muF = mixMean[c]
                    for i in 0..<N {
                        let (xs, gs) = (xp + i * C * plane + c * plane, gp + i * C * plane + c * plane)
                        let (a, b) = BatchNormLoops.sumAndCenteredDot(gs, xs, plane, muF)
                        s1 += Double(a); centered += Double(b)
                    }
                    let s = Double(invStd[c]), gam = Double(gamma?[c] ?? 1)
                    dg[c] = TensorScalar(s * centered)
                    db[c] = TensorScalar(s1)
                    guard let dx else { return }
                    // dL/dσ̃² and dL/dμ̃, then through the batch statistics (scaled by α).
                    let dVar = -0.5 * gam * s * s * s * centered
                    let dMu = -gam * s * s1
                    let a = TensorScalar(dVar * Double(alpha) * Double(varianceFactor) * 2 / Double(n))
                    let b = TensorScalar(dMu * Double(alpha) / Double(n))
                    let direct = TensorScalar(gam * s), bm = bMean[c]
                    for i in 0..<N {
                        let (xs, gs, ds) = (xp + i * C * plane + c * plane, gp + i * C * plane + c * plane, dx.base + i * C * plane + c * plane)
                        for k in 0..<plane { ds[k] = direct * gs[k] + a * (xs[k] - bm) + b }
                    }
                }
            }
        }
        if let dx { try x.accumulateGrad(dx) }
        if let weight { try weight.accumulateGrad(Tensor(dGamma, shape: [C])) }
        if let bias { try bias.accumulateGrad(Tensor(dBeta, shape: [C])) }
    }
    return BatchNormOutput(output: out, batchMean: wantStatistics ? bMean : nil, batchVariance: wantStatistics ? bVar : nil, countPerChannel: n)
}

/// Inner loops of batch normalization.
enum BatchNormLoops {
    @inline(__always)
    static func sumSquaredDeviation(_ p: UnsafePointer<TensorScalar>, _ n: Int, _ mean: TensorScalar) -> TensorScalar {
        var acc = SIMD8<TensorScalar>(repeating: 0)
        let m = SIMD8<TensorScalar>(repeating: mean)
        var i = 0
        while i + 8 <= n {
            let d = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<TensorScalar>.self) - m
            acc += d * d
            i += 8
        }
        var s = acc.sum()
        while i < n { let d = p[i] - mean; s += d * d; i += 1 }
        return s
    }

    /// `(Σ g, Σ g·(x − mean))` over `n` values, in eight lanes (a scalar loop of two sums
    /// waits on the adder's latency for every element).
    @inline(__always)
    static func sumAndCenteredDot(_ g: UnsafePointer<TensorScalar>, _ x: UnsafePointer<TensorScalar>, _ n: Int,
                                  _ mean: TensorScalar) -> (TensorScalar, TensorScalar) {
        typealias V = SIMD8<TensorScalar>
        var a = V(repeating: 0), b = V(repeating: 0)
        let m = V(repeating: mean)
        var i = 0
        while i + 8 <= n {
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: V.self), xv = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            a += gv
            b += gv * (xv - m)
            i += 8
        }
        var (sa, sb) = (a.sum(), b.sum())
        while i < n { sa += g[i]; sb += g[i] * (x[i] - mean); i += 1 }
        return (sa, sb)
    }
}
