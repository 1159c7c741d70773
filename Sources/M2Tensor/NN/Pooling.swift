/// Pooling over NCHW batches: max pooling with its arg-max routing, average pooling, and the
/// global average pool that ends a ResNet backbone.

/// Max pooling (PyTorch's `F.max_pool2d`; padding counts as −∞).
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
    let s = stride ?? kernel
    guard padding * 2 <= kernel else {
        throw TensorError.invalidArgument(op: "max_pool2d", reason: "padding \(padding) must be at most half the kernel \(kernel)")
    }
    let g = try ConvGeometry(input: x.shape, outChannels: x.rank == 4 ? x.shape[1] : 0, kernelH: kernel, kernelW: kernel, stride: s, padding: padding, op: "max_pool2d")
    let xd = x.contiguousData()
    defer { withExtendedLifetime(xd) {} }
    let y = try Tensor(uninitializedShape: [g.batch, g.inChannels, g.outHeight, g.outWidth])
    var argmax = [Int32](repeating: 0, count: y.count)
    let (xp, yp) = (xd.base, y.base)
    argmax.withUnsafeMutableBufferPointer { am in
        let ap = am.baseAddress!
        Parallel.forEach(g.batch * g.inChannels, costPerItem: g.outPlane * kernel * kernel) { plane in
            let src = xp + plane * g.inPlane
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    var best = -TensorScalar.infinity, at = -1
                    for i in 0..<kernel {
                        let ih = oh * s - padding + i
                        guard ih >= 0 && ih < g.height else { continue }
                        for j in 0..<kernel {
                            let iw = ow * s - padding + j
                            guard iw >= 0 && iw < g.width else { continue }
                            let v = src[ih * g.width + iw]
                            if v > best || at < 0 || v.isNaN { best = v; at = ih * g.width + iw }
                        }
                    }
                    let o = plane * g.outPlane + oh * g.outWidth + ow
                    yp[o] = best; ap[o] = Int32(at)
                }
            }
        }
    }
    return y.recorded("max_pool2d", [x]) { gy in
        let dx = try Tensor.zeros(x.shape)
        let gd = gy.contiguousData()
        defer { withExtendedLifetime(gd) {} }
        let (dp, gp) = (dx.base, gd.base)
        argmax.withUnsafeBufferPointer { am in
            let ap = am.baseAddress!
            Parallel.forEach(g.batch * g.inChannels, costPerItem: g.outPlane) { plane in
                for k in 0..<g.outPlane {
                    let o = plane * g.outPlane + k
                    dp[plane * g.inPlane + Int(ap[o])] += gp[o]
                }
            }
        }
        try x.accumulateGrad(dx)
    }
}

/// Average pooling (PyTorch's `F.avg_pool2d`, padding counted in the divisor).
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
    let s = stride ?? kernel
    let g = try ConvGeometry(input: x.shape, outChannels: x.rank == 4 ? x.shape[1] : 0, kernelH: kernel, kernelW: kernel, stride: s, padding: padding, op: "avg_pool2d")
    let xd = x.contiguousData()
    defer { withExtendedLifetime(xd) {} }
    let y = try Tensor(uninitializedShape: [g.batch, g.inChannels, g.outHeight, g.outWidth])
    let (xp, yp) = (xd.base, y.base)
    let inv = 1 / TensorScalar(kernel * kernel)
    // Visits every (output, input) pair of the window, skipping padding.
    func windows(_ body: (Int, Int) -> Void, plane: Int) {
        for oh in 0..<g.outHeight {
            for ow in 0..<g.outWidth {
                for i in 0..<kernel {
                    let ih = oh * s - padding + i
                    guard ih >= 0 && ih < g.height else { continue }
                    for j in 0..<kernel {
                        let iw = ow * s - padding + j
                        guard iw >= 0 && iw < g.width else { continue }
                        body(plane * g.outPlane + oh * g.outWidth + ow, plane * g.inPlane + ih * g.width + iw)
                    }
                }
            }
        }
    }
    Parallel.forEach(g.batch * g.inChannels, costPerItem: g.outPlane * kernel * kernel) { plane in
        (yp + plane * g.outPlane).update(repeating: 0, count: g.outPlane)
        windows({ o, i in yp[o] += xp[i] * inv }, plane: plane)
    }
    return y.recorded("avg_pool2d", [x]) { gy in
        let dx = try Tensor.zeros(x.shape)
        let gd = gy.contiguousData()
        defer { withExtendedLifetime(gd) {} }
        let (dp, gp) = (dx.base, gd.base)
        Parallel.forEach(g.batch * g.inChannels, costPerItem: g.outPlane * kernel * kernel) { plane in
            windows({ o, i in dp[i] += gp[o] * inv }, plane: plane)
        }
        try x.accumulateGrad(dx)
    }
}

/// Global average pooling: `[N, C, H, W] → [N, C]` (AdaptiveAvgPool2d(1) then flatten).
public func globalAvgPool(_ x: Tensor) throws -> Tensor {
    guard x.rank == 4 else { throw TensorError.invalidShape(op: "global_avg_pool", shape: x.shape, reason: "expected [N, C, H, W]") }
    let (N, C, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    guard plane > 0 else { throw TensorError.invalidShape(op: "global_avg_pool", shape: x.shape, reason: "empty spatial size") }
    let xd = x.contiguousData()
    defer { withExtendedLifetime(xd) {} }
    let y = try Tensor(uninitializedShape: [N, C])
    let (xp, yp) = (xd.base, y.base)
    let inv = 1 / TensorScalar(plane)
    Parallel.forEach(N * C, costPerItem: plane) { i in yp[i] = Kernels.sum(xp + i * plane, plane) * inv }
    return y.recorded("global_avg_pool", [x]) { g in
        let dx = try Tensor(uninitializedShape: x.shape)
        let gd = g.contiguousData()
        defer { withExtendedLifetime(gd) {} }
        let (dp, gp) = (dx.base, gd.base)
        Parallel.forEach(N * C, costPerItem: plane) { i in (dp + i * plane).update(repeating: gp[i] * inv, count: plane) }
        try x.accumulateGrad(dx)
    }
}
