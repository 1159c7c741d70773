import Foundation
import M2Data
import Momentum2

/// The method: building it, pre-training it with the engine, evaluating a backbone.
enum MethodBuiltins {
    static let all: [BuiltinFunction] = [
        BuiltinFunction("momentum2_teacher",
                        "backbone, hidden=512, out=128, batch=64, steps=1000, m0=0.99, lr=nil, base_lr=0.05, warmup=0, teacher_bn=\"momentum\", ema=true, optimizer=\"sgd\", momentum=0.9, weight_decay=0.0001, seed=0, sync_bn=false",
                        doc: "The Momentum² Teacher around a ResNet backbone: student (backbone → projector → predictor) and EMA teacher (momentum BN), with schedules over `steps`. lr is absolute; otherwise base_lr·batch/256. Under mpirun it trains data-parallel over the ranks (`batch` is the global batch); sync_bn: BN over the whole global batch instead of each rank's.",
                        example: "let m2 = momentum2_teacher(backbone: resnet18(width: 16, channels: 1, stem: \"small\"), batch: 32, steps: 500)") { a in
            guard case .object(let bo as ModuleObject) = a["backbone"], let backbone = bo.module as? ResNet else {
                throw a.fail("backbone", "a ResNet (resnet18(…), resnet34(…), resnet50(…))")
            }
            guard backbone.config.classes == nil else { throw RuntimeFailure("momentum2_teacher: the backbone must return features; build it without classes:") }
            var c = MethodConfig(backbone: backbone.config, hidden: try a.positiveInt("hidden"), out: try a.positiveInt("out"),
                                 batch: try a.int("batch"), totalSteps: try a.int("steps"))
            guard c.hidden <= 65536, c.out <= 65536 else { throw RuntimeFailure("momentum2_teacher: hidden and out must be at most 65536") }
            // Student + teacher: two backbones, two projectors, one predictor.
            let (f, h, o) = (Double(backbone.featureDimension), Double(c.hidden), Double(c.out))
            try LayerBuiltins.checkParameters(2 * Double(backbone.parameterCount) + 2 * (f * h + h * o) + (o * h + h * o), a)
            c.baseMomentum = try a.double("m0")
            c.learningRate = a.isNil("lr") ? nil : try a.double("lr")
            c.baseLearningRate = try a.double("base_lr")
            c.warmupSteps = try a.int("warmup")
            c.teacherBN = try a.choice("teacher_bn", ["momentum", "plain"]) == "momentum" ? .momentum : .plain
            c.ema = try a.bool("ema")
            c.optimizer = try a.choice("optimizer", ["sgd", "lars"]) == "sgd" ? .sgd : .lars
            c.momentum = try a.double("momentum")
            c.weightDecay = try a.double("weight_decay")
            c.seed = try a.optionalSeed("seed") ?? 0
            c.syncBN = try a.bool("sync_bn")
            let m2 = try Momentum2Teacher(config: c)
            // Start from the given backbone's weights (it may have been trained or loaded).
            try m2.student.backbone.loadStateDict(Dictionary(uniqueKeysWithValues: backbone.stateDict()))
            try m2.teacher.copyParameters(from: m2.student)
            if let world = try DistributedBuiltins.world() {
                guard c.batch % world.size == 0 else {
                    throw RuntimeFailure("momentum2_teacher: a batch of \(c.batch) does not split evenly over \(world.size) ranks")
                }
                try m2.distribute(over: world)
            }
            return .object(try MethodObject(m2))
        },
        BuiltinFunction("pretrain", "m2, data, epochs=nil, steps=nil, minutes=nil, output=nil, test=nil, seed=0, log_every=20, verbose=true",
                        doc: "Pre-trains with the engine's loop (progress bar, metrics, atomic checkpoints in `output`, Ctrl-C stops after a checkpoint) for a budget, never past the method's total steps; returns {steps, seconds, loss, knn, stopped}.",
                        example: "pretrain(m2, data: data, epochs: 1)") { a in
            guard case .object(let o as MethodObject) = a["m2"] else { throw a.fail("m2", "a momentum2_teacher(…)") }
            let data = try a.dataset("data")
            let test: DatasetObject? = a.isNil("test") ? nil : try a.dataset("test")
            let budget = try PretrainBudget(a)
            let run = ScriptPretraining(method: o, data: data, test: test, budget: budget, output: a.isNil("output") ? nil : try a.string("output"),
                                        seed: try a.optionalSeed("seed") ?? 0, logEvery: try a.positiveInt("log_every"), interpreter: a.interpreter,
                                        verbose: try a.bool("verbose"))
            return try run.run()
        },
        BuiltinFunction("momentum2_loss", "q1, q2, k1, k2", doc: "The Momentum² loss: mean over rows of 4 − 2(⟨q̂1, k̂1⟩ + ⟨q̂2, k̂2⟩) with L2-normalized rows; k1, k2 (teacher outputs of the other view) get no gradient.",
                        example: "momentum2_loss(q1, q2, k1, k2)") { a in
            .tensor(try momentum2Loss(q1: try a.tensor("q1"), q2: try a.tensor("q2"), k1: try a.tensor("k1"), k2: try a.tensor("k2")))
        },
        BuiltinFunction("linear_eval", "backbone, train, test, probe=\"lbfgs\", l2=nil, epochs=nil, batch=nil, lr=nil",
                        doc: "Linear probe on frozen features (eval-mode backbone, evaluation views), standardized. probe \"lbfgs\": logistic regression solved to its optimum, its L2 strength chosen on a held-out 10% of `train` from 1e-1…1e-6 (or `l2` if given). probe \"sgd\": the earlier classifier trained by SGD for `epochs` (30) with `batch` (256) and `lr` (0.2). Returns {top1, top5, train_top1, probe, l2} on `test`.",
                        example: "print(linear_eval(m2.teacher.backbone, train: data, test: fashion_mnist(split: \"test\")))") { a in
            let probe = try probeArguments(a)
            let (tr, ftr, ltr, fte, lte) = try frozenFeatures(a, "linear_eval", needs: "the training data needs")
            let r = try probe.evaluate(train: ftr, trainLabels: ltr, test: fte, testLabels: lte, classes: tr.dataset.classCount, cancellation: a.interpreter.interrupt)
            return Convert.record([("top1", .double(r.top1)), ("top5", .double(r.top5)), ("train_top1", .double(r.trainTop1)),
                                   ("probe", .string(r.probe.rawValue)), ("l2", .double(r.l2))])
        },
        BuiltinFunction("knn_eval", "backbone, train, test, k=200, temperature=0.07",
                        doc: "Weighted k-nearest-neighbour accuracy (cosine similarity, temperature) of frozen features: `train` is the bank, `test` the queries.",
                        example: "knn_eval(m2.teacher.backbone, train: data, test: test, k: 20)") { a in
            let (tr, ftr, ltr, fte, lte) = try frozenFeatures(a, "knn_eval", needs: "the bank needs")
            let knn = KNNClassifier(k: try a.positiveInt("k"), temperature: try a.float("temperature"))
            return .double(try knn.accuracy(bank: ftr, bankLabels: ltr, queries: fte, queryLabels: lte, classes: tr.dataset.classCount))
        },
    ]
}

