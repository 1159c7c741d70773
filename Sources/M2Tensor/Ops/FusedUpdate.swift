/// In-place updates of many parameters in one pass, spread over the threads: the SGD step
/// and the teacher's moving average.
///
/// A Momentum² step at the demo's settings updates about a million parameters in 60-odd
/// tensors, most of them a few dozen values. Updated one tensor and one operation at a time
/// (`copy`, then ``Tensor/addInPlace(_:scale:)`` and ``Tensor/scaleInPlace(_:)`` three or
/// four times), each tensor costs an allocation and four passes, mostly on one core while
/// the other waits. Here every element is read and written once, and the elements of all the
/// tensors together are cut into one contiguous range per thread.
///
/// Each element goes through the same floating-point operations in the same order as the
/// one-operation-at-a-time form, so the bits do not change, whatever the number of threads.
public enum FusedUpdate {
    /// `θ ← θ − lr·b` with `d = g + λθ` and `b ← μ·b + d` (`b ← d` where `first` is true;
    /// Nesterov: `θ ← θ − lr·(d + μ·b)`), PyTorch's SGD, for every `(θ, g, b)`.
    /// - Parameters:
    ///   - parameters: θ, contiguous, updated in place.
    ///   - gradients: g, one per parameter, of its shape.
    ///   - buffers: b, contiguous, one per parameter, of its shape (ignored with `momentum` 0).
    ///   - first: per parameter, whether this is its first update (b is then set to d).
    /// - Throws: ``TensorError/invalidArgument(op:reason:)`` for lists of different lengths or a
    ///   non-contiguous target; ``TensorError/shapeMismatch(op:lhs:rhs:)`` for a shape that differs.
    public static func sgd(parameters: [Tensor], gradients: [Tensor], buffers: [Tensor], first: [Bool],
                           learningRate lr: TensorScalar, momentum mu: TensorScalar, weightDecay wd: TensorScalar, nesterov: Bool) throws {
        let op = "sgd"
        guard gradients.count == parameters.count, first.count == parameters.count, mu == 0 || buffers.count == parameters.count else {
            throw TensorError.invalidArgument(op: op, reason: "\(parameters.count) parameters, \(gradients.count) gradients, \(buffers.count) buffers and \(first.count) flags")
        }
        try check(parameters, gradients, op: op)
        if mu != 0 {
            try check(parameters, buffers, op: op)
            guard buffers.allSatisfy(\.isContiguous) else { throw TensorError.invalidArgument(op: op, reason: "the momentum buffers must be contiguous") }
        }
        let g = gradients.map { $0.contiguousData() }
        let (theta, grads) = (parameters.map(\.base), g.map { UnsafePointer($0.base) })
        let moments = mu != 0 ? buffers.map(\.base) : []
        withExtendedLifetime((parameters, g, buffers)) {
            forSegments(parameters.map(\.count)) { t, range in
                let (p, gp) = (theta[t], grads[t])
                guard mu != 0 else {
                    for i in range { p[i] += -lr * (wd != 0 ? gp[i] + wd * p[i] : gp[i]) }
                    return
                }
                let b = moments[t], fresh = first[t]
                for i in range {
                    let d = wd != 0 ? gp[i] + wd * p[i] : gp[i]
                    var m = d
                    if !fresh {
                        m = b[i] * mu
                        m += 1 * d
                    }
                    b[i] = m
                    p[i] += -lr * (nesterov ? d + mu * m : m)
                }
            }
        }
    }

    /// `t ← m·t + (1 − m)·s` for every pair (the teacher's moving average of the student).
    /// - Throws: as ``sgd(parameters:gradients:buffers:first:learningRate:momentum:weightDecay:nesterov:)``.
    public static func movingAverage(_ targets: [Tensor], toward sources: [Tensor], momentum m: TensorScalar) throws {
        guard sources.count == targets.count else {
            throw TensorError.invalidArgument(op: "ema", reason: "\(targets.count) targets and \(sources.count) sources")
        }
        try check(targets, sources, op: "ema")
        let s = sources.map { $0.contiguousData() }
        let (tp, sp) = (targets.map(\.base), s.map { UnsafePointer($0.base) })
        let rest = 1 - m
        withExtendedLifetime((targets, s)) {
            forSegments(targets.map(\.count)) { k, range in
                let (t, src) = (tp[k], sp[k])
                for i in range {
                    var v = t[i] * m
                    v += rest * src[i]
                    t[i] = v
                }
            }
        }
    }

    private static func check(_ targets: [Tensor], _ others: [Tensor], op: String) throws {
        for (t, o) in zip(targets, others) {
            guard t.isContiguous else { throw TensorError.invalidArgument(op: op, reason: "the target must be contiguous") }
            guard t.shape == o.shape else { throw TensorError.shapeMismatch(op: op, lhs: t.shape, rhs: o.shape) }
        }
    }

    /// Calls `body(tensor, range)` over the elements of tensors of `counts` elements, cut into
    /// one contiguous stretch of the concatenated elements per thread.
    static func forSegments(_ counts: [Int], _ body: (Int, Range<Int>) -> Void) {
        var starts = [0]
        for c in counts { starts.append(starts[starts.count - 1] + c) }
        Parallel.forRanges(starts[counts.count]) { _, range in
            // The first tensor this range reaches into, then each one it covers.
            var t = 0
            while starts[t + 1] <= range.lowerBound { t += 1 }
            while t < counts.count, starts[t] < range.upperBound {
                let lo = Swift.max(range.lowerBound, starts[t]) - starts[t], hi = Swift.min(range.upperBound, starts[t + 1]) - starts[t]
                if lo < hi { body(t, lo..<hi) }
                t += 1
            }
        }
    }
}
