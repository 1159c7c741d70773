/// Derives independent random streams from `(seed, epoch, index, view)`, so a sample's
/// augmentation depends only on those numbers — never on which thread prepared it or when.
///
/// The words are folded with SplitMix64's finalizer, a bijective mixer: neighbouring
/// indices give unrelated generators.
public enum SampleSeed {
    /// Purposes other than a sample's view, kept apart from view numbers.
    static let orderStream: UInt64 = 0xFFFF_FFFF

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed of the stream for one view of one sample in one epoch.
    public static func derive(seed: UInt64, epoch: Int, index: Int, view: Int) -> UInt64 {
        var h = mix(seed)
        h = mix(h ^ UInt64(truncatingIfNeeded: epoch))
        h = mix(h ^ UInt64(truncatingIfNeeded: index))
        return mix(h ^ UInt64(truncatingIfNeeded: view))
    }

    /// A generator for one view of one sample in one epoch.
    public static func generator(seed: UInt64, epoch: Int, index: Int, view: Int) -> RandomGenerator {
        RandomGenerator(seed: derive(seed: seed, epoch: epoch, index: index, view: view))
    }

    /// The visiting order of an epoch: a seeded Fisher–Yates shuffle of `0..<count`, or the
    /// identity when `shuffle` is off.
    public static func order(count: Int, seed: UInt64, epoch: Int, shuffle: Bool) -> [Int] {
        var order = Array(0..<max(count, 0))
        guard shuffle, count > 1 else { return order }
        let rng = RandomGenerator(seed: derive(seed: seed, epoch: epoch, index: -1, view: Int(orderStream)))
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
        return order
    }
}
