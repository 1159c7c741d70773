extension RandomGenerator {
    /// A random permutation of `0..<n` (Fisher–Yates), the same on every platform and Swift
    /// version for a given generator state.
    public func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<max(n, 0))
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, nextInt(i + 1))
        }
        return a
    }
}
