import Foundation

/// Everything besides tensors that an exact resume needs.
public struct TrainerState: Codable, Sendable, Equatable {
    /// Optimizer steps completed.
    public var step: Int
    /// The model and optimization settings.
    public var method: MethodConfig
    /// The loader's position (epoch, index within it, seed), encoded by the data layer.
    public var loader: LoaderState?
    /// Momentum-BN state of every teacher BN layer, by dotted path.
    public var teacherBN: [String: BatchNorm.MomentumState]
    /// The loss of the last step taken.
    public var lastLoss: TensorScalar?
    /// Seconds of training so far.
    public var elapsed: Double
    /// Ranks of the data-parallel run that wrote the checkpoint (nil: one process). A run
    /// may resume with another number: the data order is global.
    public var worldSize: Int?
    /// Free-form settings of the run: `m2t pretrain` records its experiment here
    /// (``experiment``), for `m2t eval` and `--resume`.
    public var run: [String: String] = [:]

    /// A state; `run` holds the run's own settings.
    public init(step: Int, method: MethodConfig, loader: LoaderState?, teacherBN: [String: BatchNorm.MomentumState],
                lastLoss: TensorScalar?, elapsed: Double, run: [String: String] = [:]) {
        (self.step, self.method, self.loader, self.teacherBN, self.lastLoss, self.elapsed, self.run)
            = (step, method, loader, teacherBN, lastLoss, elapsed, run)
    }
}

/// A run read back from a checkpoint by ``Checkpoint/restore(_:)``.
public struct RestoredRun {
    /// The method with every tensor, counter and BN state of the checkpoint.
    public let m2: Momentum2Teacher
    /// The trainer state the checkpoint recorded.
    public let state: TrainerState
    /// The experiment `m2t pretrain` recorded (nil for a run of the language's `pretrain`,
    /// which records none).
    public var experiment: ExperimentConfig? { state.experiment }
}

/// Checkpoints of a run: one safetensors file holding the student (`student.…`), the teacher
/// (`teacher.…`) and the optimizer buffers (`optimizer.<parameter>`), with the trainer state
/// as JSON in its metadata and a checksum of the data; a JSON sidecar repeats the state for
/// people. Both are written atomically (temporary file + rename).
public enum Checkpoint {
    /// Saves `m2` and `state` to `url` (and `url` with extension `.json`).
    public static func save(_ m2: Momentum2Teacher, state: TrainerState, to url: URL) throws {
        var tensors = m2.student.stateDict(prefix: "student.") + m2.teacher.stateDict(prefix: "teacher.")
        for (p, b) in zip(m2.student.namedParameters(), m2.optimizer.stateTensors) {
            if let b { tensors.append(("optimizer.\(p.name)", b)) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stateJSON = String(decoding: try encoder.encode(state), as: UTF8.self)
        let data = try SafeTensors.encode(tensors, metadata: ["format": "m2t-checkpoint-1", "trainer_state": stateJSON,
                                                              "checksum": checksum(of: tensors), "dtype": Tensor.dtypeName])
        try writeAtomically(data, to: url)
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try writeAtomically(try encoder.encode(state), to: url.deletingPathExtension().appendingPathExtension("json"))
    }

    /// FNV-1a over every tensor's key and the bytes of its elements, in key order, as hex.
    static func checksum(of tensors: [(String, Tensor)]) -> String { String(checksumValue(of: tensors), radix: 16) }

    /// FNV-1a over every tensor's key and the bytes of its elements, in key order.
    static func checksumValue(of tensors: [(String, Tensor)]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for (k, t) in tensors.sorted(by: { $0.0 < $1.0 }) {
            for b in k.utf8 { mix(b) }
            for v in t.scalars { var bits = v.bitPattern; for _ in 0..<MemoryLayout<TensorScalar>.size { mix(UInt8(bits & 0xff)); bits >>= 8 } }
        }
        return h
    }

    /// Reads a checkpoint, verifying its structure and checksum.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], state: TrainerState) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw StateDictError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try read(data, url: url)
    }

    /// Decodes a checkpoint's bytes (read from `url`), verifying its structure and checksum.
    static func read(_ data: Data, url: URL) throws -> (tensors: [String: Tensor], state: TrainerState) {
        let (tensors, metadata) = try SafeTensors.decode(data, file: url.path)
        guard metadata["format"] == "m2t-checkpoint-1", let json = metadata["trainer_state"] else {
            throw TrainingError.badCheckpoint(reason: "\(url.path) is not an m2t checkpoint (no trainer state in its metadata)")
        }
        // The checksum covers the elements at the writer's precision; a checkpoint of the other
        // build cannot be verified here (its tensors alone load anywhere: SafeTensors, eval).
        let written = metadata["dtype"] ?? "float32"
        guard written == Tensor.dtypeName else {
            throw TrainingError.badCheckpoint(reason: "\(url.path) was written by the \(written) build and this is the \(Tensor.dtypeName) build; resume or evaluate it with the \(written) build (docs/numerics.md)")
        }
        let ordered = tensors.map { ($0.key, $0.value) }
        guard metadata["checksum"] == checksum(of: ordered) else {
            throw TrainingError.badCheckpoint(reason: "\(url.path): checksum mismatch, the file is corrupt")
        }
        do {
            return (tensors, try JSONDecoder().decode(TrainerState.self, from: Data(json.utf8)))
        } catch {
            throw TrainingError.badCheckpoint(reason: "\(url.path): trainer state unreadable: \(error)")
        }
    }

    /// Reads a checkpoint once and builds the method from it, restoring every tensor, counter
    /// and BN state: what both `--resume` and `m2t eval` start from.
    /// - Parameter group: in a data-parallel run, rank 0 reads the file and every rank
    ///   restores from its bytes (other machines need not see the file).
    public static func restore(_ url: URL, group: ProcessGroup? = nil) throws -> RestoredRun {
        let (tensors, state): ([String: Tensor], TrainerState)
        if let group {
            let bytes = try group.shareFromRoot { [UInt8](try Data(contentsOf: url)) }
            (tensors, state) = try read(Data(bytes), url: url)
        } else {
            (tensors, state) = try read(url)
        }
        let m2 = try Momentum2Teacher(config: state.method)
        try m2.student.loadStateDict(tensors, strict: true, prefix: "student.")
        try m2.teacher.loadStateDict(tensors, strict: true, prefix: "teacher.")
        let buffers = m2.student.namedParameters().map { tensors["optimizer.\($0.name)"] }
        try m2.restore(step: state.step, optimizerState: buffers)
        for (path, bn) in m2.teacher.batchNorms {
            if let s = state.teacherBN[path] { bn.momentumState = s }
        }
        return RestoredRun(m2: m2, state: state)
    }

    /// The teacher BN states of `m2`, by path.
    public static func teacherBNStates(_ m2: Momentum2Teacher) -> [String: BatchNorm.MomentumState] {
        Dictionary(uniqueKeysWithValues: m2.teacher.batchNorms.map { ($0.name, $0.layer.momentumState) })
    }

    /// Exports one backbone as torchvision-compatible safetensors (no prefix).
    public static func exportBackbone(_ backbone: ResNet, to url: URL) throws {
        try backbone.save(to: url, metadata: ["format": "torchvision-resnet", "arch": "resnet\(backbone.config.depth)"])
    }
}
