/// torchvision's ResNet, as a backbone that returns pooled features, with an optional
/// classification head `fc`. Keys match torchvision (`layer1.0.bn1.running_mean`).
public final class ResNet: Module {
    /// The first layers.
    public enum Stem: String, Codable, Sendable, CaseIterable {
        /// 7×7 stride-2 convolution and 3×3 stride-2 max-pool (224×224 images).
        case imagenet
        /// 3×3 stride-1 convolution, no pool (28×28, 32×32 images).
        case small
    }

    /// The architecture of a ResNet.
    public struct Config: Codable, Sendable, Equatable {
        /// 18, 34 or 50.
        public var depth: Int
        /// Channels of the first stage (64 in the paper); stages double it.
        public var width: Int = 64
        /// Channels of the input images (3 for RGB, 1 for grayscale).
        public var inChannels: Int = 3
        /// The first layers (default ``Stem/imagenet``).
        public var stem: Stem = .imagenet
        /// Classes of the `fc` head; nil for a backbone (pooled features).
        public var classes: Int? = nil
        /// Zero-initialize the last BN γ of every block.
        public var zeroInitResidual = false
        /// Seed of the weight initialization.
        public var seed: UInt64 = 0

        /// An architecture; the defaults are torchvision's (width 64, RGB, ImageNet stem), without
        /// the `fc` head.
        public init(depth: Int, width: Int = 64, inChannels: Int = 3, stem: Stem = .imagenet, classes: Int? = nil,
                    zeroInitResidual: Bool = false, seed: UInt64 = 0) {
            (self.depth, self.width, self.inChannels, self.stem, self.classes, self.zeroInitResidual, self.seed)
                = (depth, width, inChannels, stem, classes, zeroInitResidual, seed)
        }

        /// Blocks per stage.
        var layers: [Int]? { [18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3]][depth] }
        var bottleneck: Bool { depth == 50 }
    }

    /// The architecture the network was built from.
    public let config: Config
    /// Width of the pooled features.
    public let featureDimension: Int

    /// Builds the network with torchvision's initialization.
    public init(_ config: Config) throws {
        guard let layers = config.layers else {
            throw TensorError.invalidArgument(op: "resnet", reason: "depth \(config.depth) is not one of 18, 34, 50")
        }
        guard config.width > 0, config.inChannels > 0, (config.classes ?? 1) > 0 else {
            throw TensorError.invalidArgument(op: "resnet", reason: "width, channels and classes must be positive")
        }
        self.config = config
        let g = RandomGenerator(seed: config.seed)
        let expansion = config.bottleneck ? Bottleneck.expansion : BasicBlock.expansion
        featureDimension = config.width * 8 * expansion
        super.init()
        let w = config.width
        switch config.stem {
        case .imagenet: register("conv1", try Conv2d(config.inChannels, w, kernel: 7, stride: 2, padding: 3, generator: g))
        case .small: register("conv1", try Conv2d(config.inChannels, w, kernel: 3, stride: 1, padding: 1, generator: g))
        }
        register("bn1", try BatchNorm(w))
        register("relu", ReLU())
        if config.stem == .imagenet { register("maxpool", MaxPool2d(kernel: 3, stride: 2, padding: 1)) }
        var inPlanes = w
        for (stage, blocks) in layers.enumerated() {
            let planes = w << stage
            var stageBlocks: [Module] = []
            for b in 0..<blocks {
                let stride = (stage > 0 && b == 0) ? 2 : 1
                if config.bottleneck {
                    let block = try Bottleneck(inPlanes, planes, stride: stride, generator: g)
                    if config.zeroInitResidual { try block.lastBN.weight.fill(0) }
                    stageBlocks.append(block)
                } else {
                    let block = try BasicBlock(inPlanes, planes, stride: stride, generator: g)
                    if config.zeroInitResidual { try block.lastBN.weight.fill(0) }
                    stageBlocks.append(block)
                }
                inPlanes = planes * expansion
            }
            register("layer\(stage + 1)", Sequential(stageBlocks))
        }
        register("avgpool", GlobalAvgPool())
        if let classes = config.classes { register("fc", try Linear(featureDimension, classes, generator: g)) }
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4 else {
            throw TensorError.invalidShape(op: "resnet\(config.depth)", shape: x.shape, reason: "expected images [N, \(config.inChannels), H, W]")
        }
        guard x.shape[1] == config.inChannels else {
            throw TensorError.channelMismatch(op: "resnet\(config.depth)", expected: config.inChannels, got: x.shape[1], input: x.shape)
        }
        var y = x
        for (_, m) in children { y = try m(y) }
        return y
    }

    override public var typeName: String { "ResNet\(config.depth)" }
    override public var extraDescription: String {
        "width \(config.width), \(config.inChannels) channel\(config.inChannels == 1 ? "" : "s"), \(config.stem.rawValue) stem" + (config.classes.map { ", \($0) classes" } ?? "")
    }
}

/// ResNet-18 (BasicBlock, [2, 2, 2, 2]).
public func resnet18(width: Int = 64, channels: Int = 3, stem: ResNet.Stem = .imagenet, classes: Int? = nil, seed: UInt64 = 0) throws -> ResNet {
    try ResNet(.init(depth: 18, width: width, inChannels: channels, stem: stem, classes: classes, seed: seed))
}

/// ResNet-34 (BasicBlock, [3, 4, 6, 3]).
public func resnet34(width: Int = 64, channels: Int = 3, stem: ResNet.Stem = .imagenet, classes: Int? = nil, seed: UInt64 = 0) throws -> ResNet {
    try ResNet(.init(depth: 34, width: width, inChannels: channels, stem: stem, classes: classes, seed: seed))
}

/// ResNet-50 (Bottleneck v1.5, [3, 4, 6, 3]).
public func resnet50(width: Int = 64, channels: Int = 3, stem: ResNet.Stem = .imagenet, classes: Int? = nil, seed: UInt64 = 0) throws -> ResNet {
    try ResNet(.init(depth: 50, width: width, inChannels: channels, stem: stem, classes: classes, seed: seed))
}
