/// Resizes so the shorter side has a given length, keeping the aspect ratio (torchvision's
/// `Resize(int)`), bilinear with antialiasing. Deterministic.
public struct Resize: ImageTransform {
    /// Target length of the shorter side.
    public let shorterSide: Int

    /// - Parameter shorterSide: positive target length of the shorter side.
    public init(shorterSide: Int) throws {
        guard shorterSide > 0 else { throw DataError.invalidArgument(op: "Resize", reason: "size \(shorterSide) must be positive") }
        self.shorterSide = shorterSide
    }

    /// The output size for an input size.
    public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        if width <= height {
            return (shorterSide, max(1, Int(Float(shorterSide) * Float(height) / Float(width))))
        }
        return (max(1, Int(Float(shorterSide) * Float(width) / Float(height))), shorterSide)
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard image.width > 0, image.height > 0 else { return }
        let (w, h) = outputSize(width: image.width, height: image.height)
        if w == image.width && h == image.height { return }
        image = Resampling.resize(image, x: 0, y: 0, width: image.width, height: image.height, outWidth: w, outHeight: h)
    }

    public var description: String { "Resize(\(shorterSide))" }
}

/// Cuts the central `size × size` region (torchvision's `CenterCrop`); an image smaller than
/// the crop is padded with zeros around it. Deterministic.
public struct CenterCrop: ImageTransform {
    /// Output side.
    public let size: Int

    /// - Parameter size: positive output side.
    public init(size: Int) throws {
        guard size > 0 else { throw DataError.invalidArgument(op: "CenterCrop", reason: "size \(size) must be positive") }
        self.size = size
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        if image.width == size && image.height == size { return }
        // torchvision: top = round((H − size) / 2), same for left.
        let top = Int((Float(image.height - size) / 2).rounded())
        let left = Int((Float(image.width - size) / 2).rounded())
        var out = FloatImage(width: size, height: size, channels: image.channels)
        for c in 0..<image.channels {
            for y in 0..<size {
                let sy = y + top
                guard sy >= 0 && sy < image.height else { continue }
                for x in 0..<size {
                    let sx = x + left
                    guard sx >= 0 && sx < image.width else { continue }
                    out[c, y, x] = image[c, sy, sx]
                }
            }
        }
        image = out
    }

    public var description: String { "CenterCrop(\(size))" }
}
