/// Inverts every sample at or above a threshold, `x ← 1 − x` when `x ≥ t`, with
/// probability `p` (torchvision's `RandomSolarize`; BYOL/Momentum² use t = 0.5, p = 0.2 on
/// the second view).
public struct Solarize: ImageTransform {
    /// The threshold `t` in `[0, 1]`.
    public let threshold: Float
    /// Probability of solarizing.
    public let probability: Float

    public init(threshold: Float = 0.5, probability: Float) throws {
        guard threshold >= 0 && threshold <= 1 else {
            throw DataError.invalidArgument(op: "Solarize", reason: "threshold \(threshold) is outside [0, 1]")
        }
        try checkProbability(probability, op: "Solarize")
        self.threshold = threshold
        self.probability = probability
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard fires(probability, rng) else { return }
        let t = threshold
        image.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count where d[i] >= t { d[i] = 1 - d[i] }
        }
    }

    public var description: String { "Solarize(threshold: \(threshold), p: \(probability))" }
}
