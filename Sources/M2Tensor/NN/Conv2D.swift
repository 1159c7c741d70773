import Foundation

/// 2-D convolution of an NCHW batch with OIHW weights (PyTorch's `F.conv2d`, groups = 1).
///
/// `y[n, o, i, j] = b[o] + Σ_{c,u,v} w[o, c, u, v] · x[n, c, i·s − p + u, j·s − p + v]`
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - weight: `[O, C, kh, kw]`.
///   - bias: optional `[O]`.
///   - stride: the step of the window.
///   - padding: zeros added on every side.
/// - Returns: `[N, O, H', W']` with `H' = (H + 2p − kh)/s + 1`.
public func conv2d(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) throws -> Tensor {
    let g = try ConvGeometry(x, weight, bias: bias, stride: stride, padding: padding, op: "conv2d")
    let xd = x.contiguousData(), wd = weight.contiguousData(), bd = bias?.contiguousData()
    defer { withExtendedLifetime((xd, wd, bd)) {} }
    let y = try Tensor(uninitializedShape: [g.batch, g.outChannels, g.outHeight, g.outWidth])
    try ConvKernels.forward(g, x: xd.base, w: wd.base, bias: bd.map { UnsafePointer($0.base) }, y: y.base)
    var inputs = [x, weight]
    if let bias { inputs.append(bias) }
    return y.recorded("conv2d", inputs) { g0 in
        let gd = g0.contiguousData()
        defer { withExtendedLifetime(gd) {} }
        let dx = x.requiresGrad ? try Tensor(uninitializedShape: x.shape) : nil
        let dw = weight.requiresGrad ? try Tensor(uninitializedShape: weight.shape) : nil
        let db = (bias?.requiresGrad ?? false) ? try Tensor(uninitializedShape: [g.outChannels]) : nil
        try ConvKernels.backward(g, x: xd.base, w: wd.base, dy: gd.base, dx: dx?.base, dw: dw?.base, db: db?.base)
        if let dx { try x.accumulateGrad(dx) }
        if let dw { try weight.accumulateGrad(dw) }
        if let db, let bias { try bias.accumulateGrad(db) }
    }
}

extension ConvGeometry {
    /// The geometry of `conv(x, weight) + bias`, after checking that the operands fit together.
    init(_ x: Tensor, _ weight: Tensor, bias: Tensor?, stride: Int, padding: Int, op: String) throws {
        guard weight.rank == 4 else { throw TensorError.invalidShape(op: op, shape: weight.shape, reason: "weight must be [out, in, kh, kw]") }
        try self.init(input: x.shape, outChannels: weight.shape[0], kernelH: weight.shape[2], kernelW: weight.shape[3],
                      stride: stride, padding: padding, op: op)
        guard weight.shape[1] == inChannels else {
            throw TensorError.channelMismatch(op: "\(op) with weight \(weight.shape)", expected: weight.shape[1], got: inChannels, input: x.shape)
        }
        if let bias, bias.shape != [outChannels] { throw TensorError.shapeMismatch(op: "\(op) bias", lhs: weight.shape, rhs: bias.shape) }
    }
}
