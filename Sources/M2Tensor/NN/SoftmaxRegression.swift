import Foundation

/// The objective of multinomial logistic regression over a whole data set, with its
/// gradient, for full-batch optimizers (``LBFGS`` in M2NN):
///
///     f(W, b) = (1/n) Σᵢ [log Σ_c exp(zᵢ_c) − zᵢ_yᵢ] + (λ/2)·‖W‖²,   zᵢ = xᵢ·W + b
///
/// with features `X [n, d]`, weights `W [d, C]`, an unpenalized bias `b [C]` and labels `yᵢ`.
/// The parameters travel as one `[Double]` vector θ: `W` row-major, then `b`.
///
/// The rows are cut into chunks of ``rowsPerChunk``; per chunk, one product gives the logits,
/// the softmax and the loss are taken in Double, and a second product gives the chunk's
/// `Xᵀ·(P − Y)` while its rows are still in cache (``Kernels/thinProduct``: with C columns BLAS
/// would spend as long packing the chunk as multiplying). The chunks are summed in Double per lane and the lanes in
/// order (as ``ConvKernels``), so the result does not depend on the thread count.
public struct SoftmaxRegression: @unchecked Sendable {
    /// Rows per chunk (0.8 MB of 784-wide Float32 rows: the two GEMMs share the chunk in L2).
    public static let rowsPerChunk = 256

    /// Features `[n, d]` (contiguous).
    public let features: Tensor
    /// The class of each row, in `0..<classes`.
    public let labels: [Int]
    /// C, the number of classes.
    public let classes: Int

    /// n, the number of rows.
    public var sampleCount: Int { features.shape[0] }
    /// d, the number of features.
    public var dimension: Int { features.shape[1] }
    /// The length of θ: `(d + 1)·C`.
    public var parameterCount: Int { (dimension + 1) * classes }

