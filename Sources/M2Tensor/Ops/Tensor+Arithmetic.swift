/// Elementwise arithmetic with NumPy broadcasting, differentiable in both operands.
extension Tensor {
    /// Elementwise sum, broadcasting (`[N, C, H, W] + [1, C, 1, 1]`).
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try Kernels.binary(AddF.self, a, b, op: "add").recorded("add", [a, b]) { g in
            try a.accumulateGrad(g.sum(toShape: a.shape))
            try b.accumulateGrad(g.sum(toShape: b.shape))
        }
    }

    /// Elementwise difference, broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try Kernels.binary(SubF.self, a, b, op: "sub").recorded("sub", [a, b]) { g in
            try a.accumulateGrad(g.sum(toShape: a.shape))
            if b.requiresGrad { try b.accumulateGrad(-(g.sum(toShape: b.shape))) }
        }
    }

    /// Elementwise product, broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let (ad, bd) = (a.detach(), b.detach())
        return try Kernels.binary(MulF.self, a, b, op: "mul").recorded("mul", [a, b]) { g in
            if a.requiresGrad { try a.accumulateGrad((g * bd).sum(toShape: a.shape)) }
            if b.requiresGrad { try b.accumulateGrad((g * ad).sum(toShape: b.shape)) }
        }
    }

    /// Elementwise quotient, broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let (ad, bd) = (a.detach(), b.detach())
        return try Kernels.binary(DivF.self, a, b, op: "div").recorded("div", [a, b]) { g in
            if a.requiresGrad { try a.accumulateGrad((g / bd).sum(toShape: a.shape)) }
            if b.requiresGrad { try b.accumulateGrad((-(g * ad) / (bd * bd)).sum(toShape: b.shape)) }
        }
    }

    /// Elementwise negation.
    public static prefix func - (a: Tensor) throws -> Tensor {
        try Kernels.unary(NegF.self, a).recorded("neg", [a]) { g in try a.accumulateGrad(-g) }
    }

    public static func + (a: Tensor, s: TensorScalar) throws -> Tensor { try a + Tensor(scalar: s) }
    public static func + (s: TensorScalar, a: Tensor) throws -> Tensor { try Tensor(scalar: s) + a }
    public static func - (a: Tensor, s: TensorScalar) throws -> Tensor { try a - Tensor(scalar: s) }
    public static func - (s: TensorScalar, a: Tensor) throws -> Tensor { try Tensor(scalar: s) - a }
    public static func * (a: Tensor, s: TensorScalar) throws -> Tensor { try a * Tensor(scalar: s) }
    public static func * (s: TensorScalar, a: Tensor) throws -> Tensor { try Tensor(scalar: s) * a }
    public static func / (a: Tensor, s: TensorScalar) throws -> Tensor { try a / Tensor(scalar: s) }
    public static func / (s: TensorScalar, a: Tensor) throws -> Tensor { try Tensor(scalar: s) / a }

    /// Elementwise power with a tensor exponent (broadcasting); differentiable in the base
    /// and, where the base is positive, in the exponent.
    public func pow(_ e: Tensor) throws -> Tensor {
        let (ad, ed) = (detach(), e.detach())
        let out = try Kernels.binary(PowF.self, self, e, op: "pow")
        let od = out.detach()
        return out.recorded("pow", [self, e]) { [self] g in
            if self.requiresGrad {
                let d = try ed * ad.pow(ed - 1)
                try self.accumulateGrad((g * d).sum(toShape: self.shape))
            }
            if e.requiresGrad {
                try e.accumulateGrad((g * od * ad.log()).sum(toShape: e.shape))
            }
        }
    }

    /// Elementwise power with a scalar exponent.
    public func pow(_ e: TensorScalar) throws -> Tensor { try pow(Tensor(scalar: e)) }

    /// Elementwise maximum of two tensors (broadcasting); the gradient goes to the larger.
    public func maximum(_ other: Tensor) throws -> Tensor {
        let (ad, bd) = (detach(), other.detach())
        return try Kernels.binary(MaxF.self, self, other, op: "maximum").recorded("maximum", [self, other]) { [self] g in
            let mask = try Kernels.binary(GeF.self, ad, bd, op: "maximum")
            if self.requiresGrad { try self.accumulateGrad((g * mask).sum(toShape: self.shape)) }
            if other.requiresGrad { try other.accumulateGrad((g * (1 - mask)).sum(toShape: other.shape)) }
        }
    }

    /// Elementwise minimum of two tensors (broadcasting); the gradient goes to the smaller.
    public func minimum(_ other: Tensor) throws -> Tensor {
        let (ad, bd) = (detach(), other.detach())
        return try Kernels.binary(MinF.self, self, other, op: "minimum").recorded("minimum", [self, other]) { [self] g in
            let mask = try Kernels.binary(LeF.self, ad, bd, op: "minimum")
            if self.requiresGrad { try self.accumulateGrad((g * mask).sum(toShape: self.shape)) }
            if other.requiresGrad { try other.accumulateGrad((g * (1 - mask)).sum(toShape: other.shape)) }
        }
    }

    /// Adds `other` (broadcast to this shape) into this tensor's memory, untracked.
    /// For optimizers and gradient accumulation; the tensor must be contiguous.
    public func addInPlace(_ other: Tensor, scale: TensorScalar = 1) throws {
        guard isContiguous else { throw TensorError.invalidArgument(op: "addInPlace", reason: "the target must be contiguous") }
        let shape = try Shape.broadcast(self.shape, other.shape, op: "addInPlace")
        guard shape == self.shape else { throw TensorError.shapeMismatch(op: "addInPlace", lhs: self.shape, rhs: other.shape) }
        let o = base
        if other.shape == self.shape {
            let b = other.contiguousData()
            defer { withExtendedLifetime(b) {} }
            let src = b.base
            Parallel.forRanges(count) { _, r in for i in r { o[i] += scale * src[i] } }
        } else {
            let b = try other.expand(to: self.shape).contiguousData()
            defer { withExtendedLifetime(b) {} }
            let src = b.base
            Parallel.forRanges(count) { _, r in for i in r { o[i] += scale * src[i] } }
        }
    }

    /// Multiplies this tensor's memory by `s`, untracked (must be contiguous).
    public func scaleInPlace(_ s: TensorScalar) throws {
        guard isContiguous else { throw TensorError.invalidArgument(op: "scaleInPlace", reason: "the target must be contiguous") }
        let o = base
        Parallel.forRanges(count) { _, r in for i in r { o[i] *= s } }
    }

    /// Overwrites this tensor's values with `other`'s (same shape), untracked.
    public func copyValues(from other: Tensor) throws {
        guard other.shape == shape else { throw TensorError.shapeMismatch(op: "copy", lhs: shape, rhs: other.shape) }
        guard isContiguous else { throw TensorError.invalidArgument(op: "copy", reason: "the target must be contiguous") }
        Kernels.copyStrided(from: other, to: base)
    }

    /// Sets every element to `value`, untracked (must be contiguous).
    public func fill(_ value: TensorScalar) throws {
        guard isContiguous else { throw TensorError.invalidArgument(op: "fill", reason: "the target must be contiguous") }
        base.update(repeating: value, count: count)
    }
}

enum NegF: UnaryFunction { @inline(__always) static func apply(_ a: TensorScalar) -> TensorScalar { -a } }
