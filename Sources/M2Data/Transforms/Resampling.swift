/// Separable bilinear resampling with Pillow's pixel-centre convention and antialiasing.
///
/// Output pixel `i` of an axis samples the input at `box₀ + (i + 0.5) · scale − 0.5`
/// (`scale = boxLength / outLength`) with a triangle filter whose support widens to
/// `scale` when shrinking, so downsampling averages instead of aliasing — what
/// `PIL.Image.resize(BILINEAR)` and torchvision's `resize(antialias=True)` do. Upsampling
/// reduces to plain bilinear interpolation with `align_corners=False`.
enum Resampling {
    /// Filter taps for one output axis.
    struct Taps {
        /// First input index of each output sample.
        var first: [Int]
        /// Number of input samples of each output sample.
        var count: [Int]
        /// Weights, `maxCount` per output sample.
        var weights: [Float]
        var maxCount: Int
    }

    /// Pillow's `precompute_coeffs` for the bilinear (triangle) filter.
    static func taps(inputLength: Int, boxStart: Float, boxEnd: Float, outputLength: Int) -> Taps {
        let scale = (boxEnd - boxStart) / Float(outputLength)
        let filterScale = max(scale, 1)
        let support = filterScale  // triangle support 1, widened when shrinking
        let maxCount = Int(support.rounded(.up)) * 2 + 1
        var taps = Taps(first: [Int](repeating: 0, count: outputLength), count: [Int](repeating: 0, count: outputLength),
                        weights: [Float](repeating: 0, count: outputLength * maxCount), maxCount: maxCount)
        let inverse = 1 / filterScale
        for i in 0..<outputLength {
            let center = boxStart + (Float(i) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inputLength)
            let n = min(max(hi - lo, 0), maxCount)
            var total: Float = 0
            for k in 0..<n {
                let w = max(0, 1 - abs((Float(k + lo) - center + 0.5) * inverse))
                taps.weights[i * maxCount + k] = w
                total += w
            }
            if total > 0 { for k in 0..<n { taps.weights[i * maxCount + k] /= total } }
            taps.first[i] = lo
            taps.count[i] = n
        }
        return taps
    }

    /// Resamples the box `x..<x+w`, `y..<y+h` of `source` to `outWidth × outHeight`.
    /// The box must lie inside the image and the output sizes be positive (callers check).
    static func resize(_ source: FloatImage, x: Int, y: Int, width w: Int, height h: Int,
                       outWidth: Int, outHeight: Int) -> FloatImage {
        let hTaps = taps(inputLength: source.width, boxStart: Float(x), boxEnd: Float(x + w), outputLength: outWidth)
        let vTaps = taps(inputLength: source.height, boxStart: Float(y), boxEnd: Float(y + h), outputLength: outHeight)
        // Rows the vertical pass reads; the horizontal pass runs only over them.
        let rowLo = vTaps.first.min() ?? 0
        let rowHi = zip(vTaps.first, vTaps.count).map { $0 + $1 }.max() ?? 0
        let rows = max(rowHi - rowLo, 0)
        let channels = source.channels
        var middle = [Float](repeating: 0, count: channels * rows * outWidth)
        var out = FloatImage(width: outWidth, height: outHeight, channels: channels)
        source.data.withUnsafeBufferPointer { src in
            middle.withUnsafeMutableBufferPointer { mid in
                hTaps.weights.withUnsafeBufferPointer { hw in
                    for c in 0..<channels {
                        for r in 0..<rows {
                            let srcRow = src.baseAddress! + (c * source.height + rowLo + r) * source.width
                            let midRow = mid.baseAddress! + (c * rows + r) * outWidth
                            for i in 0..<outWidth {
                                let f = hTaps.first[i], wts = hw.baseAddress! + i * hTaps.maxCount
                                var s: Float = 0
                                for k in 0..<hTaps.count[i] { s += srcRow[f + k] * wts[k] }
                                midRow[i] = s
                            }
                        }
                    }
                }
                out.data.withUnsafeMutableBufferPointer { dst in
                    vTaps.weights.withUnsafeBufferPointer { vw in
                        for c in 0..<channels {
                            for j in 0..<outHeight {
                                let f = vTaps.first[j] - rowLo, wts = vw.baseAddress! + j * vTaps.maxCount
                                let dstRow = dst.baseAddress! + (c * outHeight + j) * outWidth
                                for i in 0..<outWidth { dstRow[i] = 0 }
                                for k in 0..<vTaps.count[j] {
                                    let midRow = mid.baseAddress! + (c * rows + f + k) * outWidth
                                    let wk = wts[k]
                                    for i in 0..<outWidth { dstRow[i] += midRow[i] * wk }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
