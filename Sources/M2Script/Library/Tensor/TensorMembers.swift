import M2Tensor

/// The properties and methods of tensors: `x.shape`, `x.T`, `x.mean(axis: 1)`, `x.backward()`.
enum TensorMembers {
    static let properties: [String: (doc: String, get: (Tensor) throws -> Value)] = [
        "shape": ("The size of each dimension, as a list.", { .list(ListBox($0.shape.map { .int($0) })) }),
        "ndim": ("The number of dimensions.", { .int($0.rank) }),
        "size": ("The number of elements.", { .int($0.count) }),
        "dtype": ("The element type: \"float32\", or \"float64\" in the Float64 build.", { _ in .string(Tensor.dtypeName) }),
        "T": ("The transpose of the last two dimensions.", { .tensor(try $0.transpose()) }),
        "grad": ("The gradient accumulated by backward(), or nil.", { $0.grad.map(Value.tensor) ?? .nil }),
        "requires_grad": ("Whether gradients are tracked; assignable.", { .bool($0.requiresGrad) }),
        "is_leaf": ("Whether the tensor was created rather than computed.", { .bool($0.isLeaf) }),
        "grad_fn": ("The name of the operation that produced it, or nil.", { $0.gradFn.map { .string($0.name) } ?? .nil }),
        "data": ("The same values without gradient tracking (detach()).", { .tensor($0.detach()) }),
    ]

    static var names: [String] { (Array(properties.keys) + methods.names).sorted() }

    static func get(_ t: Tensor, _ name: String) throws -> Value? {
        if let p = properties[name] { return try p.get(t) }
        return methods.bind(t, name, typeName: "tensor")
    }

    static func set(_ t: Tensor, _ name: String, _ value: Value) throws {
        switch (name, value) {
        case ("requires_grad", .bool(let b)): t.requiresGrad = b
        case ("grad", .nil): t.zeroGrad()
        case ("grad", .tensor(let g)):
            guard g.shape == t.shape else { throw TensorError.shapeMismatch(op: "grad", lhs: t.shape, rhs: g.shape) }
            t.grad = g
        case ("requires_grad", _): throw RuntimeFailure("requires_grad must be true or false")
        case ("grad", _): throw RuntimeFailure("grad must be a tensor or nil")
        default: throw RuntimeFailure("cannot assign to '\(name)' of a tensor")
        }
    }

    /// Reductions take `axis:` as an int or a list of ints.
    static func axes(_ a: BoundArguments) throws -> [Int]? { try a.intList("axis") }

    /// Refuses an axis on a rank-0 tensor before the engine sees it (the engine resolves
    /// axis 0 against rank 0 as if it were rank 1).
    static func checked(_ t: Tensor, _ axes: [Int]?) throws -> Tensor {
        if t.rank == 0, let axes, !axes.isEmpty {
            throw TensorError.axisOutOfRange(op: "axis", axis: axes[0], rank: 0)
        }
        return t
    }

    /// ``checked(_:_:)`` for a single optional axis.
    static func checked(_ t: Tensor, axis: Int?) throws -> Tensor { try checked(t, axis.map { [$0] }) }

