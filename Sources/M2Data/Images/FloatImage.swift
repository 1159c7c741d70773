/// A working image for transforms: `Float` samples in `[0, 1]`, one plane per channel (CHW).
///
/// Augmentations run in floating point so a chain of them loses no precision to 8-bit
/// rounding between steps; ``Image`` is the compact storage form.
public struct FloatImage: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Number of planes: 1 or 3.
    public let channels: Int
    /// `channels * height * width` samples, plane after plane.
    public var data: [Float]

    /// A black image of the given size.
    public init(width: Int, height: Int, channels: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        self.channels = max(channels, 0)
        data = [Float](repeating: 0, count: self.width * self.height * self.channels)
    }

    /// An image over existing planes.
    /// - Throws: ``DataError/invalidArgument(op:reason:)`` when the count disagrees.
    public init(width: Int, height: Int, channels: Int, data: [Float]) throws {
        guard width > 0, height > 0, channels > 0, data.count == width * height * channels else {
            throw DataError.invalidArgument(op: "FloatImage", reason: "\(data.count) samples for a \(width)×\(height)×\(channels) image")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.data = data
    }

    /// Pixels per plane.
    public var planeSize: Int { width * height }

    /// The sample at channel `c`, row `y`, column `x`.
    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { data[(c * height + y) * width + x] }
        set { data[(c * height + y) * width + x] = newValue }
    }

    /// Rounds back to 8 bits (clamping to `[0, 1]` first), interleaved HWC.
    public func toImage() -> Image {
        var out = Image(uncheckedWidth: max(width, 1), height: max(height, 1), channels: channels == 1 ? 1 : 3)
        let plane = planeSize
        guard plane > 0 else { return out }
        for c in 0..<min(channels, 3) {
            for i in 0..<plane {
                let v = min(max(data[c * plane + i], 0), 1) * 255
                out.pixels[i * out.channels + c] = UInt8(v + 0.5)
            }
        }
        return out
    }
}
