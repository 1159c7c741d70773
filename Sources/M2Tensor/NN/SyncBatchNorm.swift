/// Batch normalization whose batch is spread over the ranks of a ``ProcessGroup``
/// (SyncBN, as BYOL and SimCLR train): the statistics are those of the whole global batch.
///
/// Forward, each rank sums its part of every channel; one all-reduce gives the global mean,
/// a second the global sum of squared deviations from it (two passes, as in
/// ``batchNorm(_:weight:bias:eps:batchWeight:varianceFactor:runningMean:runningVariance:computeBatchStatistics:)``,
/// so no cancellation). Backward, one all-reduce of `Σ dy` and `Σ dy·(x − μ̃)` per channel
/// gives each rank its input gradient of the *sum* of the ranks' losses; `γ`'s and `β`'s
/// gradients stay local, for the data-parallel average of parameter gradients. With a
/// group of one this is the ordinary batch norm.
/// - Parameters: as the single-process function; `group` holds the other parts of the batch,
///   and `varianceFactor` applies to the global biased variance.
/// - Returns: the output with the global batch statistics; `countPerChannel` is the global count.
public func syncBatchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: TensorScalar = 1e-5,
                          batchWeight alpha: TensorScalar = 1, varianceFactor: TensorScalar = 1,
                          runningMean: Tensor? = nil, runningVariance: Tensor? = nil, group: ProcessGroup) throws -> BatchNormOutput {
    guard x.rank == 2 || x.rank == 4 else {
        throw TensorError.invalidShape(op: "sync_batch_norm", shape: x.shape, reason: "expected [N, C] or [N, C, H, W]")
    }
    let C = x.shape[1], N = x.shape[0]
    let plane = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
    for (name, t) in [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVariance)] {
        if let t, t.shape != [C] { throw TensorError.shapeMismatch(op: "sync_batch_norm \(name)", lhs: x.shape, rhs: t.shape) }
    }
    guard alpha >= 0 && alpha <= 1 else { throw TensorError.invalidArgument(op: "sync_batch_norm", reason: "batch weight \(alpha) is outside [0, 1]") }
    guard alpha == 1 || (runningMean != nil && runningVariance != nil) else {
        throw TensorError.invalidArgument(op: "sync_batch_norm", reason: "running statistics are needed when the batch weight is below 1")
    }
    let xd = x.contiguousData()
    let xp = xd.base
    // Per channel over the local part: Σ x, then Σ (x − μ)² around the global μ.
    func channelSums(_ f: @escaping (UnsafePointer<TensorScalar>, Int, Int) -> Double) -> [Double] {
        var sums = [Double](repeating: 0, count: C)
        sums.withUnsafeMutableBufferPointer { s in
            let sp = s.baseAddress!
            Parallel.forEach(C, costPerItem: 2 * N * plane) { c in
                var total = 0.0
                for i in 0..<N { total += f(xp + i * C * plane + c * plane, plane, c) }
                sp[c] = total
            }
        }
        return sums
    }
    var count = [Double(N * plane)]
    try count.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }
    let n = count[0]
    guard n > 0 else { throw TensorError.invalidArgument(op: "sync_batch_norm", reason: "empty batch") }
    var sums = channelSums { p, k, _ in Double(Kernels.sum(p, k)) }
    try sums.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }
    let bMean = sums.map { TensorScalar($0 / n) }
    var squares = channelSums { p, k, c in Double(BatchNormLoops.sumSquaredDeviation(p, k, bMean[c])) }
    try squares.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }
    let bVar = squares.map { TensorScalar($0 / n) }
    let gamma = weight?.scalars, beta = bias?.scalars
    let rm = runningMean?.scalars, rv = runningVariance?.scalars
    let mixMean = (0..<C).map { c in alpha == 1 ? bMean[c] : alpha * bMean[c] + (1 - alpha) * rm![c] }
    let invStd = (0..<C).map { c -> TensorScalar in
        let v = alpha == 1 ? varianceFactor * bVar[c] : alpha * varianceFactor * bVar[c] + (1 - alpha) * rv![c]
        return 1 / (v + eps).squareRoot()
    }
    let out = try Tensor(uninitializedShape: x.shape)
    let op = out.base
    Parallel.forEach(C, costPerItem: N * plane) { c in
        let (mu, scale, shift) = (mixMean[c], (gamma?[c] ?? 1) * invStd[c], beta?[c] ?? 0)
        for i in 0..<N {
            let src = xp + i * C * plane + c * plane, dst = op + i * C * plane + c * plane
            for k in 0..<plane { dst[k] = (src[k] - mu) * scale + shift }
        }
    }
    var inputs = [x]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    out.recorded("sync_batch_norm", inputs) { g in
        let xp = xd.base
        let gd = g.contiguousData()
        defer { withExtendedLifetime(gd) {} }
        let gp = gd.base
        // Local Σ dy and Σ dy·(x − μ̃) per channel, then their global values.
        var local = [Double](repeating: 0, count: 2 * C)
        local.withUnsafeMutableBufferPointer { l in
            let lp = l.baseAddress!
            Parallel.forEach(C, costPerItem: 2 * N * plane) { c in
                var s1 = 0.0, centered = 0.0
                for i in 0..<N {
                    let (xs, gs) = (xp + i * C * plane + c * plane, gp + i * C * plane + c * plane)
                    var a: TensorScalar = 0, b: TensorScalar = 0
                    for k in 0..<plane { a += gs[k]; b += gs[k] * (xs[k] - mixMean[c]) }
                    s1 += Double(a); centered += Double(b)
                }
                (lp[c], lp[C + c]) = (s1, centered)
            }
        }
        var global = local
        try global.withUnsafeMutableBufferPointer { try group.allReduceSum(doubles: $0) }
        if x.requiresGrad {
            let dx = try Tensor(uninitializedShape: x.shape)
            let dp = dx.base
            Parallel.forEach(C, costPerItem: N * plane) { c in
                let s = Double(invStd[c]), gam = Double(gamma?[c] ?? 1)
                let dVar = -0.5 * gam * s * s * s * global[C + c]
                let dMu = -gam * s * global[c]
                let a = TensorScalar(dVar * Double(alpha) * Double(varianceFactor) * 2 / n)
                let b = TensorScalar(dMu * Double(alpha) / n)
                let (direct, bm) = (TensorScalar(gam * s), bMean[c])
                for i in 0..<N {
                    let (xs, gs, ds) = (xp + i * C * plane + c * plane, gp + i * C * plane + c * plane, dp + i * C * plane + c * plane)
                    for k in 0..<plane { ds[k] = direct * gs[k] + a * (xs[k] - bm) + b }
                }
            }
            try x.accumulateGrad(dx)
        }
        if let weight { try weight.accumulateGrad(Tensor((0..<C).map { TensorScalar(Double(invStd[$0]) * local[C + $0]) }, shape: [C])) }
        if let bias { try bias.accumulateGrad(Tensor((0..<C).map { TensorScalar(local[$0]) }, shape: [C])) }
    }
    return BatchNormOutput(output: out, batchMean: bMean, batchVariance: bVar, countPerChannel: Int(n))
}
