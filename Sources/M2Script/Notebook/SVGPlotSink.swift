import Foundation

/// A ``PlotSink`` that records plots as inline SVG: a line chart per plot with axes, “nice”
/// ticks (1–2–5 steps), grid lines, tick labels, optional axis captions, a title and a legend
/// when the plot names its series. Non-finite values break the line.
///
/// ```swift
/// let sink = SVGPlotSink()
/// let session = Session(output: { _ in }, plotSink: sink)
/// _ = session.run(source: "plot([1, 4, 9])")
/// let svg = sink.take()[0]        // "<svg …>…</svg>"
/// ```
public final class SVGPlotSink: PlotSink {
    /// SVG text of the plots rendered since the last ``take()``.
    public private(set) var pending: [String] = []
    /// Size of the drawing in SVG user units.
    public var width = 640.0, height = 300.0

    /// Colours of successive series (colour-blind friendly, Okabe–Ito).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    public init() {}

    public func render(_ plot: Plot) { pending.append(svg(plot)) }

    /// A picture becomes an `<svg>` holding the PNG as a `data:` URI, so the page stays one
    /// file.
    public func show(_ picture: Picture) {
        guard let png = try? picture.png() else { return }
        let (w, h) = (Double(picture.image.width), Double(picture.image.height))
        var out = "<svg class=\"picture\" viewBox=\"0 0 \(f(w)) \(f(h))\" width=\"\(f(w))\" height=\"\(f(h))\" role=\"img\">"
        out += "<title>\(Markdown.escape(picture.summary))</title>"
        out += "<image width=\"\(f(w))\" height=\"\(f(h))\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/>"
        pending.append(out + "</svg>")
    }

    /// Returns the recorded SVG and forgets it.
    public func take() -> [String] {
        defer { pending = [] }
        return pending
    }

    /// One plot as an `<svg>` element.
    public func svg(_ plot: Plot) -> String {
        let legend = !plot.labels.isEmpty
        let left = 64.0, right = 16.0, top = plot.title == nil ? 16.0 : 34.0
        let bottom = (plot.xLabel == nil ? 30.0 : 48.0) + (legend ? 22.0 : 0)
        let pw = width - left - right, ph = height - top - bottom
        let finite = plot.series.flatMap { $0.filter(\.isFinite) }
        let count = plot.series.map(\.count).max() ?? 0
        var out = "<svg class=\"plot\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\">"
        if let t = plot.title { out += "<title>\(Markdown.escape(t))</title>" }
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        if let t = plot.title {
            out += text(width / 2, 20, t, anchor: "middle", cls: "plot-title")
        }
        guard var lo = finite.min(), var hi = finite.max(), count > 0 else {
            out += text(width / 2, height / 2, "no finite values", anchor: "middle", cls: "plot-label")
            return out + "</svg>"
        }
        if hi == lo { let pad = Swift.max(abs(lo) * 0.1, 0.5); lo -= pad; hi += pad }
        let yTicks = SVGPlotSink.ticks(lo, hi, 5)
        lo = Swift.min(lo, yTicks.first ?? lo); hi = Swift.max(hi, yTicks.last ?? hi)
        let xMax = Double(Swift.max(count - 1, 1))
        let xTicks = SVGPlotSink.ticks(0, xMax, 6).filter { $0 >= 0 && $0 <= xMax && $0 == $0.rounded() }
        let sx = { (x: Double) in left + x / xMax * pw }
        let sy = { (y: Double) in top + (1 - (y - lo) / (hi - lo)) * ph }

        // Grid, ticks and tick labels.
        for y in yTicks where y >= lo && y <= hi {
            out += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(sy(y)))\" x2=\"\(f(left + pw))\" y2=\"\(f(sy(y)))\"/>"
            out += "<line class=\"axis\" x1=\"\(f(left - 5))\" y1=\"\(f(sy(y)))\" x2=\"\(f(left))\" y2=\"\(f(sy(y)))\"/>"
            out += text(left - 8, sy(y) + 4, SVGPlotSink.label(y, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1), anchor: "end", cls: "tick")
        }
        for x in xTicks {
            out += "<line class=\"axis\" x1=\"\(f(sx(x)))\" y1=\"\(f(top + ph))\" x2=\"\(f(sx(x)))\" y2=\"\(f(top + ph + 5))\"/>"
            out += text(sx(x), top + ph + 18, SVGPlotSink.label(x, step: 1), anchor: "middle", cls: "tick")
        }
        out += "<polyline class=\"axis\" fill=\"none\" points=\"\(f(left)),\(f(top)) \(f(left)),\(f(top + ph)) \(f(left + pw)),\(f(top + ph))\"/>"
        if let xl = plot.xLabel { out += text(left + pw / 2, top + ph + 38, xl, anchor: "middle", cls: "plot-label") }
        if let yl = plot.yLabel {
            out += "<text class=\"plot-label\" text-anchor=\"middle\" transform=\"translate(14 \(f(top + ph / 2))) rotate(-90)\">\(Markdown.escape(yl))</text>"
        }

