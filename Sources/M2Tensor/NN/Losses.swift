import Foundation

/// Linear maps, normalization and the losses of the method.

/// `x · Wᵀ + b` (PyTorch's `F.linear`): x `[N, in]`, weight `[out, in]`, bias `[out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    guard weight.rank == 2, x.rank >= 1, x.shape.last == weight.shape[1] else {
        throw TensorError.shapeMismatch(op: "linear", lhs: x.shape, rhs: weight.shape)
    }
    let y = try x.matmul(weight.transpose())
    guard let bias else { return y }
    guard bias.shape == [weight.shape[0]] else { throw TensorError.shapeMismatch(op: "linear bias", lhs: weight.shape, rhs: bias.shape) }
    return try y + bias
}

/// Divides by the L2 norm along `axis`: `x / max(‖x‖, eps)` (PyTorch's `F.normalize`).
public func l2Normalize(_ x: Tensor, axis: Int = -1, eps: TensorScalar = 1e-12) throws -> Tensor {
    let norm = try (x * x).sum(axes: [axis], keepdims: true).sqrt().clamp(min: eps)
    return try x / norm
}

/// Log-softmax along `axis`, computed stably (`x − max − log Σ exp(x − max)`).
public func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    let shifted = try x - x.detach().max(axes: [axis], keepdims: true)
    return try shifted - shifted.exp().sum(axes: [axis], keepdims: true).log()
}

/// Softmax along `axis`.
public func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor { try logSoftmax(x, axis: axis).exp() }

/// Mean cross-entropy of `[N, K]` logits against class indices (PyTorch's `F.cross_entropy`).
public func crossEntropy(_ logits: Tensor, targets: [Int]) throws -> Tensor {
    guard logits.rank == 2 else { throw TensorError.invalidShape(op: "cross_entropy", shape: logits.shape, reason: "expected [N, classes] logits") }
    let (n, k) = (logits.shape[0], logits.shape[1])
    guard targets.count == n else {
        throw TensorError.invalidArgument(op: "cross_entropy", reason: "\(targets.count) targets for \(n) rows of logits")
    }
    for t in targets where t < 0 || t >= k { throw TensorError.indexOutOfRange(op: "cross_entropy", index: t, size: k) }
    let logp = try logSoftmax(logits, axis: 1)
    let picked = try logp.gather(axis: 1, index: Tensor(targets.map(TensorScalar.init), shape: [n, 1]))
    return try -(picked.mean())
}

/// The Momentum² Teacher loss (SPEC §2):
/// `L = mean_i [4 − 2(⟨q̂1, k̂1⟩ + ⟨q̂2, k̂2⟩)]` with L2-normalized rows; no gradient
/// reaches the teacher outputs `k1`, `k2`.
/// - Parameters:
///   - q1: student output of view 1 `[N, D]`.
///   - q2: student output of view 2.
///   - k1: teacher output of view 2 (paired with q1).
///   - k2: teacher output of view 1 (paired with q2).
public func momentum2Loss(q1: Tensor, q2: Tensor, k1: Tensor, k2: Tensor) throws -> Tensor {
    for t in [q2, k1, k2] where t.shape != q1.shape { throw TensorError.shapeMismatch(op: "m2t_loss", lhs: q1.shape, rhs: t.shape) }
    let a = try rowCosines(q1, k1), b = try rowCosines(q2, k2)
    return try 4 - (a + b).mean() * 2
}

/// One view's half of ``momentum2Loss(q1:q2:k1:k2:)``: `mean_i [2 − 2⟨q̂, k̂⟩]`, so that
/// `momentum2Loss(q1, q2, k1, k2) = halfMomentum2Loss(q1, k1) + halfMomentum2Loss(q2, k2)`
/// (the step computes the halves on two cores). No gradient reaches `k`.
public func halfMomentum2Loss(q: Tensor, k: Tensor) throws -> Tensor {
    guard k.shape == q.shape else { throw TensorError.shapeMismatch(op: "m2t_loss", lhs: q.shape, rhs: k.shape) }
    return try 2 - rowCosines(q, k).mean() * 2
}

/// `⟨q̂_i, k̂_i⟩` per row of `[N, D]` outputs, L2-normalized; no gradient reaches `k`.
private func rowCosines(_ q: Tensor, _ k: Tensor) throws -> Tensor {
    guard q.rank == 2 else { throw TensorError.invalidShape(op: "m2t_loss", shape: q.shape, reason: "expected [N, D]") }
    return try (l2Normalize(q, axis: 1) * l2Normalize(k.detach(), axis: 1)).sum(axis: 1)
}
