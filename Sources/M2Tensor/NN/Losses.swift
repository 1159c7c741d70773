import Foundation

/// Linear maps, normalization, similarities and classification losses.

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

/// Cosine similarity of `a` and `b` along `axis`: each is L2-normalized there
/// (``l2Normalize(_:axis:eps:)``), then the products are summed, so the result has `axis`
/// removed. Unlike PyTorch's `F.cosine_similarity`, which divides the dot product by
/// `max(‖a‖·‖b‖, eps)`, each vector is normalized on its own, as BYOL-style losses do.
public func cosineSimilarity(_ a: Tensor, _ b: Tensor, axis: Int = 1) throws -> Tensor {
    guard a.shape == b.shape else { throw TensorError.shapeMismatch(op: "cosine_similarity", lhs: a.shape, rhs: b.shape) }
    return try (l2Normalize(a, axis: axis) * l2Normalize(b, axis: axis)).sum(axis: axis)
}
