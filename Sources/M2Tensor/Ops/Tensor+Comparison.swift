/// Elementwise comparisons, broadcasting; results are 0/1 tensors outside the graph.
extension Tensor {
    /// 1 where equal.
    public func eq(_ o: Tensor) throws -> Tensor { try Kernels.binary(EqF.self, self, o, op: "eq") }
    /// 1 where not equal.
    public func ne(_ o: Tensor) throws -> Tensor { try Kernels.binary(NeF.self, self, o, op: "ne") }
    /// 1 where less.
    public func lt(_ o: Tensor) throws -> Tensor { try Kernels.binary(LtF.self, self, o, op: "lt") }
    /// 1 where less or equal.
    public func le(_ o: Tensor) throws -> Tensor { try Kernels.binary(LeF.self, self, o, op: "le") }
    /// 1 where greater.
    public func gt(_ o: Tensor) throws -> Tensor { try Kernels.binary(GtF.self, self, o, op: "gt") }
    /// 1 where greater or equal.
    public func ge(_ o: Tensor) throws -> Tensor { try Kernels.binary(GeF.self, self, o, op: "ge") }

    /// Whether shapes agree and every pair of elements is within `atol + rtol·|other|`.
    public func allClose(_ other: Tensor, rtol: TensorScalar = 1e-5, atol: TensorScalar = 1e-8) -> Bool {
        guard shape == other.shape else { return false }
        let a = scalars, b = other.scalars
        for i in 0..<a.count where !(Swift.abs(a[i] - b[i]) <= atol + rtol * Swift.abs(b[i])) { return false }
        return true
    }
}
