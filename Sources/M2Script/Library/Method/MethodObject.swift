import Foundation
import M2Data
import Momentum2

/// The Momentum² Teacher as a script value, usable step by step (`views`, `ema_update`,
/// `student`, `teacher`, `loss`, `optimizer_step`) or one step at a time (`step`), with the
/// history of every logged step for `plot(m2.history("loss"))`.
final class MethodObject: ScriptObject {
    let m2: Momentum2Teacher
    /// Steps taken through `step(…)` and `pretrain`, for ``history(_:)``.
    let log: MetricsLog
    /// Calls of `views(…)` so far: each call draws new augmentations.
    private var viewCalls: UInt64 = 0

    init(_ m2: Momentum2Teacher) throws {
        self.m2 = m2
        log = try MetricsLog(url: nil)
    }

    var typeName: String { "Momentum2Teacher" }

    var memberNames: [String] {
        ["student", "teacher", "step_count", "total_steps", "lr", "momentum", "alpha", "config", "optimizer"] + MethodObject.methods.names
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "student": return ModuleObject.wrap(m2.student)
        case "teacher": return ModuleObject.wrap(m2.teacher)
        case "step_count": return .int(m2.step)
        case "total_steps": return .int(m2.config.totalSteps)
        case "lr": return .double(m2.config.learningRate(step: m2.step))
        case "momentum": return .double(m2.config.teacherMomentum(step: m2.step))
        case "alpha": return Convert.number(m2.teacherBNMomentum)
        case "optimizer": return .object(OptimizerObject(m2.optimizer, typeName: m2.config.optimizer.rawValue.uppercased()))
        case "config": return MethodObject.configRecord(m2.config)
        default: return MethodObject.methods.bind(self, name, typeName: typeName)
        }
    }

    static func stepRecord(_ r: StepResult) -> Value {
        Convert.record([("loss", Convert.number(r.loss)), ("lr", Convert.number(r.learningRate)), ("m", Convert.number(r.teacherMomentum)),
                        ("alpha", Convert.number(r.bnMomentum)), ("std", Convert.number(r.outputStd)), ("step", .int(r.step))])
    }

    static func configRecord(_ c: MethodConfig) -> Value {
        Convert.record([("backbone", .string("resnet\(c.backbone.depth)")), ("width", .int(c.backbone.width)), ("channels", .int(c.backbone.inChannels)),
                        ("stem", .string(c.backbone.stem.rawValue)), ("hidden", .int(c.hidden)), ("out", .int(c.out)), ("batch", .int(c.batch)),
                        ("steps", .int(c.totalSteps)), ("m0", .double(c.baseMomentum)), ("lr", .double(c.peakLearningRate)),
                        ("warmup", .int(c.warmupSteps)), ("teacher_bn", .string(c.teacherBN.rawValue)), ("ema", .bool(c.ema)),
                        ("optimizer", .string(c.optimizer.rawValue)), ("weight_decay", .double(c.weightDecay))])
    }

    /// The fields `history(…)` offers (the metrics' own, but images/s, which only the
    /// trainer's records carry).
    static let historyFields = MetricRecord.fields.filter { $0 != "images_per_s" }

    static let methods = MethodTable<MethodObject>()
        .method("views", "batch, seed=nil", doc: "Two augmented views (x1, x2) of a batch's images, with the dataset's Momentum² pipelines (small-image preset for ≤ 64 px).",
                example: "let (x1, x2) = m2.views(data.batch(32, seed: 1))") { o, a in
            guard case .object(let b as BatchObject) = a["batch"] else { throw a.fail("batch", "a batch (data.batch(n))") }
            let seed = try a.optionalSeed("seed") ?? (b.seed &+ o.viewCalls &* 0x9E37_79B9_7F4A_7C15)
            o.viewCalls += 1
            let loader = try DataLoader(dataset: b.picked, batchSize: b.indices.count, views: .pair(b.source.views), shuffle: false, dropLast: false,
                                        seed: seed, workers: 0)
            guard let (x1, x2, _) = try loader.nextPair() else { throw RuntimeFailure("views: empty batch") }
            return .tuple([.tensor(x1), .tensor(x2)])
        }
        .method("ema_update", "", doc: "θ_teacher ← m·θ_teacher + (1−m)·θ_student with m from the cosine schedule m₀ → 1; returns m.",
                example: "m2.ema_update()") { o, _ in .double(try o.m2.emaUpdate()) }
        .method("loss", "q1, q2, k1, k2", doc: "mean(4 − 2(⟨q1, k1⟩ + ⟨q2, k2⟩)): q from the student, k1 = teacher(x2), k2 = teacher(x1).",
                example: "let loss = m2.loss(q1, q2, k1, k2)") { o, a in
            .tensor(try o.m2.loss(q1: try a.tensor("q1"), q2: try a.tensor("q2"), k1: try a.tensor("k1"), k2: try a.tensor("k2")))
        }
        .method("optimizer_step", "", doc: "Sets the scheduled learning rate, applies the optimizer, clears gradients, advances the step; returns the lr.",
                example: "loss.backward(); m2.optimizer_step()") { o, _ in Convert.number(try o.m2.optimizerStep()) }
        .method("step", "x1, x2", doc: "One whole step (EMA, student and teacher on both views, loss, backward, optimizer); returns {loss, lr, m, alpha, std, step}.",
                example: "let r = m2.step(x1, x2)") { o, a in
            let r = try o.m2.step(try a.tensor("x1"), try a.tensor("x2"))
            o.log.append(MetricRecord(r))
            return stepRecord(r)
        }
        .method("history", "field=\"loss\"", doc: "The values of one field (\"loss\", \"lr\", \"m\", \"alpha\", \"std\", \"knn\") over the steps taken by step() and pretrain().",
                example: "plot(m2.history(\"loss\"))") { o, a in
            .list(ListBox(o.log.history(try a.choice("field", historyFields)).map(Value.double)))
        }

    var description: String {
        let c = m2.config
        return "Momentum2Teacher(resnet\(c.backbone.depth) width \(c.backbone.width), heads \(c.hidden)→\(c.out), batch \(c.batch), step \(m2.step)/\(c.totalSteps), " +
            "teacher BN \(c.teacherBN.rawValue)\(c.ema ? "" : ", no EMA"))"
    }
}
