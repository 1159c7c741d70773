/// An 8-bit image kept compactly in memory: height × width × channels, interleaved (HWC).
///
/// Datasets hold images in this form (one byte per sample); transforms work on
/// ``FloatImage``. Channels are 1 (gray) or 3 (RGB).
public struct Image: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 or 3.
    public let channels: Int
    /// `height * width * channels` bytes, row by row, channels interleaved.
    public var pixels: [UInt8]

    /// An image over existing pixels.
    /// - Throws: ``DataError/invalidArgument(op:reason:)`` when the sizes disagree.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, channels == 1 || channels == 3 else {
            throw DataError.invalidArgument(op: "Image", reason: "size \(width)×\(height)×\(channels) is not a 1- or 3-channel image")
        }
        guard pixels.count == width * height * channels else {
            throw DataError.invalidArgument(op: "Image", reason: "\(pixels.count) bytes for a \(width)×\(height)×\(channels) image")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image filled with one value. Sizes must be positive (checked by the caller).
    init(uncheckedWidth width: Int, height: Int, channels: Int, fill: UInt8 = 0) {
        self.width = width
        self.height = height
        self.channels = channels
        pixels = [UInt8](repeating: fill, count: width * height * channels)
    }

    /// The sample at row `y`, column `x`, channel `c` (no bounds check beyond the array's).
    public subscript(y: Int, x: Int, c: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    /// The image as floats in `[0, 1]`, channel planes (CHW).
    public func toFloat() -> FloatImage {
        var out = FloatImage(width: width, height: height, channels: channels)
        let plane = width * height
        pixels.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for i in 0..<plane { dst[c * plane + i] = Float(src[i * channels + c]) * (1 / 255) }
                }
            }
        }
        return out
    }

    /// The same image with three channels (gray replicated) or unchanged when already RGB.
    public func rgb() -> Image {
        if channels == 3 { return self }
        var out = Image(uncheckedWidth: width, height: height, channels: 3)
        for i in 0..<(width * height) {
            let v = pixels[i]
            out.pixels[3 * i] = v; out.pixels[3 * i + 1] = v; out.pixels[3 * i + 2] = v
        }
        return out
    }
}