    /// The objective of `features [n, d]` (n ≥ 1) labelled with `labels` in `0..<classes`.
    public init(features: Tensor, labels: [Int], classes: Int) throws {
        let op = "softmax_regression"
        guard features.rank == 2, features.shape[0] > 0, features.shape[1] > 0 else {
            throw TensorError.invalidShape(op: op, shape: features.shape, reason: "expected non-empty features [n, d]")
        }
        guard labels.count == features.shape[0] else {
            throw TensorError.invalidArgument(op: op, reason: "\(labels.count) labels for \(features.shape[0]) rows of features")
        }
        guard classes > 1 else { throw TensorError.invalidArgument(op: op, reason: "needs at least two classes, got \(classes)") }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) { throw TensorError.indexOutOfRange(op: op, index: bad, size: classes) }
        (self.features, self.labels, self.classes) = (features.contiguousData(), labels, classes)
    }

    /// f(θ) and ∇f(θ) at L2 strength `l2` (λ ≥ 0).
    public func lossAndGradient(_ theta: [Double], l2: Double) throws -> (loss: Double, gradient: [Double]) {
        let (n, d, C) = (sampleCount, dimension, classes)
        guard theta.count == parameterCount else {
            throw TensorError.invalidArgument(op: "softmax_regression", reason: "θ has \(theta.count) values, expected (d + 1)·C = \(parameterCount)")
        }
        guard l2 >= 0, l2.isFinite else { throw TensorError.invalidArgument(op: "softmax_regression", reason: "the L2 strength must be finite and ≥ 0, got \(l2)") }
        // Wᵀ, one class per row, for the thin products.
        var wt = [TensorScalar](repeating: 0, count: d * C)
        for k in 0..<d { for c in 0..<C { wt[c * d + k] = TensorScalar(theta[k * C + c]) } }
        let bias = Array(theta[(d * C)...])
        let chunk = SoftmaxRegression.rowsPerChunk
        let chunks = (n + chunk - 1) / chunk
        let lanes = Swift.min(Parallel.pieces, chunks)
        // Per lane: Double sums of the loss, of Xᵀ·G and of G; scratch for one chunk's logits and G·n and Xᵀ·G.
        var losses = [Double](repeating: 0, count: lanes)
        let sums = try (0..<lanes).map { _ in try DoubleBuffer(count: (d + 1) * C) }
        let scratch = try (0..<lanes).map { _ in (z: try Storage(uninitializedCount: chunk * C), g: try Storage(uninitializedCount: d * C)) }
        let x = features.base, inv = 1 / Double(n)
        wt.withUnsafeBufferPointer { wb in
            let wp = wb.baseAddress!
            losses.withUnsafeMutableBufferPointer { lossBuffer in
                let lp = lossBuffer.baseAddress!
                Parallel.forRanges(lanes, costPerItem: 1 << 20) { _, laneRange in
                    for lane in laneRange {
                        let (z, xg, acc) = (scratch[lane].z.pointer, scratch[lane].g.pointer, sums[lane].pointer)
                        var loss = 0.0
                        var e = [Double](repeating: 0, count: C)
                        var c = lane
                        while c < chunks {
                            let first = c * chunk, m = Swift.min(chunk, n - first)
                            let rows = x + first * d
                            Kernels.thinProduct(rows, rows: m, columns: d, wp, classes: C, z)
                            // z becomes G = (softmax(z + b) − onehot(y)) / n, row by row.
                            for r in 0..<m {
                                let row = z + r * C, y = labels[first + r]
                                var top = -Double.infinity
                                for k in 0..<C { top = Swift.max(top, Double(row[k]) + bias[k]) }
                                var total = 0.0
                                for k in 0..<C { e[k] = Foundation.exp(Double(row[k]) + bias[k] - top); total += e[k] }
                                loss += Foundation.log(total) + top - (Double(row[y]) + bias[y])
                                for k in 0..<C {
                                    let p = e[k] / total
                                    let g = (k == y ? p - 1 : p) * inv
                                    acc[d * C + k] += g
                                    row[k] = TensorScalar(g)
                                }
                            }
                            Kernels.thinTransposedProduct(rows, rows: m, columns: d, z, classes: C, xg)
                            for i in 0..<(d * C) { acc[i] += Double(xg[i]) }
                            c += lanes
                        }
                        lp[lane] = loss
                    }
                }
            }
        }
        if losses.contains(where: { !$0.isFinite }) {
            throw TensorError.invalidArgument(op: "softmax_regression", reason: "the loss is not finite (non-finite features or parameters)")
        }
        var gradient = [Double](repeating: 0, count: parameterCount)
        for lane in 0..<lanes { for i in 0..<parameterCount { gradient[i] += sums[lane].pointer[i] } }
        var penalty = 0.0
        for i in 0..<(d * C) {
            penalty += theta[i] * theta[i]
            gradient[i] += l2 * theta[i]
        }
        return (losses.reduce(0, +) * inv + 0.5 * l2 * penalty, gradient)
    }

    /// The logits `x·W + b` `[m, C]` of features `x [m, d]` under θ (laid out as in
    /// ``lossAndGradient(_:l2:)``).
    public static func logits(_ x: Tensor, _ theta: [Double], classes: Int) throws -> Tensor {
        guard x.rank == 2, classes > 0, theta.count == (x.shape[1] + 1) * classes else {
            throw TensorError.shapeMismatch(op: "softmax_regression logits", lhs: x.shape, rhs: [theta.count / Swift.max(classes, 1) - 1, classes])
        }
        let d = x.shape[1]
        let w = try Tensor(theta[0..<(d * classes)].map { TensorScalar($0) }, shape: [d, classes])
        let b = try Tensor(theta[(d * classes)...].map { TensorScalar($0) }, shape: [classes])
        return try withNoGrad { try x.matmul(w) + b }
    }
}

/// Zeroed Doubles that a parallel region can write through (per-lane sums).
final class DoubleBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    let count: Int

    init(count: Int) throws {
        let bytes = count * MemoryLayout<Double>.stride
        guard count >= 0, bytes <= BufferPool.shared.limitBytes else {
            throw TensorError.allocationTooLarge(elements: count, bytes: bytes, limit: BufferPool.shared.limitBytes)
        }
        pointer = .allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: 0, count: Swift.max(count, 1))
        self.count = count
    }

    deinit { pointer.deallocate() }
}
