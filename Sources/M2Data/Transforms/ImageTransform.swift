/// One step of an augmentation pipeline: changes a ``FloatImage`` in place, drawing any
/// randomness from the generator it is given (never from a shared one), so the same
/// generator state always gives the same result.
///
/// Parameters are checked when a transform is created (its initializer throws), so
/// ``apply(_:rng:)`` cannot fail.
public protocol ImageTransform: Sendable, CustomStringConvertible {
    /// Transforms `image` in place.
    func apply(_ image: inout FloatImage, rng: RandomGenerator)
}

extension ImageTransform {
    /// Returns a transformed copy.
    public func callAsFunction(_ image: FloatImage, rng: RandomGenerator) -> FloatImage {
        var out = image
        apply(&out, rng: rng)
        return out
    }
}

/// Checks a probability argument.
func checkProbability(_ p: Float, op: String) throws {
    guard p >= 0 && p <= 1 else { throw DataError.invalidArgument(op: op, reason: "probability \(p) is outside [0, 1]") }
}

/// Checks a `(low, high)` range argument.
func checkRange(_ r: (Float, Float), op: String, name: String, min lowest: Float = 0) throws {
    guard r.0.isFinite, r.1.isFinite, r.0 >= lowest, r.0 <= r.1 else {
        throw DataError.invalidArgument(op: op, reason: "\(name) range (\(r.0), \(r.1)) must satisfy \(lowest) ≤ low ≤ high")
    }
}

/// Whether a transform with probability `p` fires: one uniform draw, always consumed, like
/// torchvision's `torch.rand(1) < p`.
@inline(__always) func fires(_ p: Float, _ rng: RandomGenerator) -> Bool {
    rng.nextUniform() < p
}
