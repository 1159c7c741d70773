/// Creating tensors: constants, ranges and seeded random values.
extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try full(0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try full(1, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor with every element `value`.
    public static func full(_ value: TensorScalar, shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        let t = try Tensor(uninitializedShape: shape)
        t.base.update(repeating: value, count: t.count)
        t.requiresGrad = requiresGrad
        return t
    }

    /// `start, start+step, …` up to but excluding `end` (1-D).
    public static func arange(_ start: TensorScalar = 0, _ end: TensorScalar, step: TensorScalar = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(op: "arange", reason: "start, end and step must be finite and step non-zero")
        }
        // In Double, and checked before converting: a huge count must throw, not trap.
        let steps = ((Double(end) - Double(start)) / Double(step)).rounded(.up)
        guard steps < Double(1 << 52) else {
            throw TensorError.allocationTooLarge(elements: Int.max, bytes: Int.max, limit: BufferPool.shared.limitBytes)
        }
        let n = Swift.max(0, Int(steps))
        let t = try Tensor(uninitializedShape: [n])
        for i in 0..<n { t.base[i] = start + TensorScalar(i) * step }
        return t
    }

    /// `n` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: TensorScalar, _ end: TensorScalar, count n: Int) throws -> Tensor {
        guard n >= 0 else { throw TensorError.invalidArgument(op: "linspace", reason: "count must not be negative") }
        let t = try Tensor(uninitializedShape: [n])
        for i in 0..<n { t.base[i] = n == 1 ? start : start + (end - start) * TensorScalar(i) / TensorScalar(n - 1) }
        return t
    }

    /// The identity matrix.
    public static func eye(_ n: Int) throws -> Tensor {
        let t = try zeros([n, n])
        for i in 0..<n { t.base[i * n + i] = 1 }
        return t
    }

    /// Standard-normal values scaled by `std` and shifted by `mean`.
    public static func randn(_ shape: [Int], mean: TensorScalar = 0, std: TensorScalar = 1, generator: RandomGenerator, requiresGrad: Bool = false) throws -> Tensor {
        let t = try Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.base[i] = mean + std * TensorScalar(generator.nextNormal()) }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Uniform values in `[low, high)`.
    public static func uniform(_ shape: [Int], low: TensorScalar = 0, high: TensorScalar = 1, generator: RandomGenerator, requiresGrad: Bool = false) throws -> Tensor {
        guard low <= high else { throw TensorError.invalidArgument(op: "uniform", reason: "low \(low) is above high \(high)") }
        let t = try Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.base[i] = low + (high - low) * TensorScalar(generator.nextUniform()) }
        t.requiresGrad = requiresGrad
        return t
    }

    /// A tensor of the same shape filled with `value`.
    public func fullLike(_ value: TensorScalar) throws -> Tensor { try Tensor.full(value, shape: shape) }

    /// A dense, untracked copy with its own storage (PyTorch's `clone().detach()`).
    public func copy() throws -> Tensor {
        let out = try Tensor(uninitializedShape: shape)
        Kernels.copyStrided(from: self, to: out.base)
        return out
    }
}
