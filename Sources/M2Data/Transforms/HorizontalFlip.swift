/// Mirrors the image left–right with probability `p` (torchvision's `RandomHorizontalFlip`).
public struct HorizontalFlip: ImageTransform {
    /// Probability of flipping.
    public let probability: Float

    /// - Parameter probability: in `[0, 1]`; 0.5 by default.
    public init(probability: Float = 0.5) throws {
        try checkProbability(probability, op: "HorizontalFlip")
        self.probability = probability
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard fires(probability, rng) else { return }
        let w = image.width
        image.data.withUnsafeMutableBufferPointer { d in
            for row in 0..<(image.channels * image.height) {
                let base = row * w
                var i = 0, j = w - 1
                while i < j { d.swapAt(base + i, base + j); i += 1; j -= 1 }
            }
        }
    }

    public var description: String { "HorizontalFlip(p: \(probability))" }
}
