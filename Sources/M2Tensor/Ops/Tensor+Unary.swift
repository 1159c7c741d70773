import Foundation

/// Elementwise math functions, each with its derivative.
extension Tensor {
    /// eˣ.
    public func exp() throws -> Tensor {
        let out = try Kernels.unary(ExpF.self, self)
        let od = out.detach()
        return out.recorded("exp", [self]) { [self] g in try self.accumulateGrad(g * od) }
    }

    /// Natural logarithm.
    public func log() throws -> Tensor {
        let d = detach()
        return try Kernels.unary(LogF.self, self).recorded("log", [self]) { [self] g in try self.accumulateGrad(g / d) }
    }

    /// Square root.
    public func sqrt() throws -> Tensor {
        let out = try Kernels.unary(SqrtF.self, self)
        let od = out.detach()
        return out.recorded("sqrt", [self]) { [self] g in try self.accumulateGrad(g / (od * 2)) }
    }

    /// max(x, 0).
    public func relu() throws -> Tensor {
        let out = try Kernels.unary(ReluF.self, self)
        let od = out.detach()
        return out.recorded("relu", [self]) { [self] g in
            try self.accumulateGrad(Kernels.binary(PositiveMaskMulF.self, od, g, op: "relu backward"))
        }
    }

    /// 1 / (1 + e⁻ˣ).
    public func sigmoid() throws -> Tensor {
        let out = try Kernels.unary(SigmoidF.self, self)
        let od = out.detach()
        return out.recorded("sigmoid", [self]) { [self] g in try self.accumulateGrad(g * od * (1 - od)) }
    }

    /// Hyperbolic tangent.
    public func tanh() throws -> Tensor {
        let out = try Kernels.unary(TanhF.self, self)
        let od = out.detach()
        return out.recorded("tanh", [self]) { [self] g in try self.accumulateGrad(g * (1 - od * od)) }
    }

    /// |x|; the gradient at 0 is 0.
    public func abs() throws -> Tensor {
        let d = detach()
        return try Kernels.unary(AbsF.self, self).recorded("abs", [self]) { [self] g in
            try self.accumulateGrad(g * Kernels.unary(SignF.self, d))
        }
    }

    /// x², a cheaper `pow(2)`.
    public func square() throws -> Tensor { try self * self }

    /// Limits values to `[min, max]` (either bound may be omitted); the gradient passes
    /// only where the value was inside.
    public func clamp(min lo: TensorScalar? = nil, max hi: TensorScalar? = nil) throws -> Tensor {
        if let lo, let hi, lo > hi {
            throw TensorError.invalidArgument(op: "clamp", reason: "min \(lo) is greater than max \(hi)")
        }
        let src = contiguousData()
        defer { withExtendedLifetime(src) {} }
        let out = try Tensor(uninitializedShape: shape)
        let mask = try Tensor(uninitializedShape: shape)
        let x = src.base, o = out.base, m = mask.base
        let l = lo ?? -.infinity, h = hi ?? .infinity
        Parallel.forRanges(count) { _, r in
            for i in r {
                let v = x[i]
                o[i] = v < l ? l : (v > h ? h : v)
                m[i] = (v < l || v > h) ? 0 : 1
            }
        }
        return out.recorded("clamp", [self]) { [self] g in try self.accumulateGrad(g * mask) }
    }
}

enum ExpF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { ScalarMath.exp(a) } }
enum LogF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { ScalarMath.log(a) } }
enum SqrtF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { a.squareRoot() } }
enum ReluF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { a > 0 ? a : 0 } }
enum SigmoidF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { 1 / (1 + ScalarMath.exp(-a)) } }
enum TanhF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { ScalarMath.tanh(a) } }
enum AbsF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { Swift.abs(a) } }
enum SignF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { a > 0 ? 1 : (a < 0 ? -1 : 0) } }
