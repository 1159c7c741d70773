import Foundation

/// A convolution for inference, forward only: `y = conv(x, w) + b`, then optionally
/// `y += residual` and `y = max(y, 0)` in the kernels' own output pass (a ResNet block's tail:
/// its last convolution, the shortcut and the ReLU).
///
/// Runs the kernels of ``conv2d(_:_:bias:stride:padding:)`` and records no graph, so it refuses
/// operands that require gradients while gradient mode is on: their gradients would be lost
/// silently.
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - weight: `[O, C, kh, kw]`.
///   - bias: optional `[O]`.
///   - stride: the step of the window.
///   - padding: zeros added on every side.
///   - residual: optional `[N, O, H', W']` added to the output before the ReLU.
///   - relu: whether to clamp the result at 0.
/// - Returns: `[N, O, H', W']`.
public func conv2dInference(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                            adding residual: Tensor? = nil, relu: Bool = false) throws -> Tensor {
    let op = "conv2d_inference"
    let g = try ConvGeometry(x, weight, bias: bias, stride: stride, padding: padding, op: op)
    let outShape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    if let residual, residual.shape != outShape { throw TensorError.shapeMismatch(op: "\(op) residual", lhs: outShape, rhs: residual.shape) }
    if GradMode.isEnabled, ([x, weight] + [bias, residual].compactMap { $0 }).contains(where: \.requiresGrad) {
        throw TensorError.invalidArgument(op: op, reason: "records no graph: call it inside withNoGrad, or on tensors that need no gradient")
    }
    let xd = x.contiguousData(), wd = weight.contiguousData(), bd = bias?.contiguousData(), rd = residual?.contiguousData()
    defer { withExtendedLifetime((xd, wd, bd, rd)) {} }
    let y = try Tensor(uninitializedShape: outShape)
    // The shortcut and the ReLU in the kernels' own output pass (``ConvEpilogue``).
    try ConvKernels.forward(g, x: xd.base, w: wd.base, bias: bd.map { UnsafePointer($0.base) }, y: y.base,
                            epilogue: ConvEpilogue(residual: rd.map { UnsafePointer($0.base) }, relu: relu), inference: true)
    return y
}