        // The series: one path each, broken at non-finite values; single points as dots.
        for (n, series) in plot.series.enumerated() {
            let colour = SVGPlotSink.palette[n % SVGPlotSink.palette.count]
            let points = SVGPlotSink.thin(series, to: Int(pw))
            var d = "", penDown = false, dots = ""
            for (x, y) in points {
                guard y.isFinite else { penDown = false; continue }
                d += (penDown ? "L" : "M") + "\(f(sx(x))) \(f(sy(y)))"
                penDown = true
            }
            if points.filter({ $0.1.isFinite }).count == 1, let p = points.first(where: { $0.1.isFinite }) {
                dots = "<circle cx=\"\(f(sx(p.0)))\" cy=\"\(f(sy(p.1)))\" r=\"3\" fill=\"\(colour)\"/>"
            }
            out += "<path class=\"series\" d=\"\(d)\" stroke=\"\(colour)\" fill=\"none\"/>" + dots
        }
        if legend {
            var x = left
            let y = height - 10
            for (n, name) in plot.labels.enumerated() {
                let colour = SVGPlotSink.palette[n % SVGPlotSink.palette.count]
                out += "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 18))\" y2=\"\(f(y - 4))\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
                out += text(x + 24, y, name, anchor: "start", cls: "legend")
                x += 40 + Double(name.count) * 7
            }
        }
        return out + "</svg>"
    }

    func text(_ x: Double, _ y: Double, _ s: String, anchor: String, cls: String) -> String {
        "<text class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\">\(Markdown.escape(s))</text>"
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// At most about `limit` (x, y) points: longer series are averaged in buckets.
    static func thin(_ ys: [Double], to limit: Int) -> [(Double, Double)] {
        let w = Swift.max(limit, 2)
        guard ys.count > w else { return ys.enumerated().map { (Double($0.offset), $0.element) } }
        return (0..<w).map { i in
            let a = i * ys.count / w, b = Swift.max((i + 1) * ys.count / w, a + 1)
            let slice = ys[a..<b]
            let finite = slice.filter(\.isFinite)
            let mean = finite.isEmpty ? Double.nan : finite.reduce(0, +) / Double(finite.count)
            return (Double(a + b - 1) / 2, mean)
        }
    }

    /// Round tick positions covering [lo, hi] with about `target` steps of 1, 2 or 5 × 10ⁿ.
    public static func ticks(_ lo: Double, _ hi: Double, _ target: Int) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(Swift.max(target, 1))
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        let start = floor(lo / step) * step, end = ceil(hi / step) * step
        var out: [Double] = []
        var v = start
        while v <= end + step * 1e-9, out.count < 50 {
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return out
    }

    /// A tick label with as many decimals as the step needs.
    static func label(_ v: Double, step: Double) -> String {
        if abs(v) >= 1e5 || (abs(v) < 1e-3 && v != 0) { return String(format: "%.2g", v) }
        let decimals = step >= 1 ? 0 : Swift.min(Int(ceil(-log10(step) - 1e-9)), 6)
        return String(format: "%.\(decimals)f", v)
    }
}
