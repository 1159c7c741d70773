import M2Tensor

extension ImageStore {
    /// Quantizes a tensor of images `[N, C, H, W]` with values in [0, 1] into a store of
    /// 8-bit HWC pixels (values are clamped to [0, 1], rounded to the nearest of 256 levels;
    /// non-finite values become 0), as `ToTensor` would have read them.
    /// - Throws: ``DataError/invalidArgument(op:reason:)`` for a tensor that is not
    ///   `[N, C, H, W]` with C = 1 or 3 and N ≥ 1, or labels the store refuses.
    public init(unitImages x: Tensor, labels: [Int], classNames: [String]) throws {
        let (n, c, h, w) = try ImageStore.imageGeometry(x)
        let v = try x.contiguous().scalars
        var pixels = [UInt8](repeating: 0, count: v.count)
        for i in 0..<n { for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
            let f = v[((i * c + ch) * h + y) * w + xx]
            let q = f.isFinite ? Swift.min(Swift.max(f, 0), 1) * 255 : 0
            pixels[((i * h + y) * w + xx) * c + ch] = UInt8(q.rounded())
        } } } }
        try self.init(width: w, height: h, channels: c, pixels: pixels, labels: labels, classNames: classNames)
    }

    /// N, C, H, W of a tensor of images `[N, C, H, W]` with C = 1 or 3 and N ≥ 1.
    public static func imageGeometry(_ x: Tensor) throws -> (n: Int, c: Int, h: Int, w: Int) {
        guard x.rank == 4, x.shape[0] > 0, x.shape[1] == 1 || x.shape[1] == 3, x.shape[2] > 0, x.shape[3] > 0 else {
            throw DataError.invalidArgument(op: "dataset", reason: "images must be [N, C, H, W] with C = 1 or 3, got \(x.shape)")
        }
        return (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    }
}
