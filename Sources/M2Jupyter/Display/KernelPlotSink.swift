import M2Script

/// Sends `plot(…)` and `show(…)` to the frontend the moment they are drawn, as
/// `display_data`: plots as `image/svg+xml` (the notebook pages' SVG), pictures as
/// `image/png`, each with a text fallback.
final class KernelPlotSink: PlotSink {
    private let output: CellOutput

    init(output: CellOutput) { self.output = output }

    func render(_ plot: Plot) { output.display(RichDisplay.plot(plot)) }

    func show(_ picture: Picture) { output.display(RichDisplay.picture(picture)) }
}
