/// The Momentum² Teacher loss (SPEC §2):
/// `L = mean_i [4 − 2(⟨q̂1, k̂1⟩ + ⟨q̂2, k̂2⟩)]` with L2-normalized rows; no gradient
/// reaches the teacher outputs `k1`, `k2`.
/// - Parameters:
///   - q1: student output of view 1 `[N, D]`.
///   - q2: student output of view 2.
///   - k1: teacher output of view 2 (paired with q1).
///   - k2: teacher output of view 1 (paired with q2).
/// - Returns: the scalar loss, between 0 (aligned) and 8 (opposite).
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

/// `⟨q̂_i, k̂_i⟩` per row of `[N, D]` outputs; no gradient reaches `k`.
private func rowCosines(_ q: Tensor, _ k: Tensor) throws -> Tensor {
    guard q.rank == 2 else { throw TensorError.invalidShape(op: "m2t_loss", shape: q.shape, reason: "expected [N, D]") }
    return try cosineSimilarity(q, k.detach(), axis: 1)
}
