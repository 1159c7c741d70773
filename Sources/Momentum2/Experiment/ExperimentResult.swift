import Foundation

/// One row of the results table.
public struct ResultRow: Codable, Sendable {
    /// The representation evaluated (`"Momentum² teacher backbone"`, `"raw pixels"`, …).
    public var name: String
    /// Linear-probe top-1 accuracy on the test split, in [0, 1].
    public var top1: Double
    /// Linear-probe top-5 accuracy on the test split, in [0, 1].
    public var top5: Double
    /// kNN top-1 accuracy on the test split with the whole training split as bank, in [0, 1]
    /// (nil: not measured).
    public var knnTop1: Double?
    /// The probe that measured top-1 and top-5 (nil in results written before there was a choice: SGD).
    public var probe: ProbeKind?
    /// The probe's L2 strength (L-BFGS: chosen on held-out data).
    public var l2: Double?

    /// A row of the table.
    public init(name: String, top1: Double, top5: Double, knnTop1: Double? = nil, probe: ProbeKind? = nil, l2: Double? = nil) {
        (self.name, self.top1, self.top5, self.knnTop1, self.probe, self.l2) = (name, top1, top5, knnTop1, probe, l2)
    }
}

/// What an experiment produced.
public struct ExperimentResult: Codable, Sendable {
    /// The pre-training summary (nil when a checkpoint was only evaluated).
    public var training: TrainingSummary?
    /// One row per evaluated representation, the pre-trained backbone first.
    public var rows: [ResultRow]
    /// The experiment that produced it.
    public var config: ExperimentConfig
    /// The OpenBLAS kernel family that computed it (``BLASKernels``): the digits are the same
    /// on every machine with the same family and thread count (nil in results written before
    /// it was recorded).
    public var blasKernels: String?

    /// A result of `config`, computed with the BLAS kernels `blasKernels` (default: this process's).
    public init(training: TrainingSummary?, rows: [ResultRow], config: ExperimentConfig, blasKernels: String? = BLASKernels.name) {
        (self.training, self.rows, self.config, self.blasKernels) = (training, rows, config, blasKernels)
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

