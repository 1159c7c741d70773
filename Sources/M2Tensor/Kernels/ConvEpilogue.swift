/// What a forward convolution does to its outputs after the bias, in the pass that writes
/// them: `y += residual`, then `y = max(y, 0)` (a ResNet block's tail in inference,
/// ``conv2dInference(_:_:bias:stride:padding:adding:relu:)``).
///
/// Each kernel applies it to a plane as soon as the plane is written, while it is in cache;
/// done afterwards over the whole batch it was one more trip through memory for every
/// output (5% of the evaluation's profile). The sums are the same as the separate pass's,
/// `(conv + b) + residual`, so the results do not change.
struct ConvEpilogue {
    /// Added to the output, laid out like it (dense NCHW); nil: nothing added.
    let residual: UnsafePointer<TensorScalar>?
    /// Whether the result is clamped at 0.
    let relu: Bool

    /// Nothing after the bias (training's forward): ``apply(_:at:count:)`` returns at once.
    static let none = ConvEpilogue(residual: nil, relu: false)

    /// Applies it to `count` outputs of `y` from `offset` (offsets into the whole output, so
    /// the residual is read at the same ones).
    @inline(__always)
    func apply(_ y: UnsafeMutablePointer<TensorScalar>, at offset: Int, count: Int) {
        let p = y + offset
        switch (residual, relu) {
        case let (r?, true):
            let r = r + offset
            for i in 0..<count { p[i] = Swift.max(p[i] + r[i], 0) }
        case let (r?, false):
            let r = r + offset
            for i in 0..<count { p[i] += r[i] }
        case (nil, true):
            for i in 0..<count { p[i] = Swift.max(p[i], 0) }
        case (nil, false):
            break
        }
    }
}
