/// The projector and predictor of the method: Linear(d→h) → BN1d → ReLU → Linear(h→o).
/// Keys: `0.weight`, `1.running_mean`, `3.bias`, as the original code's `nn.Sequential`.
public func mlpHead(input: Int, hidden: Int, output: Int, generator: RandomGenerator) throws -> Sequential {
    Sequential([
        try Linear(input, hidden, generator: generator),
        try BatchNorm(hidden, dimensions: 1),
        ReLU(),
        try Linear(hidden, output, generator: generator),
    ])
}
