/// Reductions over axes: sum, mean, variance, maximum, argmax.
extension Tensor {
    /// The output shape of a reduction over `axes`.
    func reducedShape(_ axes: [Int], keepdims: Bool) -> [Int] {
        keepdims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                 : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Sum over `axes` (all when `nil`).
    /// - Parameters:
    ///   - axes: the dimensions to reduce; negative values count from the end.
    ///   - keepdims: keep reduced dimensions with size 1.
    public func sum(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let ax = try Shape.normalizeAxes(axes, rank: rank, op: "sum")
        let outShape = reducedShape(ax, keepdims: keepdims)
        let keptShape = reducedShape(ax, keepdims: true)
        let inShape = shape
        return try Tensor.blockedSum(self, axes: ax, outShape: outShape).recorded("sum", [self]) { [self] g in
            try self.accumulateGrad(g.reshape(keptShape).expand(to: inShape).contiguous())
        }
    }

    /// Elements per block of a long sum.
    static let sumBlockLength = 1024

    /// Sums `t` over `axes` into a dense tensor of shape `outShape`.
    ///
    /// Short reductions use the kernel's loops. A long one (more than ``sumBlockLength``
    /// elements per output) adds TensorScalar blocks of that length and accumulates the block sums in
    /// Double: one running TensorScalar sum over a million elements loses about three digits.
    static func blockedSum(_ t: Tensor, axes: [Int], outShape: [Int]) throws -> Tensor {
        let length = axes.map { t.shape[$0] }.reduce(1, *)
        guard length > sumBlockLength else { return try Kernels.reduceSum(t, axes: axes, outShape: outShape) }
        let out = try Tensor(uninitializedShape: outShape)
        let (data, outer, _) = Kernels.rowsForReduction(t, axes: axes)
        withExtendedLifetime(data) {
            let (x, o, block) = (data.base, out.base, sumBlockLength)
            Parallel.forRanges(outer, costPerItem: length) { _, r in
                for i in r {
                    let row = x + i * length
                    var s = 0.0, j = 0
                    while j < length {
                        let n = Swift.min(block, length - j)
                        s += Double(Kernels.sum(row + j, n))
                        j += n
                    }
                    o[i] = TensorScalar(s)
                }
            }
        }
        return out
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepdims: Bool = false) throws -> Tensor { try sum(axes: [axis], keepdims: keepdims) }

    /// Mean over `axes` (all when `nil`).
    public func mean(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let ax = try Shape.normalizeAxes(axes, rank: rank, op: "mean")
        let n = ax.map { shape[$0] }.reduce(1, *)
        guard n > 0 else { throw TensorError.invalidArgument(op: "mean", reason: "mean of an empty tensor of shape \(shape)") }
        return try sum(axes: ax, keepdims: keepdims) * (1 / TensorScalar(n))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepdims: Bool = false) throws -> Tensor { try mean(axes: [axis], keepdims: keepdims) }

    /// Variance over `axes`; `unbiased` divides by n − 1 (PyTorch's default) instead of n.
    public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepdims: Bool = false) throws -> Tensor {
        let ax = try Shape.normalizeAxes(axes, rank: rank, op: "var")
        let n = ax.map { shape[$0] }.reduce(1, *)
        guard n > (unbiased ? 1 : 0) else {
            throw TensorError.invalidArgument(op: "var", reason: "needs at least \(unbiased ? 2 : 1) elements per reduction, got \(n)")
        }
        let centered = try self - mean(axes: ax, keepdims: true)
        return try (centered * centered).sum(axes: ax, keepdims: keepdims) * (1 / TensorScalar(unbiased ? n - 1 : n))
    }

    /// Maximum over `axes` (all when `nil`); the gradient goes to the first maximal element.
    public func max(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let ax = try Shape.normalizeAxes(axes, rank: rank, op: "max")
        guard count > 0 else { throw TensorError.invalidArgument(op: "max", reason: "max of an empty tensor") }
        let (values, positions) = try Kernels.reduceMax(self, axes: ax, outShape: reducedShape(ax, keepdims: keepdims))
        let inShape = shape
        return values.recorded("max", [self]) { [self] g in
            // Scatter each output gradient to the position of its maximum.
            let kept = (0..<inShape.count).filter { !ax.contains($0) }
            let length = ax.map { inShape[$0] }.reduce(1, *)
            let rows = try Tensor.zeros(kept.map { inShape[$0] } + ax.map { inShape[$0] })
            let gc = g.contiguousData()
            defer { withExtendedLifetime(gc) {} }
            for (i, p) in positions.enumerated() { rows.base[i * length + p] = gc.base[i] }
            // Undo the kept-then-reduced permutation.
            let perm = kept + ax
            var inverse = [Int](repeating: 0, count: perm.count)
            for (i, p) in perm.enumerated() { inverse[p] = i }
            try self.accumulateGrad(rows.permute(inverse).contiguous())
        }
    }

    /// Maximum over one axis.
    public func max(axis: Int, keepdims: Bool = false) throws -> Tensor { try max(axes: [axis], keepdims: keepdims) }

    /// Minimum over `axes` (all when `nil`).
    public func min(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor { try -((-self).max(axes: axes, keepdims: keepdims)) }

    /// Index of the maximum along `axis` (of the flattened tensor when `nil`), as a tensor
    /// of integral floats.
    public func argmax(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        guard count > 0 else { throw TensorError.invalidArgument(op: "argmax", reason: "argmax of an empty tensor") }
        if let axis {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: "argmax")
            let (_, positions) = try Kernels.reduceMax(self, axes: [a], outShape: reducedShape([a], keepdims: keepdims))
            return try Tensor(positions.map(TensorScalar.init), shape: reducedShape([a], keepdims: keepdims))
        }
        let (_, positions) = try Kernels.reduceMax(self, axes: Array(0..<rank), outShape: [])
        return Tensor(scalar: TensorScalar(positions[0]))
    }

    /// Sums a broadcast gradient back down to `target` (the inverse of broadcasting).
    public func sum(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        guard lead >= 0 else { throw TensorError.shapeMismatch(op: "sum to shape", lhs: shape, rhs: target) }
        var axes = Array(0..<lead)
        for (i, s) in target.enumerated() where s == 1 && shape[i + lead] != 1 { axes.append(i + lead) }
        return try sum(axes: axes, keepdims: false).reshape(target)
    }
}
