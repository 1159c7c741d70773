import Foundation
import M2Script
import M2Tensor

/// MIME bundles (`{"text/plain": …, "image/svg+xml": …}`) for what a cell shows: its
/// result, its plots and images, its progress. Every bundle has a `text/plain` fallback, the
/// one terminals and `jupyter console` print.
enum RichDisplay {
    /// Tensors up to this many elements (and rank ≤ 2) are also shown as an HTML table.
    static let tableLimit = 400

    /// The bundle of a cell's result; nil for values that show nothing (`nil`). The text is
    /// the REPL's echo.
    static func result(_ value: Value) -> [String: JSON]? {
        guard let text = Echo.text(for: value) else { return nil }
        var data: [String: JSON] = ["text/plain": .string(text)]
        if case .tensor(let t) = value, let table = table(t) { data["text/html"] = .string(table) }
        return data
    }

    /// A tensor of rank 1 or 2 and at most ``tableLimit`` elements as an HTML table, with
    /// its shape and dtype as the caption.
    static func table(_ t: Tensor) -> String? {
        guard (1...2).contains(t.rank), t.count <= tableLimit, t.count > 0 else { return nil }
        let values = t.scalars.map { Value.widen($0) }
        let columns = t.shape.last ?? 1, rows = t.rank == 2 ? t.shape[0] : 1
        var html = "<table class=\"m2t-tensor\"><caption style=\"caption-side:bottom;text-align:left\">tensor, shape \(t.shape), \(Tensor.dtypeName)</caption>"
        for r in 0..<rows {
            html += "<tr>"
            for c in 0..<columns { html += "<td style=\"text-align:right;font-family:monospace\">\(number(values[r * columns + c]))</td>" }
            html += "</tr>"
        }
        return html + "</table>"
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return String(format: "%.4g", v)
    }

    /// A plot: the SVG the notebook pages draw, and the terminal's chart as text.
    static func plot(_ plot: Plot) -> [String: JSON] {
        ["image/svg+xml": .string(SVGPlotSink().svg(plot)),
         "text/plain": .string(TerminalPlotSink.chart(plot))]
    }

    /// An image as PNG (base64, as the protocol carries binary MIME types), with its
    /// description as text.
    static func picture(_ picture: Picture) -> [String: JSON] {
        var data: [String: JSON] = ["text/plain": .string(picture.summary)]
        if let png = try? picture.png() { data["image/png"] = .string(Data(png).base64EncodedString()) }
        return data
    }

    /// The progress display: a bar and the report's text.
    static func progress(text: String, fraction: Double) -> [String: JSON] {
        let f = min(max(fraction, 0), 1)
        let bar = ProgressReport.bar(f)
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return ["text/plain": .string("\(bar) \(text)"),
                "text/html": .string("<div><progress value=\"\(String(format: "%.4f", f))\" max=\"1\" style=\"width:12em;vertical-align:middle\"></progress> <code>\(escaped)</code></div>")]
    }
}
