import Foundation

/// Blurs with a Gaussian of random width `σ ∈ sigma` with probability `p` (torchvision's
/// `GaussianBlur` inside `RandomApply`): a separable kernel of odd size `k`, weights
/// `exp(−x²/2σ²)` for `x = −(k−1)/2 … (k−1)/2` normalized to sum 1, reflect padding.
public struct GaussianBlur: ImageTransform {
    /// Kernel size, odd.
    public let kernelSize: Int
    /// Range of σ in pixels.
    public let sigma: (Float, Float)
    /// Probability of blurring.
    public let probability: Float

    /// The kernel size for an image side: about 10% of it, odd, at least 3 (23 for 224,
    /// as in BYOL; 3 for 28 or 32).
    public static func kernelSize(forSide side: Int) -> Int {
        let k = max(3, Int((Float(side) * 0.1).rounded()))
        return k % 2 == 0 ? k + 1 : k
    }

    /// - Parameters:
    ///   - kernelSize: odd and positive.
    ///   - sigma: σ range, positive; Momentum² uses `(0.1, 2)`.
    ///   - probability: in `[0, 1]`.
    public init(kernelSize: Int, sigma: (Float, Float) = (0.1, 2), probability: Float) throws {
        guard kernelSize > 0, kernelSize % 2 == 1 else {
            throw DataError.invalidArgument(op: "GaussianBlur", reason: "kernel size \(kernelSize) must be odd and positive")
        }
        try checkRange(sigma, op: "GaussianBlur", name: "sigma")
        guard sigma.0 > 0 else { throw DataError.invalidArgument(op: "GaussianBlur", reason: "sigma must be positive") }
        try checkProbability(probability, op: "GaussianBlur")
        self.kernelSize = kernelSize
        self.sigma = sigma
        self.probability = probability
    }

    /// The normalized 1-D kernel for a given σ.
    public func kernel(sigma s: Float) -> [Float] {
        let half = Float(kernelSize - 1) / 2
        var k = (0..<kernelSize).map { i -> Float in let x = Float(i) - half; return exp(-0.5 * (x / s) * (x / s)) }
        let total = k.reduce(0, +)
        for i in k.indices { k[i] /= total }
        return k
    }

    public func apply(_ image: inout FloatImage, rng: RandomGenerator) {
        guard fires(probability, rng) else { return }
        let s = rng.uniform(sigma.0, sigma.1)
        guard image.width > 0, image.height > 0 else { return }
        let k = kernel(sigma: s)
        let r = kernelSize / 2
        let (w, h) = (image.width, image.height)
        let xIndex = (-r..<(w + r)).map { reflect($0, w) }
        let yIndex = (-r..<(h + r)).map { reflect($0, h) }
        var padded = [Float](repeating: 0, count: w + 2 * r)
        var tmp = [Float](repeating: 0, count: w * h)
        image.data.withUnsafeMutableBufferPointer { d in
            tmp.withUnsafeMutableBufferPointer { t in
                padded.withUnsafeMutableBufferPointer { pad in
                    for c in 0..<image.channels {
                        let plane = d.baseAddress! + c * w * h
                        // Horizontal pass: reflect-pad the row once, then contiguous
                        // multiply-adds per tap (vectorizable over x).
                        for y in 0..<h {
                            let row = plane + y * w
                            for i in 0..<(w + 2 * r) { pad[i] = row[xIndex[i]] }
                            let out = t.baseAddress! + y * w
                            for x in 0..<w { out[x] = 0 }
                            for j in 0..<kernelSize {
                                let kj = k[j], src = pad.baseAddress! + j
                                for x in 0..<w { out[x] += kj * src[x] }
                            }
                        }
                        for y in 0..<h {
                            let out = plane + y * w
                            for x in 0..<w { out[x] = 0 }
                            for j in 0..<kernelSize {
                                let src = t.baseAddress! + yIndex[y + j] * w
                                let kj = k[j]
                                for x in 0..<w { out[x] += kj * src[x] }
                            }
                        }
                    }
                }
            }
        }
    }

    public var description: String { "GaussianBlur(k: \(kernelSize), sigma: \(sigma.0)–\(sigma.1), p: \(probability))" }
}

/// Mirror index for reflect padding (`…2 1 | 0 1 2 … n−1 | n−2…`), folded until inside.
func reflect(_ i: Int, _ n: Int) -> Int {
    guard n > 1 else { return 0 }
    let period = 2 * (n - 1)
    var j = i % period
    if j < 0 { j += period }
    return j < n ? j : period - j
}
