import M2NN

/// Layer constructors named as in `torch.nn`, and torchvision's ResNets.
enum LayerBuiltins {
    /// The generator for a layer's initialization: `seed:` when given, else the session's.
    static func generator(_ a: BoundArguments) throws -> RandomGenerator {
        try a.optionalSeed("seed").map { RandomGenerator(seed: $0) } ?? a.interpreter.random
    }

    /// Refuses networks whose parameters would exceed ``Limits/maxTensorElements`` (or 2³⁰
    /// floats, 4 GB, without a limit): a typo must not exhaust the machine's memory.
    static func checkParameters(_ count: Double, _ a: BoundArguments) throws {
        let cap = Double(a.interpreter.limits.maxTensorElements ?? 1 << 30)
        guard count <= cap else {
            throw RuntimeFailure("\(a.function): refusing to create about \(Value.format(count.rounded())) parameters: the limit is \(Int(cap))")
        }
    }

    /// Parameters of a ResNet, from torchvision's counts at width 64 (they scale as width²).
    static func resnetParameters(depth: Int, width: Int, channels: Int, classes: Int?) -> Double {
        let per64: Double = depth == 18 ? 11.2e6 : depth == 34 ? 21.3e6 : 23.5e6
        let w = Double(width), features = w * 8 * (depth == 50 ? 4 : 1)
        return per64 * w * w / 4096 + Double(channels) * w * 49 + features * Double(classes ?? 0)
    }

    static func resnet(_ depth: Int) -> BuiltinFunction {
        BuiltinFunction("resnet\(depth)", "width=64, channels=3, stem=\"imagenet\", classes=nil, seed=0, zero_init_residual=false",
                        doc: "torchvision's ResNet-\(depth) returning pooled features (or `classes` logits): stem \"imagenet\" (7×7/2 + max-pool) or \"small\" (3×3/1, for 28–32 px images).",
                        example: "resnet\(depth)(width: 16, channels: 1, stem: \"small\")") { a in
            guard let stem = ResNet.Stem(rawValue: try a.choice("stem", ["imagenet", "small"])) else { throw a.fail("stem", "\"imagenet\" or \"small\"") }
            let width = try a.positiveInt("width"), channels = try a.positiveInt("channels")
            guard width <= 4096, channels <= 64 else { throw RuntimeFailure("resnet\(depth): width ≤ 4096 and channels ≤ 64") }
            let classes = try a.optionalInt("classes")
            if let c = classes, c <= 0 || c > 100_000 { throw RuntimeFailure("resnet\(depth): classes must be in 1…100000, got \(c)") }
            try checkParameters(resnetParameters(depth: depth, width: width, channels: channels, classes: classes), a)
            let config = ResNet.Config(depth: depth, width: width, inChannels: channels, stem: stem, classes: classes,
                                       zeroInitResidual: try a.bool("zero_init_residual"), seed: try a.optionalSeed("seed") ?? 0)
            return ModuleObject.wrap(try ResNet(config))
        }
    }

