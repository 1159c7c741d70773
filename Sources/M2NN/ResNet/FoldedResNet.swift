/// A ResNet's eval-mode forward pass, compiled for inference: every BN folded into the
/// convolution before it, the ReLUs and the shortcut additions fused into the convolutions'
/// output pass, no autograd graph.
///
/// In eval mode a BN is an affine map per channel, so `bn(conv(x))` is one convolution:
///
///     s = γ / √(σ² + ε),   w' = w · s (per output channel),   b' = β − μ · s
///
/// The folded weights are a copy made when the value is built; the network is never
/// changed, and later changes to it (training, precise BN) are not seen. Features agree with
/// `net.eval(); net(x)` to rounding (`FoldedResNetTests`).
///
/// ```swift
/// let features = try FoldedResNet(net)(images)   // [N, featureDimension]
/// ```
public struct FoldedResNet: @unchecked Sendable {
    /// A convolution with the BN after it folded in.
    struct FoldedConv {
        let weight: Tensor, bias: Tensor, stride: Int, padding: Int

        /// `bn(conv(x))` with `bn`'s running statistics, as one convolution (folded in Double).
        init(_ conv: Conv2d, _ bn: BatchNorm) throws {
            guard bn.features == conv.outChannels else {
                throw TensorError.shapeMismatch(op: "fold BatchNorm into Conv2d", lhs: conv.weight.shape, rhs: [bn.features])
            }
            let (gamma, beta) = (bn.weight.scalars, bn.bias.scalars)
            let (mean, variance) = (bn.runningMean.scalars, bn.runningVariance.scalars)
            let convBias = conv.bias?.scalars
            let w = conv.weight.scalars
            let perChannel = w.count / conv.outChannels
            var folded = [TensorScalar](repeating: 0, count: w.count), shift = [TensorScalar](repeating: 0, count: conv.outChannels)
            for o in 0..<conv.outChannels {
                let s = Double(gamma[o]) / (Double(variance[o]) + Double(bn.eps)).squareRoot()
                for i in (o * perChannel)..<((o + 1) * perChannel) { folded[i] = TensorScalar(Double(w[i]) * s) }
                shift[o] = TensorScalar(Double(beta[o]) + (Double(convBias?[o] ?? 0) - Double(mean[o])) * s)
            }
            weight = try Tensor(folded, shape: conv.weight.shape)
            bias = try Tensor(shift, shape: [conv.outChannels])
            (stride, padding) = (conv.stride, conv.padding)
        }

        /// `relu?(conv(x) + b + residual)`.
        func callAsFunction(_ x: Tensor, adding residual: Tensor? = nil, relu: Bool) throws -> Tensor {
            try conv2dInference(x, weight, bias: bias, stride: stride, padding: padding, adding: residual, relu: relu)
        }
    }

    /// A residual block with its BNs folded.
    enum Block {
        case basic(FoldedConv, FoldedConv, shortcut: FoldedConv?)
        case bottleneck(FoldedConv, FoldedConv, FoldedConv, shortcut: FoldedConv?)

        func callAsFunction(_ x: Tensor) throws -> Tensor {
            switch self {
            case let .basic(c1, c2, shortcut):
                let identity = try shortcut?(x, relu: false) ?? x
                return try c2(c1(x, relu: true), adding: identity, relu: true)
            case let .bottleneck(c1, c2, c3, shortcut):
                let identity = try shortcut?(x, relu: false) ?? x
                return try c3(c2(c1(x, relu: true), relu: true), adding: identity, relu: true)
            }
        }
    }

    /// The architecture it was built from.
    public let config: ResNet.Config
    let stem: FoldedConv
    let maxPool: MaxPool2d?
    let blocks: [Block]
    let head: Linear?

    /// Folds `net`'s BN layers (their running statistics, whatever mode the network is in).
    /// - Throws: when `net` does not have the layers ``ResNet`` builds.
    public init(_ net: ResNet) throws {
        func missing(_ what: String) -> TensorError {
            TensorError.invalidArgument(op: "FoldedResNet", reason: "the network has no \(what) as ResNet builds it")
        }
        guard let conv1 = net.submodule("conv1") as? Conv2d, let bn1 = net.submodule("bn1") as? BatchNorm else { throw missing("stem") }
        config = net.config
        stem = try FoldedConv(conv1, bn1)
        maxPool = net.submodule("maxpool") as? MaxPool2d
        var blocks: [Block] = []
        for stage in 1...4 {
            guard let layer = net.submodule("layer\(stage)") as? Sequential else { throw missing("layer\(stage)") }
            for (_, m) in layer.children {
                switch m {
                case let b as BasicBlock:
                    blocks.append(.basic(try FoldedConv(b.conv1, b.bn1), try FoldedConv(b.conv2, b.bn2), shortcut: try FoldedResNet.shortcut(b.downsample)))
                case let b as Bottleneck:
                    blocks.append(.bottleneck(try FoldedConv(b.conv1, b.bn1), try FoldedConv(b.conv2, b.bn2), try FoldedConv(b.conv3, b.bn3),
                                              shortcut: try FoldedResNet.shortcut(b.downsample)))
                default: throw missing("residual block in layer\(stage)")
                }
            }
        }
        self.blocks = blocks
        head = net.submodule("fc") as? Linear
    }

    /// The folded 1×1 convolution + BN of a block's shortcut, if it has one.
    private static func shortcut(_ downsample: Sequential?) throws -> FoldedConv? {
        guard let downsample else { return nil }
        guard let conv = downsample[0] as? Conv2d, let bn = downsample[1] as? BatchNorm else {
            throw TensorError.invalidArgument(op: "FoldedResNet", reason: "a shortcut is not Conv2d → BatchNorm")
        }
        return try FoldedConv(conv, bn)
    }

    /// Pooled features `[N, D]` (or the `fc` head's logits) of images `[N, C, H, W]`, as the
    /// network in eval mode computes them.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4 else {
            throw TensorError.invalidShape(op: "resnet\(config.depth)", shape: x.shape, reason: "expected images [N, \(config.inChannels), H, W]")
        }
        guard x.shape[1] == config.inChannels else {
            throw TensorError.channelMismatch(op: "resnet\(config.depth)", expected: config.inChannels, got: x.shape[1], input: x.shape)
        }
        return try withNoGrad {
            var y = try stem(x, relu: true)
            if let maxPool { y = try maxPool(y) }
            for block in blocks { y = try block(y) }
            let pooled = try globalAvgPool(y)
            return try head?(pooled) ?? pooled
        }
    }
}
