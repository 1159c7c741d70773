/// Stochastic gradient descent with momentum, Nesterov and weight decay, with PyTorch's
/// semantics: `g ← g + λθ; b ← μb + g; θ ← θ − lr·b` (Nesterov: `θ ← θ − lr·(g + μb)`).
public final class SGD: Optimizer {
    /// The parameters it updates, in the order of ``stateTensors``.
    public let parameters: [NamedParameter]
    /// The learning rate of the next ``step()``; schedules set it every step.
    public var learningRate: TensorScalar
    /// Momentum μ and weight decay λ (both default 0), and whether the update is Nesterov's.
    public let momentum: TensorScalar, weightDecay: TensorScalar, nesterov: Bool
    private var buffers: [Tensor?]

    /// SGD over `parameters`.
    /// - Throws: ``TensorError`` for a negative learning rate, momentum or weight decay, or for
    ///   Nesterov without momentum.
    public init(_ parameters: [NamedParameter], learningRate: TensorScalar, momentum: TensorScalar = 0, weightDecay: TensorScalar = 0, nesterov: Bool = false) throws {
        guard learningRate >= 0, momentum >= 0, weightDecay >= 0 else {
            throw TensorError.invalidArgument(op: "sgd", reason: "learning rate, momentum and weight decay must not be negative")
        }
        guard !nesterov || momentum > 0 else { throw TensorError.invalidArgument(op: "sgd", reason: "Nesterov needs a positive momentum") }
        (self.parameters, self.learningRate, self.momentum, self.weightDecay, self.nesterov) = (parameters, learningRate, momentum, weightDecay, nesterov)
        buffers = Array(repeating: nil, count: parameters.count)
    }

    /// SGD over a module's parameters.
    public convenience init(_ module: Module, learningRate: TensorScalar, momentum: TensorScalar = 0, weightDecay: TensorScalar = 0, nesterov: Bool = false) throws {
        try self.init(module.namedParameters().map { NamedParameter(name: $0.name, tensor: $0.tensor) },
                      learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
    }

    /// Applies one update to every parameter that has a gradient:
    /// `g ← g + λθ; b ← μb + g; θ ← θ − lr·b`, with b ← g at a parameter's first update (PyTorch).
    public func step() throws {
        // One pass over every parameter with a gradient (FusedUpdate: same bits as updating
        // them one operation at a time).
        var (thetas, grads, moments, first) = ([Tensor](), [Tensor](), [Tensor](), [Bool]())
        for (i, p) in parameters.enumerated() {
            guard let grad = p.tensor.grad else { continue }
            thetas.append(p.tensor)
            grads.append(grad)
            guard momentum != 0 else { continue }
            if let b = buffers[i] {
                moments.append(b)
                first.append(false)
            } else {
                let b = try Tensor.zeros(p.tensor.shape)
                buffers[i] = b
                moments.append(b)
                first.append(true)
            }
        }
        if momentum == 0 { first = Array(repeating: true, count: thetas.count) }
        try FusedUpdate.sgd(parameters: thetas, gradients: grads, buffers: moments, first: first,
                            learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.tensor.zeroGrad() } }
    /// The momentum buffers b, in parameter order; nil until a parameter's first update (always
    /// nil without momentum).
    public var stateTensors: [Tensor?] { buffers }
    /// Restores momentum buffers saved from ``stateTensors``.
    /// - Throws: ``TensorError`` when their count or a shape does not match the parameters.
    public func loadState(_ tensors: [Tensor?]) throws { buffers = try Self.checkedState(tensors, for: parameters) }
}
