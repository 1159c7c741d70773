import Foundation

/// Weight initializations, as PyTorch and torchvision do them.
public enum Init {
    /// Kaiming-normal with `fan_out` and ReLU gain (torchvision's ResNet convolutions):
    /// `N(0, 2 / (out · kh · kw))`.
    public static func kaimingNormalFanOut(_ shape: [Int], generator: RandomGenerator) throws -> Tensor {
        let fanOut = shape[0] * shape.dropFirst(2).reduce(1, *)
        return try Tensor.randn(shape, std: TensorScalar((2.0 / Double(max(fanOut, 1))).squareRoot()), generator: generator)
    }

    /// PyTorch's default for Linear and Conv weights and biases: `U(−1/√fan_in, 1/√fan_in)`
    /// (kaiming-uniform with a = √5 gives the same bound for the weight).
    public static func defaultUniform(_ shape: [Int], fanIn: Int, generator: RandomGenerator) throws -> Tensor {
        let bound = TensorScalar(1 / Double(max(fanIn, 1)).squareRoot())
        return try Tensor.uniform(shape, low: -bound, high: bound, generator: generator)
    }
}
