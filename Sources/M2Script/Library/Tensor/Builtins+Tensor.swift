import M2Tensor

/// Tensor creation, joining and autodiff control.
enum TensorBuiltins {
    /// The generator for `seed:` (a fresh one) or the session's shared one.
    static func generator(_ a: BoundArguments) throws -> RandomGenerator {
        if a.isNil("seed") { return a.interpreter.random }
        return RandomGenerator(seed: UInt64(bitPattern: Int64(try a.int("seed"))))
    }

    static func sized(_ a: BoundArguments) throws -> [Int] {
        let shape = try a.shape()
        try a.interpreter.checkTensorSize(shape)
        return shape
    }

    static func tensors(_ a: BoundArguments, _ name: String) throws -> [Tensor] {
        guard let items = a[name].sequenceItems else { throw a.fail(name, "a list of tensors") }
        return try items.map { try $0.toTensor() }
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("tensor", "data, requires_grad=false", doc: "A tensor from a number or nested lists of numbers.",
                        example: "tensor([[1, 2], [3, 4]])") { a in
            if case .tensor(let t) = a["data"] { let c = try t.copy().detach(); c.requiresGrad = try a.bool("requires_grad"); return .tensor(c) }
            let t = try a.tensor("data")
            t.requiresGrad = try a.bool("requires_grad")
            return .tensor(t)
        },
        BuiltinFunction("zeros", "*shape, requires_grad=false", doc: "A tensor of zeros.", example: "zeros(2, 3)") { a in
            .tensor(try Tensor.zeros(try sized(a), requiresGrad: try a.bool("requires_grad")))
        },
        BuiltinFunction("ones", "*shape, requires_grad=false", doc: "A tensor of ones.", example: "ones([2, 3])") { a in
            .tensor(try Tensor.ones(try sized(a), requiresGrad: try a.bool("requires_grad")))
        },
        BuiltinFunction("full", "shape, value, requires_grad=false", doc: "A tensor filled with `value`.", example: "full([2, 2], 7)") { a in
            guard let shape = try a.intList("shape") else { throw a.fail("shape", "a list of integers") }
            try a.interpreter.checkTensorSize(shape)
            return .tensor(try Tensor.full(try a.float("value"), shape: shape, requiresGrad: try a.bool("requires_grad")))
        },
        BuiltinFunction("zeros_like", "x", doc: "Zeros with the shape of x.", example: "zeros_like(x)") { a in .tensor(try Tensor.zeros(try a.tensor("x").shape)) },
        BuiltinFunction("ones_like", "x", doc: "Ones with the shape of x.", example: "ones_like(x)") { a in .tensor(try Tensor.ones(try a.tensor("x").shape)) },
        BuiltinFunction("arange", "start, end=nil, step=1", doc: "Evenly spaced values in [start, end) (arange(n) is 0..<n).",
                        example: "arange(0, 1, step: 0.25)") { a in
            let (s, e) = a.isNil("end") ? (0, try a.double("start")) : (try a.double("start"), try a.double("end"))
            let step = try a.double("step")
            guard step != 0, step.isFinite, s.isFinite, e.isFinite else { throw RuntimeFailure("arange: bounds must be finite and the step non-zero") }
            let n = ((e - s) / step).rounded(.up)
            if n > 0 { try a.interpreter.checkTensorSize([n < 9e18 ? Int(n) : Int.max]) }
            return .tensor(try Tensor.arange(TensorScalar(s), TensorScalar(e), step: TensorScalar(step)))
        },
        BuiltinFunction("linspace", "start, end, count", doc: "`count` evenly spaced values from start to end inclusive.",
                        example: "linspace(0, 1, 5)") { a in
            let n = try a.int("count")
            try a.interpreter.checkTensorSize([n])
            return .tensor(try Tensor.linspace(try a.float("start"), try a.float("end"), count: n))
        },
        BuiltinFunction("eye", "n", doc: "The n×n identity matrix.", example: "eye(3)") { a in
            let n = try a.int("n")
            try a.interpreter.checkTensorSize([n, n])
            return .tensor(try Tensor.eye(n))
        },
        BuiltinFunction("randn", "*shape, mean=0, std=1, seed=nil, requires_grad=false",
                        doc: "Normal random values; `seed:` makes them repeatable (else the session generator is used).",
                        example: "randn(2, 3, seed: 1)") { a in
            .tensor(try Tensor.randn(try sized(a), mean: try a.float("mean"), std: try a.float("std"),
                                     generator: try generator(a), requiresGrad: try a.bool("requires_grad")))
        },
        BuiltinFunction("rand", "*shape, low=0, high=1, seed=nil, requires_grad=false", doc: "Uniform random values in [low, high).",
                        example: "rand(4, seed: 7)") { a in
            .tensor(try Tensor.uniform(try sized(a), low: try a.float("low"), high: try a.float("high"),
                                       generator: try generator(a), requiresGrad: try a.bool("requires_grad")))
        },
        BuiltinFunction("manual_seed", "seed", doc: "Reseeds the session's random generator.", example: "manual_seed(42)") { a in
            a.interpreter.random = RandomGenerator(seed: UInt64(bitPattern: Int64(try a.int("seed"))))
            return .nil
        },
        BuiltinFunction("cat", "tensors, axis=0", doc: "Concatenates tensors along an existing axis.", example: "cat([x, y], axis: 1)") { a in
            let ts = try tensors(a, "tensors")
            for t in ts { _ = try TensorMembers.checked(t, axis: try a.int("axis")) }
            return .tensor(try Tensor.cat(ts, axis: try a.int("axis")))
        },
        BuiltinFunction("stack", "tensors, axis=0", doc: "Stacks same-shaped tensors along a new axis.", example: "stack([x, y])") { a in
            .tensor(try Tensor.stack(try tensors(a, "tensors"), axis: try a.int("axis")))
        },
        BuiltinFunction("matmul", "a, b", doc: "Matrix product (same as a @ b).", example: "matmul(eye(2), ones(2, 2))") { a in
            .tensor(try a.interpreter.tensorBinary(.matmul, try a.tensor("a"), try a.tensor("b")))
        },
        BuiltinFunction("relu", "x", doc: "max(x, 0) elementwise.", example: "relu(tensor([-1, 2]))") { a in .tensor(try a.tensor("x").relu()) },
    ]

