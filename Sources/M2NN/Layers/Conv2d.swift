/// A 2-D convolution layer over NCHW input (weight `[out, in, k, k]`).
public final class Conv2d: Module {
    /// Input and output channels, side of the square kernel, stride, and zero padding on each side.
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    /// `[out, in, k, k]`.
    public var weight: Tensor { ownParameters[0].tensor }
    /// `[out]`, or nil without bias (ResNet convolutions have none).
    public var bias: Tensor? { ownParameters.count > 1 ? ownParameters[1].tensor : nil }

    /// A convolution initialized Kaiming-normal (fan-out), as torchvision's ResNet.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = false, generator: RandomGenerator) throws {
        guard inChannels > 0, outChannels > 0, kernel > 0, stride > 0, padding >= 0 else {
            throw TensorError.invalidArgument(op: "Conv2d", reason: "channels, kernel and stride must be positive and padding non-negative")
        }
        (self.inChannels, self.outChannels, self.kernel, self.stride, self.padding) = (inChannels, outChannels, kernel, stride, padding)
        super.init()
        register(parameter: "weight", try Init.kaimingNormalFanOut([outChannels, inChannels, kernel, kernel], generator: generator))
        if bias {
            register(parameter: "bias", try Init.defaultUniform([outChannels], fanIn: inChannels * kernel * kernel, generator: generator))
        }
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        try conv2d(x, weight, bias: bias, stride: stride, padding: padding)
    }

    override public var extraDescription: String {
        "\(inChannels)→\(outChannels), k\(kernel), s\(stride)" + (padding > 0 ? ", p\(padding)" : "") + (bias == nil ? "" : ", bias")
    }
}
