/// Randomly changes brightness, contrast, saturation and hue, in a random order, with
/// probability `p` (torchvision's `RandomApply([ColorJitter(b, c, s, h)], p)`).
///
/// Factors are drawn uniformly: brightness `β ∈ [max(0, 1−b), 1+b]` scales the image;
/// contrast `γ` blends with the mean gray level, `x ← γx + (1−γ)·mean`; saturation blends with
/// the image's own grayscale; hue `δ ∈ [−h, h]` rotates the HSV hue by `δ` turns. Each step
/// clamps to `[0, 1]`. Saturation and hue do nothing on one-channel images.
public struct ColorJitter: ImageTransform {
    /// Brightness strength `b`.
    public let brightness: Float
    /// Contrast strength `c`.
    public let contrast: Float
    /// Saturation strength `s`.
    public let saturation: Float
    /// Hue strength `h`, at most 0.5.
    public let hue: Float
    /// Probability of applying the jitter at all.
    public let probability: Float

    /// - Parameters: strengths as in torchvision; Momentum² uses `(0.4, 0.4, 0.2, 0.1)`, p = 0.8.
    public init(brightness: Float, contrast: Float, saturation: Float, hue: Float, probability: Float = 1) throws {
        guard brightness >= 0, contrast >= 0, saturation >= 0, hue >= 0, hue <= 0.5,
              brightness.isFinite, contrast.isFinite, saturation.isFinite else {
            throw DataError.invalidArgument(op: "ColorJitter", reason: "strengths must be ≥ 0 and hue ≤ 0.5")
        }
        try checkProbability(probability, op: "ColorJitter")
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self.probability = probability
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard fires(probability, rng) else { return }
        // torchvision draws a permutation of the four, then each factor in that order.
        var order = [0, 1, 2, 3]
        for i in stride(from: 3, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
        for step in order {
            switch step {
            case 0 where brightness > 0:
                let f = rng.uniform(max(0, 1 - brightness), 1 + brightness)
                ColorOps.blend(&image, factor: f, with: 0)
            case 1 where contrast > 0:
                let f = rng.uniform(max(0, 1 - contrast), 1 + contrast)
                ColorOps.blend(&image, factor: f, with: ColorOps.meanGray(image))
            case 2 where saturation > 0:
                let f = rng.uniform(max(0, 1 - saturation), 1 + saturation)
                if image.channels == 3 { ColorOps.saturate(&image, factor: f) }
            case 3 where hue > 0:
                let f = rng.uniform(-hue, hue)
                if image.channels == 3 { ColorOps.shiftHue(&image, by: f) }
            default:
                break
            }
        }
    }

    public var description: String {
        "ColorJitter(brightness: \(brightness), contrast: \(contrast), saturation: \(saturation), hue: \(hue), p: \(probability))"
    }
}
