/// Matrix products through BLAS: 1-D, 2-D and batched with broadcasting, like NumPy's `@`.
extension Tensor {
    /// The matrix product (`a @ b`).
    ///
    /// 1-D operands are promoted (a row vector on the left, a column on the right) and the
    /// added dimension removed again; leading dimensions broadcast as batches.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1 && other.rank >= 1 else {
            throw TensorError.invalidArgument(op: "matmul", reason: "operands must have at least one dimension, got \(shape) and \(other.shape)")
        }
        // Check against the caller's shapes, before 1-D operands are promoted.
        let inner = other.rank == 1 ? other.shape[0] : other.shape[other.rank - 2]
        guard shape[rank - 1] == inner else { throw TensorError.shapeMismatch(op: "matmul", lhs: shape, rhs: other.shape) }
        do {
            _ = try Shape.broadcast(Array(shape.dropLast(2)), Array(other.shape.dropLast(2)), op: "matmul")
        } catch {
            throw TensorError.shapeMismatch(op: "matmul", lhs: shape, rhs: other.shape)
        }
        let a = rank == 1 ? try unsqueeze(0) : self
        let b = other.rank == 1 ? try other.unsqueeze(1) : other
        var out = try a.matmulND(b)
        if rank == 1 { out = try out.squeeze(-2) }
        if other.rank == 1 { out = try out.squeeze(-1) }
        return out
    }

    private func matmulND(_ b: Tensor) throws -> Tensor {
        let (m, k) = (shape[rank - 2], shape[rank - 1])
        let (k2, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == k2 else { throw TensorError.shapeMismatch(op: "matmul", lhs: shape, rhs: b.shape) }
        if rank == 2 && b.rank == 2 {
            let out = try Tensor(uninitializedShape: [m, n])
            Kernels.gemm(MatrixOperand(self), MatrixOperand(b), out.base, m: m, n: n, k: k)
            return out.recorded("matmul", [self, b]) { [self] g in
                if self.requiresGrad { try self.accumulateGrad(g.matmul(b.detach().transpose())) }
                if b.requiresGrad { try b.accumulateGrad(self.detach().transpose().matmul(g)) }
            }
        }
        let batch = try Shape.broadcast(Array(shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
        let ae = try detach().expand(to: batch + [m, k]).contiguousData()
        defer { withExtendedLifetime(ae) {} }
        let be = try b.detach().expand(to: batch + [k, n]).contiguousData()
        defer { withExtendedLifetime(be) {} }
        let count = batch.reduce(1, *)
        let out = try Tensor(uninitializedShape: batch + [m, n])
        let (pa, pb, po) = (ae.base, be.base, out.base)
        Parallel.forEach(count, costPerItem: m * n * k) { i in
            Kernels.sgemm(false, false, m, n, k, 1, pa + i * m * k, Swift.max(k, 1), pb + i * k * n, Swift.max(n, 1), 0, po + i * m * n, Swift.max(n, 1))
        }
        let (aShape, bShape) = (shape, b.shape)
        return out.recorded("matmul", [self, b]) { [self] g in
            if self.requiresGrad { try self.accumulateGrad(g.matmul(be.transpose()).sum(toShape: aShape)) }
            if b.requiresGrad { try b.accumulateGrad(ae.transpose().matmul(g).sum(toShape: bShape)) }
        }
    }
}
