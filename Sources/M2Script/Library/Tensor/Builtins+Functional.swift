import M2Tensor

/// The functional neural-network operations of the tensor engine (`torch.nn.functional`).
enum FunctionalBuiltins {
    static let all: [BuiltinFunction] = [
        BuiltinFunction("conv2d", "x, weight, bias=nil, stride=1, padding=0", doc: "2-D convolution: x [N,C,H,W], weight [O,C,kh,kw].",
                        example: "conv2d(randn(1, 1, 5, 5), ones(1, 1, 3, 3), padding: 1)") { a in
            .tensor(try conv2d(try a.tensor("x"), try a.tensor("weight"), bias: try a.optionalTensor("bias"),
                               stride: try a.int("stride"), padding: try a.int("padding")))
        },
        BuiltinFunction("batch_norm", "x, weight=nil, bias=nil, eps=0.00001, batch_weight=1, variance_factor=1, running_mean=nil, running_var=nil",
                        doc: "Batch normalization with statistics mixed as α·batch + (1−α)·running (α = batch_weight; 1 is training mode, 0 eval). variance_factor multiplies the biased batch variance before the mix: 1 is PyTorch's training-mode BN; n/(n−1) (n values per channel) the unbiased variance the teacher's momentum BN mixes.",
                        example: "batch_norm(randn(4, 3, seed: 0))") { a in
            .tensor(try batchNorm(try a.tensor("x"), weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"),
                                  eps: try a.float("eps"), batchWeight: try a.float("batch_weight"), varianceFactor: try a.float("variance_factor"),
                                  runningMean: try a.optionalTensor("running_mean"), runningVariance: try a.optionalTensor("running_var")).output)
        },
        BuiltinFunction("max_pool2d", "x, kernel, stride=nil, padding=0", doc: "Max pooling over kernel×kernel windows.",
                        example: "max_pool2d(randn(1, 1, 4, 4), 2)") { a in
            .tensor(try maxPool2d(try a.tensor("x"), kernel: try a.int("kernel"), stride: try a.optionalInt("stride"), padding: try a.int("padding")))
        },
        BuiltinFunction("avg_pool2d", "x, kernel, stride=nil, padding=0", doc: "Average pooling over kernel×kernel windows.",
                        example: "avg_pool2d(ones(1, 1, 4, 4), 2)") { a in
            .tensor(try avgPool2d(try a.tensor("x"), kernel: try a.int("kernel"), stride: try a.optionalInt("stride"), padding: try a.int("padding")))
        },
        BuiltinFunction("global_avg_pool", "x", doc: "Means over H and W: [N,C,H,W] → [N,C].", example: "global_avg_pool(ones(2, 3, 4, 4))") { a in
            .tensor(try globalAvgPool(try a.tensor("x")))
        },
        BuiltinFunction("linear", "x, weight, bias=nil", doc: "x @ weightᵀ + bias, weight [out, in].", example: "linear(ones(2, 3), ones(4, 3))") { a in
            .tensor(try linear(try a.tensor("x"), weight: try a.tensor("weight"), bias: try a.optionalTensor("bias")))
        },
        BuiltinFunction("l2_normalize", "x, axis=-1, eps=1e-12", doc: "x / ‖x‖ along `axis`.", example: "l2_normalize(tensor([[3, 4]]))") { a in
            .tensor(try l2Normalize(try TensorMembers.checked(try a.tensor("x"), axis: try a.int("axis")), axis: try a.int("axis"), eps: try a.float("eps")))
        },
        BuiltinFunction("softmax", "x, axis=-1", doc: "exp(x) / Σ exp(x) along `axis`.", example: "softmax(tensor([1, 2, 3]))") { a in
            .tensor(try softmax(try TensorMembers.checked(try a.tensor("x"), axis: try a.int("axis")), axis: try a.int("axis")))
        },
        BuiltinFunction("log_softmax", "x, axis=-1", doc: "log(softmax(x)), computed stably.", example: "log_softmax(tensor([1, 2, 3]))") { a in
            .tensor(try logSoftmax(try TensorMembers.checked(try a.tensor("x"), axis: try a.int("axis")), axis: try a.int("axis")))
        },
        BuiltinFunction("cross_entropy", "logits, targets", doc: "Mean cross-entropy of logits [N, K] against class indices.",
                        example: "cross_entropy(tensor([[2, 0], [0, 2]]), [0, 1])") { a in
            let targets: [Int]
            if case .tensor(let t) = a["targets"] { targets = t.scalars.map { $0.isFinite && Swift.abs($0) < 1e9 ? Int($0) : -1 } }
            else if let list = try a.intList("targets") { targets = list } else { throw a.fail("targets", "a list of class indices") }
            return .tensor(try crossEntropy(try a.tensor("logits"), targets: targets))
        },
    ]
}
