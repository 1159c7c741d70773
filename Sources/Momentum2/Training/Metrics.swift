import Foundation

/// One line of the metrics file (JSONL): a logged step, or an evaluation.
public struct MetricRecord: Codable, Sendable, Equatable {
    public var kind: String
    public var step: Int
    public var epoch: Int
    public var loss: TensorScalar?
    public var learningRate: TensorScalar?
    public var teacherMomentum: TensorScalar?
    public var bnMomentum: TensorScalar?
    public var outputStd: TensorScalar?
    public var imagesPerSecond: Double?
    public var knnTop1: Double?
    public var seconds: Double?
    public var elapsed: Double

    public init(kind: String, step: Int, epoch: Int, elapsed: Double) {
        (self.kind, self.step, self.epoch, self.elapsed) = (kind, step, epoch, elapsed)
    }
}

/// Appends records to a JSONL file and keeps them in memory for `history(…)`.
public final class MetricsLog {
    public private(set) var records: [MetricRecord] = []
    private let handle: FileHandle?

    /// A log writing to `url` (created or appended), or in memory only when nil.
    public init(url: URL?, keeping existing: [MetricRecord] = []) throws {
        records = existing
        if let url {
            if !FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            handle = try FileHandle(forWritingTo: url)
            handle?.seekToEndOfFile()
        } else {
            handle = nil
        }
    }

    deinit { try? handle?.close() }

    public func append(_ r: MetricRecord) {
        records.append(r)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        if let data = try? e.encode(r) { handle?.write(data + Data([0x0A])) }
    }

    /// Reads a JSONL metrics file (lines that do not parse are skipped).
    public static func read(_ url: URL) -> [MetricRecord] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(MetricRecord.self, from: Data($0.utf8)) }
    }

    /// The values of one field over the step records (`"loss"`, `"lr"`, `"m"`, `"alpha"`, `"std"`, `"knn"`).
    public func history(_ field: String) -> [Double] {
        records.compactMap { r -> Double? in
            switch field {
            case "loss": return r.loss.map { Double($0) }
            case "lr", "learning_rate": return r.learningRate.map { Double($0) }
            case "m", "teacher_momentum": return r.teacherMomentum.map { Double($0) }
            case "alpha", "bn_momentum": return r.bnMomentum.map { Double($0) }
            case "std", "output_std": return r.outputStd.map { Double($0) }
            case "knn": return r.knnTop1
            case "images_per_s": return r.imagesPerSecond
            default: return nil
            }
        }
    }
}
