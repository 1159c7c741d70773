import Foundation
import M2NN

/// A layer or network as a script value: callable (`net(x)`), with its children, parameters
/// and buffers as attributes (`net.layer1`, `net.conv1.weight`) and PyTorch's methods
/// (`parameters()`, `state_dict()`, `train()`, `eval()`, `zero_grad()`, `summary(input:)`).
///
/// A `Sequential` is also a sequence (`net.layer1[0]`, `len(net.layer1)`); a batch-norm
/// layer also exposes its statistics (``BatchNormMembers``).
class ModuleObject: ScriptObject {
    let module: Module

    init(_ module: Module) { self.module = module }

    /// The script value of a module: a sequence object for `Sequential`.
    static func wrap(_ module: Module) -> Value {
        module is Sequential ? .object(SequentialObject(module)) : .object(ModuleObject(module))
    }

    var typeName: String { module.typeName }

    var memberNames: [String] {
        var names = module.children.map(\.name).filter { Int($0) == nil }
        names += module.ownParameters.map(\.name) + module.ownBuffers.map(\.name)
        names += ModuleMembers.methods.names + ModuleMembers.properties
        if module is BatchNorm { names += BatchNormMembers.properties }
        // A BN layer's buffers are also its properties (running_mean, running_var): once each.
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    func member(_ name: String) throws -> Value? {
        if let bn = module as? BatchNorm, let v = try BatchNormMembers.get(bn, name) { return v }
        if let c = module.children.first(where: { $0.name == name }) { return ModuleObject.wrap(c.module) }
        if let p = module.ownParameters.first(where: { $0.name == name }) { return .tensor(p.tensor) }
        if let b = module.ownBuffers.first(where: { $0.name == name }) { return .tensor(b.tensor) }
        switch name {
        case "training": return .bool(module.isTraining)
        case "num_parameters": return .int(module.parameterCount)
        default: return ModuleMembers.methods.bind(module, name, typeName: typeName)
        }
    }

    func setMember(_ name: String, to value: Value) throws {
        if let bn = module as? BatchNorm, try BatchNormMembers.set(bn, name, value) { return }
        if module.ownParameters.contains(where: { $0.name == name }) || module.ownBuffers.contains(where: { $0.name == name }) {
            throw RuntimeFailure("assign into the tensor instead: \(name)[...] = values (its shape is fixed)")
        }
        throw RuntimeFailure("cannot assign to '\(name)' of a \(typeName)")
    }

    var isCallable: Bool { true }

    func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
        guard arguments.positional.count == 1, arguments.keywords.isEmpty else {
            throw RuntimeFailure("a \(typeName) takes one input tensor, got \(arguments.positional.count) positional and \(arguments.keywords.count) keyword arguments")
        }
        return .tensor(try module(try arguments.positional[0].toTensor()))
    }

    var description: String { module.description }
}

/// A `Sequential`: indexable and iterable over its layers.
final class SequentialObject: ModuleObject, ScriptSequence {
    var length: Int { module.children.count }
    func element(at index: Int) throws -> Value { ModuleObject.wrap(module.children[index].module) }
}

/// The methods every module object has.
enum ModuleMembers {
    static let properties = ["training", "num_parameters"]

