/// Pixel-wise colour arithmetic shared by the colour transforms (torchvision's functional
/// tensor ops).
enum ColorOps {
    /// ITU-R 601 luma weights, as torchvision's `rgb_to_grayscale`.
    static let luma: (Float, Float, Float) = (0.299, 0.587, 0.114)

    /// `x ← clamp(f·x + (1−f)·other)` for every sample.
    static func blend(_ image: inout FloatImage, factor f: Float, with other: Float) {
        let add = (1 - f) * other
        image.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] = min(max(d[i] * f + add, 0), 1) }
        }
    }

    /// The mean gray level of the image (luma for RGB, the mean for one channel).
    static func meanGray(_ image: FloatImage) -> Float {
        let n = image.planeSize
        guard n > 0 else { return 0 }
        var s: Float = 0
        image.data.withUnsafeBufferPointer { d in
            if image.channels == 3 {
                for i in 0..<n { s += luma.0 * d[i] + luma.1 * d[n + i] + luma.2 * d[2 * n + i] }
            } else {
                for i in 0..<n { s += d[i] }
            }
        }
        return s / Float(n)
    }

    /// Blends an RGB image with its own grayscale: `x ← clamp(f·x + (1−f)·gray)`.
    static func saturate(_ image: inout FloatImage, factor f: Float) {
        let n = image.planeSize
        image.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<n {
                let g = (1 - f) * (luma.0 * d[i] + luma.1 * d[n + i] + luma.2 * d[2 * n + i])
                d[i] = min(max(f * d[i] + g, 0), 1)
                d[n + i] = min(max(f * d[n + i] + g, 0), 1)
                d[2 * n + i] = min(max(f * d[2 * n + i] + g, 0), 1)
            }
        }
    }

    /// Replaces RGB with its grayscale in every channel.
    static func grayscale(_ image: inout FloatImage) {
        let n = image.planeSize
        image.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<n {
                let g = luma.0 * d[i] + luma.1 * d[n + i] + luma.2 * d[2 * n + i]
                d[i] = g; d[n + i] = g; d[2 * n + i] = g
            }
        }
    }

    /// Rotates the hue of an RGB image by `delta` turns (HSV round trip, as torchvision).
    static func shiftHue(_ image: inout FloatImage, by delta: Float) {
        let n = image.planeSize
        image.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<n {
                let r = d[i], g = d[n + i], b = d[2 * n + i]
                let maxc = max(r, g, b), minc = min(r, g, b)
                let v = maxc, cr = maxc - minc
                if cr == 0 { continue }  // gray: hue is undefined and the shift changes nothing
                let s = cr / max(maxc, 1e-12)
                var h: Float
                if maxc == r { h = (g - b) / cr } else if maxc == g { h = 2 + (b - r) / cr } else { h = 4 + (r - g) / cr }
                h = h / 6 + delta
                h -= h.rounded(.down)
                let h6 = h * 6
                let sector = min(Int(h6), 5)
                let f = h6 - Float(sector)
                let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
                let (nr, ng, nb): (Float, Float, Float)
                switch sector {
                case 0: (nr, ng, nb) = (v, t, p)
                case 1: (nr, ng, nb) = (q, v, p)
                case 2: (nr, ng, nb) = (p, v, t)
                case 3: (nr, ng, nb) = (p, q, v)
                case 4: (nr, ng, nb) = (t, p, v)
                default: (nr, ng, nb) = (v, p, q)
                }
                d[i] = min(max(nr, 0), 1); d[n + i] = min(max(ng, 0), 1); d[2 * n + i] = min(max(nb, 0), 1)
            }
        }
    }
}
