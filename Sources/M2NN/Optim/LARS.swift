/// LARS (You et al. 2017) as used by BYOL-style methods: for each parameter not excluded,
/// `g ← g + λθ`, then `g ← g · η‖θ‖/‖g‖` (when both norms are positive); `b ← μb + g`;
/// `θ ← θ − lr·b`. Excluded parameters (BN and biases by default) get neither weight decay
/// nor the trust ratio.
public final class LARS: Optimizer {
    /// The parameters it updates, in the order of ``stateTensors``.
    public let parameters: [NamedParameter]
    /// The learning rate of the next ``step()``; schedules set it every step.
    public var learningRate: TensorScalar
    /// Momentum μ (default 0.9), weight decay λ (default 1e-6) and trust coefficient η
    /// (default 0.001).
    public let momentum: TensorScalar, weightDecay: TensorScalar, trustCoefficient: TensorScalar
    /// Whether each parameter is excluded from weight decay and adaptation.
    public let excluded: [Bool]
    private var buffers: [Tensor?]

    /// - Parameter exclude: decides exclusion by name and tensor; default: 1-D tensors
    ///   (BN weights and biases, linear biases).
    public init(_ parameters: [NamedParameter], learningRate: TensorScalar, momentum: TensorScalar = 0.9, weightDecay: TensorScalar = 1e-6,
                trustCoefficient: TensorScalar = 0.001, exclude: (NamedParameter) -> Bool = { $0.tensor.rank <= 1 }) throws {
        guard learningRate >= 0, momentum >= 0, weightDecay >= 0, trustCoefficient > 0 else {
            throw TensorError.invalidArgument(op: "lars", reason: "learning rate, momentum, weight decay must not be negative; η must be positive")
        }
        (self.parameters, self.learningRate, self.momentum, self.weightDecay, self.trustCoefficient) = (parameters, learningRate, momentum, weightDecay, trustCoefficient)
        excluded = parameters.map(exclude)
        buffers = Array(repeating: nil, count: parameters.count)
    }

    /// Applies one LARS update (the formula above) to every parameter that has a gradient;
    /// the first update of a parameter sets b ← g.
    public func step() throws {
        for (i, p) in parameters.enumerated() {
            guard let grad = p.tensor.grad else { continue }
            let d = try grad.copy()
            if !excluded[i] {
                if weightDecay != 0 { try d.addInPlace(p.tensor, scale: weightDecay) }
                let pn = try p.tensor.square().sum().item().squareRoot()
                let dn = try d.square().sum().item().squareRoot()
                if pn > 0 && dn > 0 { try d.scaleInPlace(trustCoefficient * pn / dn) }
            }
            if let b = buffers[i] {
                try b.scaleInPlace(momentum)
                try b.addInPlace(d)
            } else {
                buffers[i] = d
            }
            try p.tensor.addInPlace(buffers[i] ?? d, scale: -learningRate)
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.tensor.zeroGrad() } }
    /// The momentum buffers b, in parameter order; nil until a parameter's first update.
    public var stateTensors: [Tensor?] { buffers }
    /// Restores momentum buffers saved from ``stateTensors``.
    /// - Throws: ``TensorError`` when their count or a shape does not match the parameters.
    public func loadState(_ tensors: [Tensor?]) throws { buffers = try Self.checkedState(tensors, for: parameters) }
}