    static let all: [BuiltinFunction] = [
        resnet(18), resnet(34), resnet(50),
        BuiltinFunction("Linear", "in_features, out_features, bias=true, seed=nil", doc: "A fully connected layer y = x·Wᵀ + b (W is [out, in]).",
                        example: "Linear(784, 10)") { a in
            try checkParameters(Double(try a.positiveInt("in_features")) * Double(try a.positiveInt("out_features")), a)
            return ModuleObject.wrap(try Linear(try a.positiveInt("in_features"), try a.positiveInt("out_features"), bias: try a.bool("bias"), generator: try generator(a)))
        },
        BuiltinFunction("Conv2d", "in_channels, out_channels, kernel_size, stride=1, padding=0, bias=true, seed=nil",
                        doc: "A 2-D convolution over [N, C, H, W], Kaiming-initialized.", example: "Conv2d(1, 16, 3, padding: 1)") { a in
            let k = Double(try a.positiveInt("kernel_size"))
            try checkParameters(Double(try a.positiveInt("in_channels")) * Double(try a.positiveInt("out_channels")) * k * k, a)
            return ModuleObject.wrap(try Conv2d(try a.positiveInt("in_channels"), try a.positiveInt("out_channels"), kernel: try a.positiveInt("kernel_size"),
                                         stride: try a.positiveInt("stride"), padding: try a.int("padding"), bias: try a.bool("bias"), generator: try generator(a)))
        },
        BuiltinFunction("BatchNorm1d", "num_features, eps=0.00001, momentum=0.1", doc: "Batch normalization over [N, C].", example: "BatchNorm1d(128)") { a in
            try checkParameters(Double(try a.positiveInt("num_features")) * 4, a)
            return ModuleObject.wrap(try BatchNorm(try a.positiveInt("num_features"), dimensions: 1, eps: try a.float("eps"), momentum: try a.float("momentum")))
        },
        BuiltinFunction("BatchNorm2d", "num_features, eps=0.00001, momentum=0.1", doc: "Batch normalization over [N, C, H, W] per channel.",
                        example: "BatchNorm2d(16)") { a in
            try checkParameters(Double(try a.positiveInt("num_features")) * 4, a)
            return ModuleObject.wrap(try BatchNorm(try a.positiveInt("num_features"), dimensions: 2, eps: try a.float("eps"), momentum: try a.float("momentum")))
        },
        BuiltinFunction("ReLU", "", doc: "max(x, 0) as a layer.", example: "ReLU()") { _ in ModuleObject.wrap(ReLU()) },
        BuiltinFunction("Identity", "", doc: "Passes its input through.", example: "Identity()") { _ in ModuleObject.wrap(Identity()) },
        BuiltinFunction("Flatten", "", doc: "Flattens every dimension after the first.", example: "Flatten()") { _ in ModuleObject.wrap(Flatten()) },
        BuiltinFunction("L2Normalize", "", doc: "Divides each row by its L2 norm.", example: "L2Normalize()") { _ in ModuleObject.wrap(L2Normalize()) },
        BuiltinFunction("GlobalAvgPool", "", doc: "Means over H and W: [N, C, H, W] → [N, C].", example: "GlobalAvgPool()") { _ in ModuleObject.wrap(GlobalAvgPool()) },
        BuiltinFunction("MaxPool2d", "kernel_size, stride=nil, padding=0", doc: "Max pooling over square windows.", example: "MaxPool2d(2)") { a in
            let s = try a.optionalInt("stride")
            if let s, s <= 0 { throw RuntimeFailure("MaxPool2d: stride must be positive") }
            return ModuleObject.wrap(MaxPool2d(kernel: try a.positiveInt("kernel_size"), stride: s, padding: max(0, try a.int("padding"))))
        },
        BuiltinFunction("AdaptiveAvgPool2d", "output_size=1", doc: "Average pooling to 1×1 ([N, C, H, W] → [N, C, 1, 1]); only output_size 1.",
                        example: "AdaptiveAvgPool2d(1)") { a in
            guard try a.int("output_size") == 1 else { throw RuntimeFailure("AdaptiveAvgPool2d: only output_size 1 is supported") }
            return ModuleObject.wrap(AdaptiveAvgPool2d())
        },
        BuiltinFunction("Sequential", "*layers", doc: "Layers applied in order; `seq[i]` is the i-th.",
                        example: "Sequential(Linear(4, 8), ReLU(), Linear(8, 2))") { a in
            let layers = try a.rest.enumerated().map { i, v -> Module in
                guard case .object(let o as ModuleObject) = v else { throw RuntimeFailure("Sequential: argument \(i + 1) is a \(v.typeName), not a module") }
                return o.module
            }
            return ModuleObject.wrap(Sequential(layers))
        },
        BuiltinFunction("mlp_head", "input, hidden, output, seed=0", doc: "The method's projector/predictor: Linear → BatchNorm1d → ReLU → Linear.",
                        example: "mlp_head(128, 512, 128)") { a in
            let (i, h, o) = (Double(try a.positiveInt("input")), Double(try a.positiveInt("hidden")), Double(try a.positiveInt("output")))
            try checkParameters(i * h + h * o + 4 * h, a)
            return ModuleObject.wrap(try mlpHead(input: try a.positiveInt("input"), hidden: try a.positiveInt("hidden"), output: try a.positiveInt("output"),
                                          generator: RandomGenerator(seed: try a.optionalSeed("seed") ?? 0)))
        },
    ]
}
