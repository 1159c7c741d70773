import Foundation

/// Runs a lesson cell by cell in one session and keeps, for each code cell, what it printed,
/// what it plotted (as SVG) and the error it raised.
///
/// **Errors.** A cell that fails shows its error in place (file:line:column, the source line,
/// a caret); the cells after it are *not run* and are marked skipped — a later cell almost
/// always depends on what the failed one defined, and a cascade of "unknown name" errors
/// would hide the real one. This is what `m2t run` does too: a script stops at its first
/// error. The page is still written, with every prose block.
///
/// ```swift
/// let notebook = Notebook(source: text, file: "01-tensors.m2t")
/// notebook.run()
/// let html = NotebookPage.render(notebook)
/// ```
public final class Notebook {
    /// What became of one cell.
    public enum Status: Equatable { case notRun, ok, failed, skipped }

    /// A cell and its results.
    public struct Entry {
        public var cell: NotebookCell
        public var status: Status = .notRun
        /// Text the cell printed.
        public var output = ""
        /// The cell's plots, as `<svg>` elements.
        public var plots: [String] = []
        /// The rendered error (with the source line and caret), when it failed.
        public var error: String?
        /// Wall-clock seconds the cell took.
        public var seconds = 0.0
    }

    /// The file name used in diagnostics and the page title.
    public let file: String
    /// The cells in order, with results after ``run()``.
    public private(set) var entries: [Entry]
    /// Total wall-clock seconds of ``run()``.
    public private(set) var seconds = 0.0
    let registry: BuiltinRegistry
    let limits: Limits

    /// A notebook of `source`.
    /// - Parameters:
    ///   - source: the lesson's text.
    ///   - file: its name, for diagnostics and the title.
    ///   - registry: the builtins (the standard library by default).
    ///   - limits: the session's limits.
    public init(source: String, file: String, registry: BuiltinRegistry = .standard(), limits: Limits = Limits()) {
        self.file = file
        self.entries = NotebookCell.split(source).map { Entry(cell: $0) }
        self.registry = registry
        self.limits = limits
    }

    /// Whether every code cell ran without error.
    public var succeeded: Bool { !entries.contains { $0.status == .failed || $0.status == .skipped } }

    /// The first error, rendered.
    public var firstError: String? { entries.first { $0.status == .failed }?.error }

    /// Runs the code cells in one fresh session.
    /// - Parameters:
    ///   - prepare: called with the session before the first cell (to predefine variables).
    ///   - progress: called before each code cell with its index among the code cells and their count.
    public func run(prepare: (Session) -> Void = { _ in }, progress: (Int, Int) -> Void = { _, _ in }) {
        var text = ""
        let sink = SVGPlotSink()
        let session = Session(registry: registry, limits: limits, output: { text += $0 }, plotSink: sink)
        prepare(session)
        let start = Date()
        var failed = false
        let codeCount = entries.filter { if case .code = $0.cell { return true } else { return false } }.count
        var codeIndex = 0
        for i in entries.indices {
            guard case .code(let code, let line) = entries[i].cell else { continue }
            if failed { entries[i].status = .skipped; continue }
            progress(codeIndex, codeCount)
            codeIndex += 1
            text = ""
            let t0 = Date()
            // Leading newlines keep the file's line numbers in diagnostics.
            let outcome = session.run(source: String(repeating: "\n", count: line - 1) + code, file: file)
            entries[i].seconds = Date().timeIntervalSince(t0)
            entries[i].output = text
            entries[i].plots = sink.take()
            switch outcome {
            case .value:
                entries[i].status = .ok
            case .failure(let errors):
                entries[i].status = .failed
                entries[i].error = errors.map(\.rendered).joined(separator: "\n")
                failed = true
            }
        }
        seconds = Date().timeIntervalSince(start)
    }
}
