import M2Tensor

/// plot and sparkline.
enum PlotBuiltins {
    /// A list of numbers, a 1-D tensor, or a list of such (several series).
    static func series(_ v: Value) throws -> [[Double]] {
        if case .tensor(let t) = v { return [t.scalars.map(Value.widen)] }
        guard let items = v.sequenceItems else { throw RuntimeFailure("plot: expected a list of numbers or a tensor, not \(v.typeName)") }
        if items.allSatisfy({ $0.asDouble != nil && $0.sequenceItems == nil }) { return [items.compactMap(\.asDouble)] }
        return try items.flatMap { try series($0) }
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("plot", "values, title=nil", doc: "Draws values (a list, a 1-D tensor, or a list of series) as a chart.",
                        example: "plot([1, 4, 9, 16], title: \"squares\")") { a in
            let plot = Plot(series: try series(a["values"]), title: a.isNil("title") ? nil : a["title"].description)
            a.interpreter.plotSink.render(plot)
            return .nil
        },
        BuiltinFunction("sparkline", "values", doc: "A one-line Unicode chart of the values, as a string.",
                        example: "print(sparkline([1, 3, 2, 5]))") { a in
            .string(TerminalPlotSink.sparkline(try series(a["values"]).first ?? []))
        },
    ]
}
