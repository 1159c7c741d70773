import Foundation

/// One line of the metrics file (JSONL): a logged step (`kind` "step") or a kNN monitor run
/// (`kind` "knn").
public struct MetricRecord: Codable, Sendable, Equatable {
    /// `"step"` for a logged step, `"knn"` for a kNN monitor run.
    public var kind: String
    /// The step index k of the record.
    public var step: Int
    /// The loader's epoch (0-based) when the record was made.
    public var epoch: Int
    /// The step's loss (step records).
    public var loss: TensorScalar?
    /// The step's learning rate (step records).
    public var learningRate: TensorScalar?
    /// The step's teacher EMA momentum m_k (step records).
    public var teacherMomentum: TensorScalar?
    /// The teacher's momentum-BN α at the step, 1 with plain BN (step records).
    public var bnMomentum: TensorScalar?
    /// Mean per-dimension batch std of the normalized student outputs; near 0 means collapse
    /// (step records).
    public var outputStd: TensorScalar?
    /// Training images per second over the last second or so (step records).
    public var imagesPerSecond: Double?
    /// Top-1 kNN accuracy of the teacher backbone, in [0, 1] (knn records).
    public var knnTop1: Double?
    /// Seconds the monitor run took.
    public var seconds: Double?
    /// Seconds of training when the record was made.
    public var elapsed: Double

    /// An empty record of `kind`.
    public init(kind: String, step: Int, epoch: Int, elapsed: Double) {
        (self.kind, self.step, self.epoch, self.elapsed) = (kind, step, epoch, elapsed)
    }

    /// The record of a step: its loss and schedules, with where and how fast it ran.
    public init(_ r: StepResult, epoch: Int = 0, elapsed: Double = 0, imagesPerSecond: Double? = nil) {
        self.init(kind: "step", step: r.step, epoch: epoch, elapsed: elapsed)
        (loss, learningRate, teacherMomentum, bnMomentum, outputStd, self.imagesPerSecond)
            = (r.loss, r.learningRate, r.teacherMomentum, r.bnMomentum, r.outputStd, imagesPerSecond)
    }

    /// The names ``value(of:)`` knows, as `history(…)` takes them.
    public static let fields = ["loss", "lr", "m", "alpha", "std", "knn", "images_per_s"]

    /// One field of the record, or nil when it does not carry it. Stored Float32 values
    /// widen through their shortest decimal form, so a learning rate of 0.6 reads 0.6 and
    /// not 0.6000000238.
    public func value(of field: String) -> Double? {
        func widened(_ x: TensorScalar?) -> Double? { x.map(ScalarMath.widened) }
        switch field {
        case "loss": return widened(loss)
        case "lr", "learning_rate": return widened(learningRate)
        case "m", "teacher_momentum": return widened(teacherMomentum)
        case "alpha", "bn_momentum": return widened(bnMomentum)
        case "std", "output_std": return widened(outputStd)
        case "knn": return knnTop1
        case "images_per_s": return imagesPerSecond
        default: return nil
        }
    }
}

/// Appends records to a JSONL file and keeps them in memory for `history(…)`.
public final class MetricsLog {
    /// Every record, oldest first, those the log was created with included.
    public private(set) var records: [MetricRecord] = []
    private let handle: FileHandle?

    /// A log appending to `url` (created with its folder if missing), or in memory only
    /// when nil; `existing` records are kept in memory, not written again.
    public init(url: URL?, keeping existing: [MetricRecord] = []) throws {
        records = existing
        if let url {
            if !FileManager.default.fileExists(atPath: url.path) { try MetricsLog.rewrite(url, with: []) }
            handle = try FileHandle(forWritingTo: url)
            handle?.seekToEndOfFile()
        } else {
            handle = nil
        }
    }

    deinit { try? handle?.close() }

    /// Adds a record (and its line to the file).
    public func append(_ r: MetricRecord) {
        records.append(r)
        handle?.write(Data(MetricsLog.line(r).utf8))
    }

    /// Replaces the file at `url` with `records`, atomically (creating its folder).
    public static func rewrite(_ url: URL, with records: [MetricRecord]) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try writeAtomically(Data(records.map(line).joined().utf8), to: url)
    }

    /// Reads a JSONL metrics file (lines that do not parse are skipped).
    public static func read(_ url: URL) -> [MetricRecord] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(MetricRecord.self, from: Data($0.utf8)) }
    }

    /// The values of one field (see ``MetricRecord/fields``) over the records that carry it.
    public func history(_ field: String) -> [Double] {
        records.compactMap { $0.value(of: field) }
    }

    private static func line(_ r: MetricRecord) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return ((try? e.encode(r)).map { String(decoding: $0, as: UTF8.self) } ?? "") + "\n"
    }
}
