/// The residual blocks of torchvision's ResNet.

/// Two 3×3 convolutions with a shortcut (ResNet-18/34). Expansion 1.
public final class BasicBlock: Module {
    /// Output channels per `planes`: a basic block outputs `planes` channels.
    public static let expansion = 1
    let conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm, downsample: Sequential?

    /// A block from `inPlanes` to `planes` channels; the first convolution carries the stride.
    public init(_ inPlanes: Int, _ planes: Int, stride: Int, generator: RandomGenerator) throws {
        conv1 = try Conv2d(inPlanes, planes, kernel: 3, stride: stride, padding: 1, generator: generator)
        bn1 = try BatchNorm(planes)
        conv2 = try Conv2d(planes, planes, kernel: 3, padding: 1, generator: generator)
        bn2 = try BatchNorm(planes)
        downsample = stride != 1 || inPlanes != planes
            ? Sequential([try Conv2d(inPlanes, planes, kernel: 1, stride: stride, generator: generator), try BatchNorm(planes)]) : nil
        super.init()
        register("conv1", conv1); register("bn1", bn1); register("relu", ReLU())
        register("conv2", conv2); register("bn2", bn2)
        if let downsample { register("downsample", downsample) }
    }

    /// The BN whose γ is zeroed by `zeroInitResidual`.
    var lastBN: BatchNorm { bn2 }

    override public func forward(_ x: Tensor) throws -> Tensor {
        var out = try bn1(conv1(x)).relu()
        out = try bn2(conv2(out))
        let identity = try downsample?(x) ?? x
        return try (out + identity).relu()
    }
}

/// 1×1 → 3×3 → 1×1 with a shortcut (ResNet-50, "v1.5": the stride is on the 3×3). Expansion 4.
public final class Bottleneck: Module {
    /// Output channels per `planes`: a bottleneck outputs `4·planes` channels.
    public static let expansion = 4
    let conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm, conv3: Conv2d, bn3: BatchNorm, downsample: Sequential?

    /// A block from `inPlanes` to `4·planes` channels through `planes` inner channels; the 3×3
    /// convolution carries the stride.
    public init(_ inPlanes: Int, _ planes: Int, stride: Int, generator: RandomGenerator) throws {
        let outPlanes = planes * Bottleneck.expansion
        conv1 = try Conv2d(inPlanes, planes, kernel: 1, generator: generator)
        bn1 = try BatchNorm(planes)
        conv2 = try Conv2d(planes, planes, kernel: 3, stride: stride, padding: 1, generator: generator)
        bn2 = try BatchNorm(planes)
        conv3 = try Conv2d(planes, outPlanes, kernel: 1, generator: generator)
        bn3 = try BatchNorm(outPlanes)
        downsample = stride != 1 || inPlanes != outPlanes
            ? Sequential([try Conv2d(inPlanes, outPlanes, kernel: 1, stride: stride, generator: generator), try BatchNorm(outPlanes)]) : nil
        super.init()
        register("conv1", conv1); register("bn1", bn1); register("conv2", conv2); register("bn2", bn2)
        register("conv3", conv3); register("bn3", bn3); register("relu", ReLU())
        if let downsample { register("downsample", downsample) }
    }

    var lastBN: BatchNorm { bn3 }

    override public func forward(_ x: Tensor) throws -> Tensor {
        var out = try bn1(conv1(x)).relu()
        out = try bn2(conv2(out)).relu()
        out = try bn3(conv3(out))
        let identity = try downsample?(x) ?? x
        return try (out + identity).relu()
    }
}
