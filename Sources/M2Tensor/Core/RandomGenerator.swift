import Foundation

/// A seeded source of random numbers (xoshiro256**), so every run can be repeated exactly.
///
/// Pass one explicitly to creation functions and transforms; two generators with the same
/// seed produce the same sequence on every machine.
public final class RandomGenerator: @unchecked Sendable, RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    /// The seed it was created with.
    public let seed: UInt64
    private var spareNormal: Float?

    /// A generator seeded with `seed` (expanded by SplitMix64).
    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The generator's full state, for checkpoints.
    public var state: [UInt64] {
        get { [s.0, s.1, s.2, s.3, spareNormal.map { UInt64($0.bitPattern) | (1 << 32) } ?? 0] }
        set {
            guard newValue.count == 5 else { return }
            s = (newValue[0], newValue[1], newValue[2], newValue[3])
            spareNormal = newValue[4] & (1 << 32) != 0 ? Float(bitPattern: UInt32(truncatingIfNeeded: newValue[4])) : nil
        }
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in `[0, 1)` with 24 random bits.
    public func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in `[low, high)`.
    public func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUniform() }

    /// Uniform integer in `0..<n` (n > 0).
    public func nextInt(_ n: Int) -> Int { Int(next() % UInt64(Swift.max(n, 1))) }

    /// Standard normal (Box–Muller, both values used).
    public func nextNormal() -> Float {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = Double(next() >> 11) * 0x1p-53
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * 0x1p-53
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = Float(r * Foundation.sin(2 * .pi * u2))
        return Float(r * Foundation.cos(2 * .pi * u2))
    }
}
