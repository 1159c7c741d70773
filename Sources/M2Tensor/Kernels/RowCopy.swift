/// Copies of the short rows of image planes (3 to 32 values: a 28×28 image's rows, a 3×3
/// stage's), which the convolution kernels make once per row, channel and image, and of the
/// last few features of each row that the probe's ``thinTransposedProduct`` pads.
///
/// A call to `memmove` costs more than moving a hundred bytes: in the demo's pre-training
/// step and in feature extraction, `memmove` called from these loops took 4–6% of the time.
/// These are a few overlapping vector moves, inline, with no loop for the compiler to turn
/// back into a call.
extension Kernels {
    /// `dst[0..<n] = src[0..<n]` for buffers that do not overlap.
    @inline(__always)
    static func copyRow(_ dst: UnsafeMutablePointer<TensorScalar>, from src: UnsafePointer<TensorScalar>, count n: Int) {
        typealias V8 = SIMD8<TensorScalar>
        typealias V4 = SIMD4<TensorScalar>
        @inline(__always) func move8(_ i: Int) {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: V8.self), as: V8.self)
        }
        @inline(__always) func move4(_ i: Int) {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: V4.self), as: V4.self)
        }
        switch n {
        case 33...:
            dst.update(from: src, count: n)
        case 8...:
            // The last eight, and whole eights before them: 8 ≤ n ≤ 32 needs at most four moves.
            if n > 8 { move8(0) }
            if n > 16 { move8(8) }
            if n > 24 { move8(16) }
            move8(n - 8)
        case 4...:
            move4(0)
            move4(n - 4)
        default:
            if n > 0 { dst[0] = src[0] }
            if n > 1 { dst[1] = src[1] }
            if n > 2 { dst[2] = src[2] }
        }
    }
}
