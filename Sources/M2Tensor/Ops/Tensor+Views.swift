/// Views: new shapes over the same storage where the layout allows, copies otherwise.
extension Tensor {
    /// A dense copy when this view is not contiguous; differentiable.
    public func contiguous() throws -> Tensor {
        if isContiguous { return self }
        return contiguousData().recorded("contiguous", [self]) { [self] g in try self.accumulateGrad(g) }
    }

    /// The same elements with another shape; one dimension may be `-1` (inferred).
    /// Shares storage when contiguous.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        let known = newShape.filter { $0 != -1 }
        guard newShape.filter({ $0 == -1 }).count <= 1, known.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape(op: "reshape", shape: newShape, reason: "at most one -1 and no other negative sizes")
        }
        let knownCount = try Shape.elementCount(known, op: "reshape")
        if let i = newShape.firstIndex(of: -1) {
            guard knownCount > 0 && count % knownCount == 0 else {
                throw TensorError.invalidShape(op: "reshape", shape: newShape, reason: "cannot infer -1 for \(count) elements (from shape \(shape))")
            }
            target[i] = count / knownCount
        } else if knownCount != count {
            throw TensorError.invalidShape(op: "reshape", shape: newShape, reason: "\(knownCount) elements requested, the tensor of shape \(shape) has \(count)")
        }
        if target == shape { return self }
        let src = isContiguous ? self : contiguousData()
        let inShape = shape
        return Tensor(storage: src.storage, shape: target, strides: Shape.contiguousStrides(target), offset: src.offset)
            .recorded("reshape", [self]) { [self] g in try self.accumulateGrad(g.reshape(inShape)) }
    }

    /// Flattens dimensions `start...end` into one.
    public func flatten(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        guard rank > 0 else { return try reshape([1]) }
        let s = try Shape.normalizeAxis(start, rank: rank, op: "flatten")
        let e = try Shape.normalizeAxis(end, rank: rank, op: "flatten")
        guard s <= e else { throw TensorError.invalidArgument(op: "flatten", reason: "start \(start) is after end \(end)") }
        return try reshape(Array(shape[..<s]) + [shape[s...e].reduce(1, *)] + Array(shape[(e + 1)...]))
    }

    /// Reorders the dimensions: output dimension `i` is input dimension `order[i]`. A view.
    public func permute(_ order: [Int]) throws -> Tensor {
        guard order.count == rank else {
            throw TensorError.invalidArgument(op: "permute", reason: "\(order.count) axes given for a tensor of rank \(rank)")
        }
        let ax = try order.map { try Shape.normalizeAxis($0, rank: rank, op: "permute") }
        guard Set(ax).count == rank else { throw TensorError.invalidArgument(op: "permute", reason: "\(order) is not a permutation") }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in ax.enumerated() { inverse[p] = i }
        return Tensor(storage: storage, shape: ax.map { shape[$0] }, strides: ax.map { strides[$0] }, offset: offset)
            .recorded("permute", [self]) { [self] g in try self.accumulateGrad(g.permute(inverse)) }
    }

    /// Swaps two dimensions (default: the last two). A view.
    public func transpose(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        guard rank >= 2 || (rank == 1 && (a == -2 || a == 0)) else { return self }
        let x = try Shape.normalizeAxis(a, rank: rank, op: "transpose")
        let y = try Shape.normalizeAxis(b, rank: rank, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(x, y)
        return try permute(order)
    }

    /// The transpose of a matrix (`x.T`).
    public var T: Tensor { get throws { try transpose() } }

    /// Broadcasts to a larger shape without copying (stride 0 on repeated dimensions).
    public func expand(to target: [Int]) throws -> Tensor {
        let out = try Shape.broadcast(shape, target, op: "expand")
        guard out == target else { throw TensorError.shapeMismatch(op: "expand", lhs: shape, rhs: target) }
        if target == shape { return self }
        // Every view must be materializable (`contiguousData()` relies on it): refuse a
        // broadcast larger than any allocation.
        let elements = try Shape.elementCount(target, op: "expand")
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: MemoryLayout<TensorScalar>.stride)
        guard !overflow && bytes <= BufferPool.shared.limitBytes else {
            throw TensorError.allocationTooLarge(elements: elements, bytes: overflow ? Int.max : bytes, limit: BufferPool.shared.limitBytes)
        }
        let inShape = shape
        return Tensor(storage: storage, shape: target, strides: Shape.broadcastStrides(shape: shape, strides: strides, to: target), offset: offset)
            .recorded("expand", [self]) { [self] g in try self.accumulateGrad(g.sum(toShape: inShape)) }
    }

    /// Inserts a dimension of size 1 at `axis`.
    public func unsqueeze(_ axis: Int) throws -> Tensor {
        let a = try Shape.normalizeAxis(axis, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return try reshape(s)
    }

    /// Removes dimensions of size 1 (only `axis`, when given).
    public func squeeze(_ axis: Int? = nil) throws -> Tensor {
        if let axis {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: "squeeze")
            guard shape[a] == 1 else { return self }
            var s = shape
            s.remove(at: a)
            return try reshape(s)
        }
        return try reshape(shape.filter { $0 != 1 })
    }
}
