/// Parameter-free layers: activations, pooling, reshaping, normalization.

/// max(x, 0).
public final class ReLU: Module {
    override public func forward(_ x: Tensor) throws -> Tensor { try x.relu() }
}

/// Passes its input through.
public final class Identity: Module {
    override public func forward(_ x: Tensor) throws -> Tensor { x }
}

/// Flattens every dimension after the first.
public final class Flatten: Module {
    override public func forward(_ x: Tensor) throws -> Tensor { try x.flatten(from: 1) }
}

/// Divides each row by its L2 norm.
public final class L2Normalize: Module {
    override public func forward(_ x: Tensor) throws -> Tensor { try l2Normalize(x, axis: 1) }
}

/// Max pooling over square windows.
public final class MaxPool2d: Module {
    /// Side of the square window, stride, and padding on each side (in pixels).
    public let kernel: Int, stride: Int, padding: Int
    /// A max-pool over `kernel`×`kernel` windows; `stride` defaults to `kernel`.
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        (self.kernel, self.stride, self.padding) = (kernel, stride ?? kernel, padding)
        super.init()
    }
    override public func forward(_ x: Tensor) throws -> Tensor { try maxPool2d(x, kernel: kernel, stride: stride, padding: padding) }
    override public var extraDescription: String { "k\(kernel), s\(stride), p\(padding)" }
}

/// Adaptive average pooling to 1×1 (`[N, C, H, W] → [N, C, 1, 1]`).
public final class AdaptiveAvgPool2d: Module {
    override public func forward(_ x: Tensor) throws -> Tensor {
        try globalAvgPool(x).reshape([x.shape[0], x.shape[1], 1, 1])
    }
    override public var extraDescription: String { "1" }
}

/// Global average pooling straight to features (`[N, C, H, W] → [N, C]`).
public final class GlobalAvgPool: Module {
    override public func forward(_ x: Tensor) throws -> Tensor { try globalAvgPool(x) }
}

/// Children applied in order; keys are `"0"`, `"1"`, … as in PyTorch.
public final class Sequential: Module {
    /// A sequence of modules.
    public init(_ layers: [Module]) {
        super.init()
        for (i, l) in layers.enumerated() { register(String(i), l) }
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        var y = x
        for (_, m) in children { y = try m(y) }
        return y
    }

    /// The i-th layer.
    public subscript(_ i: Int) -> Module? { i >= 0 && i < children.count ? children[i].module : nil }
}
