import Foundation

/// One row of the results table.
public struct ResultRow: Codable, Sendable {
    public var name: String
    public var top1: Double
    public var top5: Double
    public var knnTop1: Double?
}

/// What an experiment produced.
public struct ExperimentResult: Codable, Sendable {
    public var training: TrainingSummary?
    public var rows: [ResultRow]
    public var config: ExperimentConfig

    public init(training: TrainingSummary?, rows: [ResultRow], config: ExperimentConfig) {
        (self.training, self.rows, self.config) = (training, rows, config)
    }

    /// The table as aligned text.
    public var table: String {
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? fill + s : s + fill
        }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "-" }
        let w = max(28, rows.map(\.name.count).max() ?? 0)
        var out = pad("representation", w) + pad("top-1", 9, left: true) + pad("top-5", 9, left: true) + pad("kNN", 9, left: true) + "\n"
        out += String(repeating: "-", count: w + 27) + "\n"
        for r in rows {
            out += pad(r.name, w) + pad(pct(r.top1), 9, left: true) + pad(pct(r.top5), 9, left: true) + pad(pct(r.knnTop1), 9, left: true) + "\n"
        }
        return out
    }
}