    static let autodiff: [BuiltinFunction] = [
        BuiltinFunction("no_grad", "body", doc: "Calls `body` without recording a graph; returns its result. Write it as a block.",
                        example: "no_grad { w.grad = nil }") { a in
            let f = a["body"]
            return try withNoGrad { try a.interpreter.call(f, Arguments()) }
        },
        BuiltinFunction("is_grad_enabled", "", doc: "Whether operations record a graph here.", example: "no_grad { is_grad_enabled() }") { _ in
            .bool(GradMode.isEnabled)
        },
        BuiltinFunction("backward", "loss", doc: "Back-propagates from a scalar (same as loss.backward()).", example: "backward((w * w).sum())") { a in
            try a.tensor("loss").backward()
            return .nil
        },
        BuiltinFunction("gradcheck", "f, inputs, eps=nil, atol=nil, rtol=nil, max_elements=1000",
                        doc: "Compares f's gradients with central finite differences, for the inputs that require gradients; f is called as f(*inputs). Tight in the Float64 build.",
                        example: "gradcheck(fn(x) { x.tanh() }, [randn(3, requires_grad: true)]).passed") { a in
            try gradcheck(a)
        },
    ]

    /// `gradcheck`: ``GradCheck/run(inputs:tolerances:maxElements:seed:_:)`` as a record.
    static func gradcheck(_ a: BoundArguments) throws -> Value {
        let f = a["f"], inputs = try tensors(a, "inputs")
        var tolerances = GradCheck.Tolerances.standard
        if !a.isNil("eps") { tolerances.epsilon = try a.double("eps") }
        if !a.isNil("atol") { tolerances.absolute = try a.double("atol") }
        if !a.isNil("rtol") { tolerances.relative = try a.double("rtol") }
        let report = try GradCheck.run(inputs: inputs, tolerances: tolerances, maxElements: try a.int("max_elements")) { xs in
            let out = try a.interpreter.call(f, Arguments(xs.map { .tensor($0) }))
            guard case .tensor(let t) = out else { throw RuntimeFailure("gradcheck: f returned a \(out.typeName), expected a tensor") }
            return t
        }
        var fields: [(String, Value)] = [("passed", .bool(report.passed)), ("checked", .int(report.checked)),
                                         ("failures", .int(report.failures)), ("max_error", .double(report.maxAbsoluteError))]
        if let w = report.worst {
            fields.append(("worst", Convert.record([("input", .int(w.input)), ("index", Convert.list(w.index)),
                                                    ("analytic", .double(w.analytic)), ("numeric", .double(w.numeric))])))
        }
        return Convert.record(fields)
    }
}