    static let methods: MethodTable<Tensor> = {
        let m = MethodTable<Tensor>()
        m.method("sum", "axis=nil, keepdims=false", doc: "Sum over `axis` (all when nil).", example: "x.sum(axis: 0)") {
            .tensor(try checked($0, try axes($1)).sum(axes: try axes($1), keepdims: try $1.bool("keepdims")))
        }
        m.method("mean", "axis=nil, keepdims=false", doc: "Mean over `axis` (all when nil).", example: "x.mean(axis: 1)") {
            .tensor(try checked($0, try axes($1)).mean(axes: try axes($1), keepdims: try $1.bool("keepdims")))
        }
        m.method("var", "axis=nil, unbiased=true, keepdims=false", doc: "Variance over `axis`.", example: "x.var(axis: 0)") {
            .tensor(try checked($0, try axes($1)).variance(axes: try axes($1), unbiased: try $1.bool("unbiased"), keepdims: try $1.bool("keepdims")))
        }
        m.method("std", "axis=nil, unbiased=true, keepdims=false", doc: "Standard deviation over `axis`.", example: "x.std()") {
            .tensor(try checked($0, try axes($1)).variance(axes: try axes($1), unbiased: try $1.bool("unbiased"), keepdims: try $1.bool("keepdims")).sqrt())
        }
        m.method("max", "axis=nil, keepdims=false", doc: "Maximum over `axis`.", example: "x.max()") {
            .tensor(try checked($0, try axes($1)).max(axes: try axes($1), keepdims: try $1.bool("keepdims")))
        }
        m.method("min", "axis=nil, keepdims=false", doc: "Minimum over `axis`.", example: "x.min()") {
            .tensor(try checked($0, try axes($1)).min(axes: try axes($1), keepdims: try $1.bool("keepdims")))
        }
        m.method("argmax", "axis=nil, keepdims=false", doc: "Index of the maximum (flat when axis is nil).", example: "x.argmax(axis: 1)") {
            .tensor(try checked($0, axis: try $1.optionalInt("axis")).argmax(axis: try $1.optionalInt("axis"), keepdims: try $1.bool("keepdims")))
        }
        m.method("all", "", doc: "Whether every element is non-zero.", example: "(x > 0).all()") { t, _ in
            .bool(t.count == 0 || t.scalars.allSatisfy { $0 != 0 })
        }
        m.method("any", "", doc: "Whether some element is non-zero.", example: "(x > 0).any()") { t, _ in
            .bool(t.scalars.contains { $0 != 0 })
        }
        m.method("reshape", "*shape", doc: "The same values in a new shape (-1 infers one size).", example: "x.reshape(2, -1)") { t, a in
            var items = a.rest
            if items.count == 1, let inner = items[0].sequenceItems { items = inner }
            let shape = items.compactMap(\.asInt)
            guard shape.count == items.count else { throw RuntimeFailure("reshape: a shape is a list of integers") }
            return .tensor(try t.reshape(shape))
        }
        m.method("view", "*shape", doc: "Alias of reshape.", example: "x.view(-1)") { t, a in
            var items = a.rest
            if items.count == 1, let inner = items[0].sequenceItems { items = inner }
            return .tensor(try t.reshape(items.compactMap(\.asInt)))
        }
        m.method("permute", "*order", doc: "Reorders the dimensions.", example: "x.permute(0, 2, 3, 1)") { t, a in
            var items = a.rest
            if items.count == 1, let inner = items[0].sequenceItems { items = inner }
            return .tensor(try t.permute(items.compactMap(\.asInt)))
        }
        m.method("transpose", "a=-2, b=-1", doc: "Swaps two dimensions.", example: "x.transpose(0, 1)") {
            .tensor(try checked($0, axis: try $1.int("a")).transpose(try $1.int("a"), try $1.int("b")))
        }
        m.method("expand", "*shape", doc: "Broadcasts to a larger shape without copying.", example: "tensor([1, 2]).expand(3, 2)") { t, a in
            let shape = try a.shape()
            try a.interpreter.checkTensorSize(shape)
            return .tensor(try t.expand(to: shape))
        }
        m.method("squeeze", "axis=nil", doc: "Removes size-1 dimensions.", example: "x.squeeze()") {
            .tensor(try checked($0, axis: try $1.optionalInt("axis")).squeeze(try $1.optionalInt("axis")))
        }
        m.method("unsqueeze", "axis", doc: "Inserts a size-1 dimension.", example: "x.unsqueeze(0)") {
            .tensor(try $0.unsqueeze(try $1.int("axis")))
        }
        m.method("flatten", "start=0, end=-1", doc: "Merges dimensions start…end into one.", example: "x.flatten(1)") {
            .tensor(try checked($0, axis: try $1.int("start")).flatten(from: try $1.int("start"), to: try $1.int("end")))
        }
        m.method("contiguous", "", doc: "A dense copy when the tensor is a strided view.", example: "x.T.contiguous()") { t, _ in .tensor(try t.contiguous()) }
        m.method("clone", "", doc: "A copy with its own memory (tracked).", example: "x.clone()") { t, _ in .tensor(try t.copy()) }
        m.method("detach", "", doc: "The same values, cut from the graph.", example: "x.detach()") { t, _ in .tensor(t.detach()) }
        m.method("item", "", doc: "The value of a one-element tensor as a float.", example: "x.sum().item()") { t, _ in .double(Value.widen(try t.item())) }
        m.method("tolist", "", doc: "The values as nested lists of floats.", example: "x.tolist()") { t, _ in Value.fromTensorValues(t) }
        m.method("backward", "gradient=nil", doc: "Back-propagates from this tensor (a scalar unless gradient is given).", example: "loss.backward()") { t, a in
            try t.backward(try a.optionalTensor("gradient"))
            return .nil
        }
        m.method("zero_grad", "", doc: "Clears the accumulated gradient.", example: "w.zero_grad()") { t, _ in t.zeroGrad(); return .nil }
        m.method("requires_grad_", "flag=true", doc: "Sets requires_grad and returns the tensor.", example: "zeros(3).requires_grad_()") { t, a in
            t.requiresGrad = try a.bool("flag")
            return .tensor(t)
        }
        m.method("matmul", "other", doc: "Matrix product (same as @).", example: "a.matmul(b)") { .tensor(try $0.matmul(try $1.tensor("other"))) }
        m.method("pow", "exponent", doc: "Elementwise power.", example: "x.pow(2)") { .tensor(try $0.pow(try $1.tensor("exponent"))) }
        m.method("maximum", "other", doc: "Elementwise maximum.", example: "x.maximum(0)") { .tensor(try $0.maximum(try $1.tensor("other"))) }
        m.method("minimum", "other", doc: "Elementwise minimum.", example: "x.minimum(1)") { .tensor(try $0.minimum(try $1.tensor("other"))) }
        m.method("clamp", "min=nil, max=nil", doc: "Limits values to [min, max].", example: "x.clamp(min: 0)") {
            .tensor(try $0.clamp(min: try $1.optionalFloat("min"), max: try $1.optionalFloat("max")))
        }
        for (name, f) in unaryOps {
            m.method(name, "", doc: "Elementwise \(name).", example: "x.\(name)()") { t, _ in .tensor(try f(t)) }
        }
        m.method("softmax", "axis=-1", doc: "Softmax along `axis`.", example: "x.softmax(axis: 1)") { .tensor(try softmax(try checked($0, axis: try $1.int("axis")), axis: try $1.int("axis"))) }
        m.method("log_softmax", "axis=-1", doc: "Log-softmax along `axis`.", example: "x.log_softmax()") { .tensor(try logSoftmax(try checked($0, axis: try $1.int("axis")), axis: try $1.int("axis"))) }
        m.method("index_select", "axis, indices", doc: "Picks entries along `axis`.", example: "x.index_select(0, [2, 0])") { t, a in
            guard let idx = try a.intList("indices") else { throw RuntimeFailure("index_select: indices must be a list of integers") }
            return .tensor(try checked(t, axis: try a.int("axis")).indexSelect(axis: try a.int("axis"), indices: idx))
        }
        m.method("gather", "axis, index", doc: "Gathers values along `axis` at `index` positions.", example: "x.gather(1, tensor([[0], [1]]))") {
            .tensor(try checked($0, axis: try $1.int("axis")).gather(axis: try $1.int("axis"), index: try $1.tensor("index")))
        }
        return m
    }()

    /// The elementwise unary operations, shared by methods and free functions.
    static let unaryOps: [(String, (Tensor) throws -> Tensor)] = [
        ("exp", { try $0.exp() }), ("log", { try $0.log() }), ("sqrt", { try $0.sqrt() }),
        ("relu", { try $0.relu() }), ("sigmoid", { try $0.sigmoid() }), ("tanh", { try $0.tanh() }),
        ("abs", { try $0.abs() }), ("square", { try $0.square() }), ("neg", { try -$0 }),
    ]
}
