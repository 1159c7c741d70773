/// Converts an RGB image to gray (kept as three equal channels) with probability `p`
/// (torchvision's `RandomGrayscale`). One-channel images are left alone.
public struct RandomGrayscale: ImageTransform {
    /// Probability of converting.
    public let probability: Float

    /// - Parameter probability: in `[0, 1]`; Momentum² uses 0.2.
    public init(probability: Float = 0.1) throws {
        try checkProbability(probability, op: "RandomGrayscale")
        self.probability = probability
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard fires(probability, rng), image.channels == 3 else { return }
        ColorOps.grayscale(&image)
    }

    public var description: String { "RandomGrayscale(p: \(probability))" }
}