/// The probe linear_eval's arguments ask for; the SGD probe's settings with the L-BFGS probe
/// (or `l2` with SGD) are refused rather than ignored.
private func probeArguments(_ a: BoundArguments) throws -> any LinearProbe {
    let sgdOnly = ["epochs", "batch", "lr"].filter { !a.isNil($0) }
    switch try a.choice("probe", ProbeKind.allCases.map(\.rawValue)) {
    case ProbeKind.sgd.rawValue:
        guard a.isNil("l2") else { throw RuntimeFailure("linear_eval: l2 is the L-BFGS probe's; the SGD probe has no weight decay here") }
        var sgd = SGDProbe()
        if !a.isNil("epochs") { sgd.epochs = try a.positiveInt("epochs") }
        if !a.isNil("batch") { sgd.batch = try a.positiveInt("batch") }
        if !a.isNil("lr") { sgd.baseLearningRate = try a.double("lr") }
        return sgd
    default:
        guard sgdOnly.isEmpty else {
            throw RuntimeFailure("linear_eval: \(sgdOnly.joined(separator: ", ")) belong\(sgdOnly.count == 1 ? "s" : "") to the SGD probe; pass probe: \"sgd\" as well, or leave them out (the default probe solves the logistic regression to its optimum)")
        }
        if a.isNil("l2") { return LogisticProbe() }
        let l2 = try a.double("l2")
        guard l2 > 0, l2.isFinite else { throw RuntimeFailure("linear_eval: l2 must be a positive number, not \(l2)") }
        return LogisticProbe(l2Grid: [l2])
    }
}

/// The `backbone`'s frozen features of the `train` and `test` datasets (evaluation views),
/// for linear_eval and knn_eval; `train` must have at least two classes.
private func frozenFeatures(_ a: BoundArguments, _ name: String, needs: String) throws
    -> (train: DatasetObject, trainFeatures: Tensor, trainLabels: [Int], testFeatures: Tensor, testLabels: [Int]) {
    let net = try a.module("backbone")
    let (tr, te) = (try a.dataset("train"), try a.dataset("test"))
    guard tr.dataset.classCount > 1 else { throw RuntimeFailure("\(name): \(needs) labels of at least two classes") }
    let stop = a.interpreter.interrupt
    let (ftr, ltr) = try Features.extract(net, dataset: tr.dataset, pipeline: tr.evaluation, cancellation: stop)
    let (fte, lte) = try Features.extract(net, dataset: te.dataset, pipeline: te.evaluation, cancellation: stop)
    return (tr, ftr, ltr, fte, lte)
}
