/// Per-channel standardization, `x ← (x − mean[c]) / std[c]`, the last step of every
/// pipeline (torchvision's `Normalize`). Deterministic.
public struct Normalize: ImageTransform, Equatable, Codable {
    /// Mean per channel.
    public let mean: [Float]
    /// Standard deviation per channel.
    public let std: [Float]

    /// - Throws: when the lists differ in length, are empty or a deviation is not positive.
    public init(mean: [Float], std: [Float]) throws {
        guard !mean.isEmpty, mean.count == std.count, std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DataError.invalidArgument(op: "Normalize", reason: "mean \(mean) and std \(std) must be non-empty, of equal length, std > 0")
        }
        self.mean = mean
        self.std = std
    }

    /// ImageNet statistics, the usual choice for RGB photographs.
    public static let imageNet = try! Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// Identity (mean 0, std 1) for any channel count up to 3.
    public static let identity = try! Normalize(mean: [0, 0, 0], std: [1, 1, 1])

    /// The statistic for channel `c` (the last one repeats if the image has more channels).
    @inline(__always) func stats(_ c: Int) -> (Float, Float) {
        let i = min(c, mean.count - 1)
        return (mean[i], std[i])
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        let n = image.planeSize
        image.data.withUnsafeMutableBufferPointer { d in
            for c in 0..<image.channels {
                let (m, s) = stats(c)
                let inv = 1 / s
                for i in (c * n)..<((c + 1) * n) { d[i] = (d[i] - m) * inv }
            }
        }
    }

    /// Writes the normalized planes of `image` to `destination` (`channels · H · W` floats).
    func write(_ image: FloatImage, to destination: UnsafeMutablePointer<TensorScalar>) {
        let n = image.planeSize
        image.data.withUnsafeBufferPointer { d in
            for c in 0..<image.channels {
                let (m, s) = stats(c)
                let inv = 1 / s
                let dst = destination + c * n
                for i in 0..<n { dst[i] = TensorScalar((d[c * n + i] - m) * inv) }
            }
        }
    }

    public var description: String { "Normalize(mean: \(mean), std: \(std))" }
}
