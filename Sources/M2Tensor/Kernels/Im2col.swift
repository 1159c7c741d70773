/// The geometry of a 2-D convolution or pooling window over an NCHW batch.
public struct ConvGeometry: Equatable, Sendable {
    public let batch: Int, inChannels: Int, height: Int, width: Int
    public let outChannels: Int, kernelH: Int, kernelW: Int, stride: Int, padding: Int
    public let outHeight: Int, outWidth: Int

    /// Validates the sizes and derives the output size `(H + 2p − k) / s + 1`.
    public init(input: [Int], outChannels: Int, kernelH: Int, kernelW: Int, stride: Int, padding: Int, op: String) throws {
        guard input.count == 4 else {
            throw TensorError.invalidShape(op: op, shape: input, reason: "expected an NCHW input of rank 4")
        }
        guard stride > 0, padding >= 0, kernelH > 0, kernelW > 0 else {
            throw TensorError.invalidArgument(op: op, reason: "kernel \(kernelH)x\(kernelW), stride \(stride), padding \(padding): kernel and stride must be positive, padding non-negative")
        }
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (self.outChannels, self.kernelH, self.kernelW, self.stride, self.padding) = (outChannels, kernelH, kernelW, stride, padding)
        let oh = (height + 2 * padding - kernelH) / stride + 1
        let ow = (width + 2 * padding - kernelW) / stride + 1
        guard height + 2 * padding >= kernelH, width + 2 * padding >= kernelW, oh > 0, ow > 0 else {
            throw TensorError.invalidShape(op: op, shape: input, reason: "a \(kernelH)x\(kernelW) window with padding \(padding) does not fit a \(height)x\(width) input")
        }
        (outHeight, outWidth) = (oh, ow)
    }

    /// Rows of the column matrix: `Cin · kh · kw`.
    public var patchSize: Int { inChannels * kernelH * kernelW }
    /// Output positions per image.
    public var outPlane: Int { outHeight * outWidth }
    /// Input positions per image.
    public var inPlane: Int { height * width }
    /// Multiply–adds of the forward pass times two.
    public var forwardFLOPs: Double { 2 * Double(batch) * Double(outChannels) * Double(patchSize) * Double(outPlane) }
}

extension Kernels {
    /// Unfolds images `first..<first+n` of `x` into `col[patchSize, n·outPlane]`:
    /// `col[(c·kh + i)·kw + j, img·outPlane + oh·ow + ow] = x[img, c, oh·s − p + i, ow·s − p + j]`.
    static func im2col(_ g: ConvGeometry, _ x: UnsafePointer<Float>, first: Int, n: Int, _ col: UnsafeMutablePointer<Float>) {
        let cols = n * g.outPlane
        let (H, W, s, p, wo) = (g.height, g.width, g.stride, g.padding, g.outWidth)
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * cols
                    // Output columns whose input column ow·s − p + j is inside the image.
                    let owLo = max(0, (p - j + s - 1) / s)
                    let lastIn = W - 1 + p - j
                    let owHi = lastIn < 0 ? 0 : min(wo, lastIn / s + 1)
                    for img in 0..<n {
                        let plane = x + ((first + img) * g.inChannels + c) * g.inPlane
                        var dst = row + img * g.outPlane
                        for oh in 0..<g.outHeight {
                            let ih = oh * s - p + i
                            // Rows are short (a few dozen floats): plain loops beat memcpy calls.
                            if ih < 0 || ih >= H || owHi <= owLo {
                                for ow in 0..<wo { dst[ow] = 0 }
                            } else {
                                for ow in 0..<owLo { dst[ow] = 0 }
                                let src = plane + ih * W - p + j
                                if s == 1 {
                                    for ow in owLo..<owHi { dst[ow] = src[ow] }
                                } else {
                                    for ow in owLo..<owHi { dst[ow] = src[ow * s] }
                                }
                                for ow in owHi..<wo { dst[ow] = 0 }
                            }
                            dst += wo
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of ``im2col``: adds `col` back into images `first..<first+n` of `dx`
    /// (which the caller has zeroed).
    static func col2im(_ g: ConvGeometry, _ col: UnsafePointer<Float>, first: Int, n: Int, _ dx: UnsafeMutablePointer<Float>) {
        let cols = n * g.outPlane
        let (H, W, s, p, wo) = (g.height, g.width, g.stride, g.padding, g.outWidth)
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * cols
                    let owLo = max(0, (p - j + s - 1) / s)
                    let lastIn = W - 1 + p - j
                    let owHi = lastIn < 0 ? 0 : min(wo, lastIn / s + 1)
                    guard owHi > owLo else { continue }
                    for img in 0..<n {
                        let plane = dx + ((first + img) * g.inChannels + c) * g.inPlane
                        var src = row + img * g.outPlane
                        for oh in 0..<g.outHeight {
                            let ih = oh * s - p + i
                            if ih >= 0 && ih < H {
                                let dst = plane + ih * W - p + j
                                if s == 1 {
                                    for ow in owLo..<owHi { dst[ow] += src[ow] }
                                } else {
                                    for ow in owLo..<owHi { dst[ow * s] += src[ow] }
                                }
                            }
                            src += wo
                        }
                    }
                }
            }
        }
    }
}
