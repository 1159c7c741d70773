import M2Tensor

/// plot, show and sparkline.
enum PlotBuiltins {
    /// A list of numbers, a 1-D tensor, or a list of such (several series).
    static func series(_ v: Value) throws -> [[Double]] {
        if case .tensor(let t) = v { return [t.scalars.map(Value.widen)] }
        guard let items = v.sequenceItems else { throw RuntimeFailure("plot: expected a list of numbers or a tensor, not \(v.typeName)") }
        if items.allSatisfy({ $0.asDouble != nil && $0.sequenceItems == nil }) { return [items.compactMap(\.asDouble)] }
        return try items.flatMap { try series($0) }
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("plot", "values, title=nil, labels=nil, xlabel=nil, ylabel=nil",
                        doc: "Draws values (a list, a 1-D tensor, or a list of series) as a chart; `labels` names the series, `xlabel`/`ylabel` the axes.",
                        example: "plot([1, 4, 9, 16], title: \"squares\")") { a in
            let text = { (name: String) in a.isNil(name) ? nil : a[name].description }
            var labels: [String] = []
            if !a.isNil("labels") {
                guard let items = a["labels"].sequenceItems else { throw a.fail("labels", "a list of names") }
                labels = items.map(\.description)
            }
            let plot = Plot(series: try series(a["values"]), title: text("title"), labels: labels,
                            xLabel: text("xlabel"), yLabel: text("ylabel"))
            a.interpreter.plotSink.render(plot)
            return .nil
        },
        BuiltinFunction("show", "images, title=nil, scale=nil",
                        doc: "Draws a tensor as a picture: [H, W], [C, H, W] or a batch [N, C, H, W] (C = 1 or 3) in a grid, each image scaled from its minimum (black) to its maximum (white); a notebook shows the pixels, a terminal one line.",
                        example: "show(m2.views(data.batch(8, seed: 1))[0], title: \"view 1\")") { a in
            let title = a.isNil("title") ? nil : a["title"].description
            let picture = try Picture(try a.tensor("images"), title: title, scale: try a.optionalInt("scale"))
            a.interpreter.plotSink.show(picture)
            return .nil
        },
        BuiltinFunction("sparkline", "values", doc: "A one-line Unicode chart of the values, as a string.",
                        example: "print(sparkline([1, 3, 2, 5]))") { a in
            .string(TerminalPlotSink.sparkline(try series(a["values"]).first ?? []))
        },
    ]
}
