/// What `plot(…)` hands to a renderer: one or more series of y values.
public struct Plot {
    /// The series, each a list of y values at x = 0, 1, 2…
    public var series: [[Double]]
    /// An optional caption.
    public var title: String?
    /// One name per series for a legend (may be shorter than `series`).
    public var labels: [String]
    /// Axis captions.
    public var xLabel: String?, yLabel: String?

    /// A plot; see the properties.
    public init(series: [[Double]], title: String? = nil, labels: [String] = [], xLabel: String? = nil, yLabel: String? = nil) {
        self.series = series
        self.title = title
        self.labels = labels
        self.xLabel = xLabel
        self.yLabel = yLabel
    }
}

/// Where plots and pictures go: the terminal by default; a notebook renderer captures them
/// as SVG, a Jupyter kernel sends them to the frontend.
public protocol PlotSink: AnyObject {
    /// Renders (or records) one plot.
    func render(_ plot: Plot)
    /// Shows (or records) one picture; sinks that cannot show images ignore it.
    func show(_ picture: Picture)
}

extension PlotSink {
    public func show(_ picture: Picture) {}
}

/// Draws plots in the terminal with Unicode block characters: a chart `height` rows tall
/// with the y range on the left, plus the first and last values.
public final class TerminalPlotSink: PlotSink {
    /// Receives the rendered text.
    public let output: (String) -> Void
    /// Rows of the chart.
    public var height: Int
    /// Maximum columns; longer series are averaged into buckets.
    public var width: Int

    /// A sink writing to `output`.
    public init(height: Int = 8, width: Int = 64, output: @escaping (String) -> Void) {
        self.output = output
        self.height = height
        self.width = width
    }

    public func render(_ plot: Plot) {
        output(TerminalPlotSink.chart(plot, height: height, width: width))
    }

    /// A terminal shows no pixels: one line says what the picture is.
    public func show(_ picture: Picture) {
        output("[\(picture.summary)]\n")
    }

    /// One-line sparkline: `▁▂▄█▆▃`.
    public static func sparkline(_ values: [Double], width: Int = 64) -> String {
        let ys = bucket(values.filter(\.isFinite), width)
        guard let lo = ys.min(), let hi = ys.max() else { return "" }
        let blocks = Array("▁▂▃▄▅▆▇█")
        return String(ys.map { hi > lo ? blocks[min(Int((($0 - lo) / (hi - lo)) * 7.999), 7)] : blocks[3] })
    }

    /// A multi-row chart of the first series (others are drawn as sparklines below).
    public static func chart(_ plot: Plot, height: Int = 8, width: Int = 64) -> String {
        var lines: [String] = []
        if let t = plot.title { lines.append(t) }
        guard let first = plot.series.first else { return (lines + ["(empty plot)"]).joined(separator: "\n") + "\n" }
        let ys = bucket(first.filter(\.isFinite), width)
        guard let lo = ys.min(), let hi = ys.max() else { return (lines + ["(no finite values)"]).joined(separator: "\n") + "\n" }
        let rows = max(height, 1)
        let eighths = Array(" ▁▂▃▄▅▆▇█")
        let label = { (v: Double) in String(format: "%10.4g", v) }
        for r in stride(from: rows - 1, through: 0, by: -1) {
            var line = r == rows - 1 ? label(hi) : r == 0 ? label(lo) : String(repeating: " ", count: 10)
            line += " ┤"
            for y in ys {
                let level = hi > lo ? (y - lo) / (hi - lo) * Double(rows * 8) : Double(rows * 4)
                let fill = min(max(Int(level.rounded()) - r * 8, 0), 8)
                line.append(eighths[r == 0 ? max(fill, 1) : fill])
            }
            lines.append(line)
        }
        lines.append(String(repeating: " ", count: 11) + "└" + String(repeating: "─", count: ys.count))
        lines.append(String(repeating: " ", count: 12) + "\(first.count) points, first \(Value.format(first.first ?? 0)), last \(Value.format(first.last ?? 0))")
        for s in plot.series.dropFirst() { lines.append(String(repeating: " ", count: 12) + sparkline(s, width: width)) }
        if !plot.labels.isEmpty { lines.append(String(repeating: " ", count: 12) + "series: " + plot.labels.joined(separator: ", ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Averages values into at most `width` buckets.
    static func bucket(_ values: [Double], _ width: Int) -> [Double] {
        let w = max(width, 1)
        guard values.count > w else { return values }
        return (0..<w).map { i in
            let a = i * values.count / w, b = max((i + 1) * values.count / w, a + 1)
            return values[a..<b].reduce(0, +) / Double(b - a)
        }
    }
}

import Foundation