    static let methods = MethodTable<Module>()
        .method("forward", "x", doc: "The forward pass (same as calling the module).", example: "net.forward(x)") { m, a in
            .tensor(try m(try a.tensor("x")))
        }
        .method("parameters", "", doc: "Every trainable tensor of the tree, in order.", example: "len(net.parameters())") { m, _ in
            .list(ListBox(m.parameters.map { .tensor($0) }))
        }
        .method("named_parameters", "", doc: "(name, tensor) pairs with dotted names (`layer1.0.conv1.weight`).",
                example: "for (name, p) in net.named_parameters() { print(name, p.shape) }") { m, _ in
            .list(ListBox(m.namedParameters().map { .tuple([.string($0.name), .tensor($0.tensor)]) }))
        }
        .method("buffers", "", doc: "The non-trained state (BN running statistics), in order.", example: "len(net.buffers())") { m, _ in
            .list(ListBox(m.namedBuffers().map { .tensor($0.tensor) }))
        }
        .method("named_buffers", "", doc: "(name, tensor) pairs of the buffers.", example: "net.named_buffers()[0]") { m, _ in
            .list(ListBox(m.namedBuffers().map { .tuple([.string($0.name), .tensor($0.tensor)]) }))
        }
        .method("children", "", doc: "The direct sub-modules.", example: "net.children()") { m, _ in
            .list(ListBox(m.children.map { ModuleObject.wrap($0.module) }))
        }
        .method("named_modules", "", doc: "(path, module) pairs of the whole tree (\"\" for the root).", example: "len(net.named_modules())") { m, _ in
            .list(ListBox(m.namedModules().map { .tuple([.string($0.name), ModuleObject.wrap($0.module)]) }))
        }
        .method("get_submodule", "path", doc: "The module at a dotted path.", example: "net.get_submodule(\"layer1.0.conv1\")") { m, a in
            let path = try a.string("path")
            guard let sub = m.submodule(path) else { throw RuntimeFailure("\(m.typeName) has no module at '\(path)'") }
            return ModuleObject.wrap(sub)
        }
        .method("bn", "path", doc: "The batch-norm layer at a dotted path, to inspect its statistics.",
                example: "m2.teacher.bn(\"backbone.layer1.0.bn1\").running_mean") { m, a in
            let path = try a.string("path")
            guard let sub = m.submodule(path) else {
                let known = m.namedModules().filter { $0.module is BatchNorm }.map(\.name)
                throw RuntimeFailure("\(m.typeName) has no module at '\(path)'" + (known.isEmpty ? "" : " (batch-norm layers: \(known.prefix(4).joined(separator: ", "))…)"))
            }
            guard sub is BatchNorm else { throw RuntimeFailure("'\(path)' is a \(sub.typeName), not a batch-norm layer") }
            return ModuleObject.wrap(sub)
        }
        .method("state_dict", "", doc: "Parameters and buffers by dotted key, as a dict of tensors (live, not copies).",
                example: "net.state_dict()[\"conv1.weight\"].shape") { m, _ in
            .dict(DictBox(m.stateDict().map { (DictKey.string($0.0), Value.tensor($0.1)) }))
        }
        .method("load_state_dict", "state, strict=true", doc: "Copies tensors from a dict into the module; strict: every key must match. Returns {missing, unexpected}.",
                example: "net.load_state_dict(other.state_dict())") { m, a in
            guard case .dict(let d) = a["state"] else { throw a.fail("state", "a dict of tensors") }
            var tensors: [String: Tensor] = [:]
            for (k, v) in d.entries {
                guard case .string(let key) = k, case .tensor(let t) = v else { throw RuntimeFailure("load_state_dict: entries must be \"name\": tensor") }
                tensors[key] = t
            }
            return StateBuiltins.report(try m.loadStateDict(tensors, strict: try a.bool("strict")))
        }
        .method("train", "mode=true", doc: "Training mode (batch statistics) on the whole tree; returns the module.", example: "net.train()") { m, a in
            m.train(try a.bool("mode"))
            return ModuleObject.wrap(m)
        }
        .method("eval", "", doc: "Evaluation mode (running statistics) on the whole tree; returns the module.", example: "net.eval()") { m, _ in
            m.eval()
            return ModuleObject.wrap(m)
        }
        .method("zero_grad", "", doc: "Clears every parameter's gradient.", example: "net.zero_grad()") { m, _ in
            m.zeroGrad()
            return .nil
        }
        .method("requires_grad_", "flag=true", doc: "Freezes (false) or unfreezes every parameter; returns the module.",
                example: "net.requires_grad_(false)") { m, a in
            m.requiresGrad(try a.bool("flag"))
            return ModuleObject.wrap(m)
        }
        .method("summary", "input", doc: "Prints each layer with its output shape for an input shape, and the parameter counts.",
                example: "net.summary(input: [1, 1, 28, 28])") { m, a in
            guard let shape = try a.intList("input"), shape.allSatisfy({ $0 > 0 }), shape.count <= 8 else {
                throw a.fail("input", "a shape such as [1, 1, 28, 28]")
            }
            try a.interpreter.checkTensorSize(shape)
            a.interpreter.write(try m.summaryTable(input: shape))
            return .nil
        }
        .method("save", "path", doc: "Writes the parameters and buffers as safetensors (atomically).", example: "net.save(\"net.safetensors\")") { m, a in
            try m.save(to: URL(fileURLWithPath: try a.string("path")))
            return .nil
        }
        .method("load", "path, strict=true", doc: "Reads parameters and buffers from a safetensors file. Returns {missing, unexpected}.",
                example: "net.load(\"net.safetensors\")") { m, a in
            StateBuiltins.report(try m.load(from: URL(fileURLWithPath: try a.string("path")), strict: try a.bool("strict")))
        }
}

/// What a batch-norm layer shows beyond a module: α and the statistics.
enum BatchNormMembers {
    static let properties = ["momentum", "running_mean", "running_var", "batch_mean", "batch_var", "iterations",
                             "total_iterations", "mode", "num_features", "eps"]

    static func get(_ bn: BatchNorm, _ name: String) throws -> Value? {
        switch name {
        // α of momentum BN (the weight of the batch statistics); the running-average
        // momentum (PyTorch's 0.1) in standard mode.
        case "momentum": return Convert.number(bn.mode == .momentum ? bn.momentumState.alpha : bn.runningMomentum)
        case "running_mean": return .tensor(bn.runningMean)
        case "running_var": return .tensor(bn.runningVariance)
        case "batch_mean": return try bn.lastBatchMean.map(Convert.tensor) ?? .nil
        case "batch_var": return try bn.lastBatchVariance.map(Convert.tensor) ?? .nil
        case "iterations": return .int(bn.momentumState.iterations)
        case "total_iterations": return .int(bn.momentumState.totalIterations)
        case "mode": return .string(bn.mode.rawValue)
        case "num_features": return .int(bn.features)
        case "eps": return Convert.number(bn.eps)
        default: return nil
        }
    }

    /// `bn.momentum = x` sets the standard-mode running momentum; α of momentum BN follows
    /// its schedule and is refused.
    static func set(_ bn: BatchNorm, _ name: String, _ value: Value) throws -> Bool {
        guard name == "momentum" else { return false }
        guard bn.mode == .standard else { throw RuntimeFailure("α of momentum BN follows its cosine schedule and cannot be assigned") }
        guard let x = value.asDouble, (0...1).contains(x) else { throw RuntimeFailure("momentum must be a number in [0, 1]") }
        bn.runningMomentum = TensorScalar(x)
        return true
    }
}
