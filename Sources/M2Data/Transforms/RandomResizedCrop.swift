import Foundation

/// Crops a random area and aspect ratio, then resizes it to a fixed size (Inception-style
/// cropping, torchvision's `RandomResizedCrop`), bilinear with antialiasing.
///
/// Up to ten tries draw an area fraction `s ∈ scale` and a log-uniform ratio `r ∈ ratio`,
/// giving a crop `w = round(√(s·A·r))`, `h = round(√(s·A/r))` placed uniformly; if none
/// fits, the whole image is centre-cropped to the nearest allowed ratio.
public struct RandomResizedCrop: ImageTransform {
    /// Output width.
    public let width: Int
    /// Output height.
    public let height: Int
    /// Range of the crop's area as a fraction of the image.
    public let scale: (Float, Float)
    /// Range of the crop's aspect ratio (width / height).
    public let ratio: (Float, Float)

    /// - Parameters:
    ///   - size: output side (square).
    ///   - scale: area fraction range, in `(0, 1]`; Momentum² uses `(0.08, 1)`.
    ///   - ratio: aspect ratio range; `(3/4, 4/3)` by default.
    public init(size: Int, scale: (Float, Float) = (0.08, 1), ratio: (Float, Float) = (3.0 / 4, 4.0 / 3)) throws {
        guard size > 0 else { throw DataError.invalidArgument(op: "RandomResizedCrop", reason: "size \(size) must be positive") }
        try checkRange(scale, op: "RandomResizedCrop", name: "scale")
        try checkRange(ratio, op: "RandomResizedCrop", name: "ratio")
        guard scale.1 > 0, ratio.0 > 0 else {
            throw DataError.invalidArgument(op: "RandomResizedCrop", reason: "scale and ratio must be positive")
        }
        width = size
        height = size
        self.scale = scale
        self.ratio = ratio
    }

    /// The crop box `(x, y, w, h)` for an image of the given size.
    public func cropBox(width W: Int, height H: Int, rng: RandomGenerator) -> (x: Int, y: Int, w: Int, h: Int) {
        let area = Float(W * H)
        let logLo = log(ratio.0), logHi = log(ratio.1)
        for _ in 0..<10 {
            let target = area * rng.uniform(scale.0, scale.1)
            let aspect = exp(rng.uniform(logLo, logHi))
            let w = Int((target * aspect).squareRoot().rounded())
            let h = Int((target / aspect).squareRoot().rounded())
            if w > 0 && w <= W && h > 0 && h <= H {
                let y = rng.nextInt(H - h + 1)
                let x = rng.nextInt(W - w + 1)
                return (x, y, w, h)
            }
        }
        let inRatio = Float(W) / Float(H)
        var w = W, h = H
        if inRatio < ratio.0 {
            h = min(H, max(1, Int((Float(W) / ratio.0).rounded())))
        } else if inRatio > ratio.1 {
            w = min(W, max(1, Int((Float(H) * ratio.1).rounded())))
        }
        return ((W - w) / 2, (H - h) / 2, w, h)
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard image.width > 0, image.height > 0 else { return }
        let box = cropBox(width: image.width, height: image.height, rng: rng)
        image = Resampling.resize(image, x: box.x, y: box.y, width: box.w, height: box.h, outWidth: width, outHeight: height)
    }

    public var description: String { "RandomResizedCrop(\(width), scale: \(scale.0)–\(scale.1), ratio: \(ratio.0)–\(ratio.1))" }
}
