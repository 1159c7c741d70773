import M2NN

/// An optimizer as a script value: `opt.step()`, `opt.zero_grad()`, `opt.lr` (assignable).
final class OptimizerObject: ScriptObject {
    let optimizer: any Optimizer
    let typeName: String

    init(_ optimizer: any Optimizer, typeName: String) { (self.optimizer, self.typeName) = (optimizer, typeName) }

    var memberNames: [String] { ["lr", "step", "zero_grad"] }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "lr": return Convert.number(optimizer.learningRate)
        case "step":
            return .function(BuiltinFunction("\(typeName).step", "", doc: "Applies one update to every parameter that has a gradient.", example: "opt.step()") { [optimizer] _ in
                try optimizer.step()
                return .nil
            })
        case "zero_grad":
            return .function(BuiltinFunction("\(typeName).zero_grad", "", doc: "Clears the gradients of the optimizer's parameters.", example: "opt.zero_grad()") { [optimizer] _ in
                optimizer.zeroGrad()
                return .nil
            })
        default: return nil
        }
    }

    func setMember(_ name: String, to value: Value) throws {
        guard name == "lr" else { throw RuntimeFailure("cannot assign to '\(name)' of a \(typeName)") }
        guard let x = value.asDouble, x >= 0, x.isFinite else { throw RuntimeFailure("lr must be a non-negative number") }
        optimizer.learningRate = TensorScalar(x)
    }

    var description: String { "\(typeName)(lr: \(Value.format(Double(Value.widen(optimizer.learningRate)))))" }
}

/// sgd and lars.
enum OptimizerBuiltins {
    /// Named parameters from a module, a list of tensors, or a list of (name, tensor) pairs.
    static func parameters(_ a: BoundArguments) throws -> [NamedParameter] {
        switch a["params"] {
        case .object(let o as ModuleObject):
            return o.module.namedParameters().map { NamedParameter(name: $0.name, tensor: $0.tensor) }
        case let v where v.sequenceItems != nil:
            return try (v.sequenceItems ?? []).enumerated().map { i, item in
                if case .tensor(let t) = item { return NamedParameter(name: String(i), tensor: t) }
                if let pair = item.sequenceItems, pair.count == 2, case .string(let n) = pair[0], case .tensor(let t) = pair[1] {
                    return NamedParameter(name: n, tensor: t)
                }
                throw RuntimeFailure("\(a.function): params[\(i)] is a \(item.typeName), not a tensor")
            }
        default: throw a.fail("params", "a module or a list of tensors")
        }
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("sgd", "params, lr, momentum=0, weight_decay=0, nesterov=false",
                        doc: "Stochastic gradient descent (PyTorch semantics) over a module's parameters or a list of tensors.",
                        example: "let opt = sgd(net, lr: 0.1, momentum: 0.9)") { a in
            .object(OptimizerObject(try SGD(try parameters(a), learningRate: try a.float("lr"), momentum: try a.float("momentum"),
                                            weightDecay: try a.float("weight_decay"), nesterov: try a.bool("nesterov")), typeName: "SGD"))
        },
        BuiltinFunction("lars", "params, lr, momentum=0.9, weight_decay=0.000001, eta=0.001",
                        doc: "LARS: layer-wise trust ratio η‖θ‖/‖g‖; 1-D tensors (BN, biases) get neither weight decay nor the ratio.",
                        example: "let opt = lars(net, lr: 0.2)") { a in
            .object(OptimizerObject(try LARS(try parameters(a), learningRate: try a.float("lr"), momentum: try a.float("momentum"),
                                             weightDecay: try a.float("weight_decay"), trustCoefficient: try a.float("eta")), typeName: "LARS"))
        },
    ]
}
