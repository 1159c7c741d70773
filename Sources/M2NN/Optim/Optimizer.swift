/// Something that updates parameters from their gradients, one step at a time.
public protocol Optimizer: AnyObject {
    /// The learning rate used by the next ``step()``; schedules set it every step.
    var learningRate: TensorScalar { get set }
    /// Applies one update to every parameter that has a gradient.
    func step() throws
    /// Clears every parameter's gradient.
    func zeroGrad()
    /// The momentum buffers, in parameter order (for checkpoints); nil where not yet created.
    var stateTensors: [Tensor?] { get }
    /// Restores momentum buffers saved from ``stateTensors``.
    func loadState(_ tensors: [Tensor?]) throws
}

/// A parameter with its name (to decide exclusions).
public struct NamedParameter {
    /// The dotted key (`"layer1.0.bn1.weight"`).
    public let name: String
    /// The parameter, updated in place.
    public let tensor: Tensor
    /// Pairs a parameter with its name.
    public init(name: String, tensor: Tensor) { self.name = name; self.tensor = tensor }
}

extension Optimizer {
    /// Restores buffers after checking they match the parameters' shapes.
    static func checkedState(_ tensors: [Tensor?], for params: [NamedParameter]) throws -> [Tensor?] {
        guard tensors.count == params.count else {
            throw TensorError.invalidArgument(op: "optimizer state", reason: "\(tensors.count) buffers for \(params.count) parameters")
        }
        for (t, p) in zip(tensors, params) {
            if let t, t.shape != p.tensor.shape {
                throw TensorError.shapeMismatch(op: "optimizer state for \(p.name)", lhs: p.tensor.shape, rhs: t.shape)
            }
        }
        return try tensors.map { try $0?.copy() }
    }
}
