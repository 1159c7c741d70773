/// A fully connected layer `y = x·Wᵀ + b` (weight `[out, in]`, as PyTorch).
public final class Linear: Module {
    /// Input and output feature counts.
    public let inFeatures: Int, outFeatures: Int
    /// `[out, in]`.
    public var weight: Tensor { ownParameters[0].tensor }
    /// `[out]`, or nil without bias.
    public var bias: Tensor? { ownParameters.count > 1 ? ownParameters[1].tensor : nil }

    /// A layer with PyTorch's default initialization.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: RandomGenerator) throws {
        guard inFeatures > 0, outFeatures > 0 else {
            throw TensorError.invalidArgument(op: "Linear", reason: "feature counts must be positive, got \(inFeatures)→\(outFeatures)")
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        register(parameter: "weight", try Init.defaultUniform([outFeatures, inFeatures], fanIn: inFeatures, generator: generator))
        if bias { register(parameter: "bias", try Init.defaultUniform([outFeatures], fanIn: inFeatures, generator: generator)) }
    }

    override public func forward(_ x: Tensor) throws -> Tensor { try linear(x, weight: weight, bias: bias) }
    override public var extraDescription: String { "\(inFeatures)→\(outFeatures)\(bias == nil ? ", no bias" : "")" }
}
