import Foundation

/// A run ``Notebook`` as one self-contained page: well-formed XHTML5 (so an XML parser
/// reads it), CSS inline, plots as inline SVG, no scripts, fonts or images from anywhere.
public enum NotebookPage {
    /// The page of `notebook`.
    /// - Parameter title: the page title; the first heading of the lesson by default.
    public static func render(_ notebook: Notebook, title: String? = nil) -> String {
        let heading = notebook.entries.lazy.compactMap { entry -> String? in
            guard case .prose(let text, _) = entry.cell else { return nil }
            return text.split(separator: "\n").first { $0.hasPrefix("#") }.map { $0.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) }
        }.first
        let pageTitle = title ?? heading ?? notebook.file
        var body: [String] = []
        let failures = notebook.entries.filter { $0.status == .failed }.count
        let skipped = notebook.entries.filter { $0.status == .skipped }.count
        var status = "ran in \(String(format: "%.1f", notebook.seconds)) s"
        if failures > 0 { status += " — <strong class=\"bad\">stopped at an error</strong>, \(skipped) later cell\(skipped == 1 ? "" : "s") skipped" }
        body.append("<header class=\"meta\"><span class=\"file\">\(Markdown.escape(notebook.file))</span> · \(status)</header>")
        for entry in notebook.entries {
            switch entry.cell {
            case .prose(let text, _):
                body.append("<section class=\"prose\">\n" + Markdown.html(text) + "\n</section>")
            case .code(let code, let line):
                body.append(cell(entry, code: code, line: line))
            }
        }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="m2t notebook"/>
        <title>\(Markdown.escape(pageTitle))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    static func cell(_ entry: Notebook.Entry, code: String, line: Int) -> String {
        var parts: [String] = []
        let cls: String
        switch entry.status {
        case .failed: cls = "cell failed"
        case .skipped: cls = "cell skipped"
        default: cls = "cell"
        }
        var badge = "line \(line)"
        if entry.status == .ok || entry.status == .failed, entry.seconds >= 0.05 { badge += " · " + String(format: "%.1f s", entry.seconds) }
        if entry.status == .skipped { badge += " · skipped (an earlier cell failed)" }
        parts.append("<div class=\"\(cls)\">")
        parts.append("<div class=\"badge\">\(badge)</div>")
        parts.append("<pre class=\"code\"><code>" + Highlighter.html(code) + "</code></pre>")
        if !entry.output.isEmpty || !entry.plots.isEmpty || entry.error != nil {
            parts.append("<div class=\"results\">")
            if !entry.output.isEmpty {
                var out = entry.output
                if out.hasSuffix("\n") { out.removeLast() }
                parts.append("<pre class=\"output\">" + Markdown.escape(out) + "</pre>")
            }
            for svg in entry.plots { parts.append("<figure class=\"figure\">" + svg + "</figure>") }
            if let e = entry.error { parts.append("<pre class=\"error\">" + Markdown.escape(e) + "</pre>") }
            parts.append("</div>")
        }
        parts.append("</div>")
        return parts.joined(separator: "\n")
    }

    /// The page's style sheet: system fonts only, readable measure, colours for the
    /// highlighter's classes and the plots.
    static let css = """
    :root { --ink: #1d2430; --muted: #667085; --paper: #fdfcf9; --rule: #e4e1d8; --code-bg: #f5f3ee;
            --accent: #0b5cad; --bad: #b42318; --out-bg: #ffffff; }
    * { box-sizing: border-box; }
    html { background: var(--paper); }
    body { margin: 0; color: var(--ink); font: 17px/1.6 Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif; }
    main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 5rem; }
    h1, h2, h3, h4 { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; line-height: 1.25; margin: 2.2rem 0 0.8rem; }
    h1 { font-size: 2.1rem; margin-top: 0.5rem; letter-spacing: -0.01em; }
    h2 { font-size: 1.45rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.25rem; }
    h3 { font-size: 1.15rem; }
    p, ul, ol, blockquote { margin: 0.7rem 0; }
    a { color: var(--accent); }
    blockquote { border-left: 3px solid var(--accent); margin-left: 0; padding: 0.1rem 1rem; color: #344054; background: #f2f6fb; }
    code, pre { font-family: "JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.86em; }
    p code, li code, blockquote code { background: var(--code-bg); padding: 0.08em 0.3em; border-radius: 3px; }
    code.math { font-style: italic; background: #f3f0fa; }
    code.url { font-size: 0.8em; color: var(--muted); }
    pre { margin: 0; padding: 0.75rem 1rem; overflow-x: auto; line-height: 1.45; white-space: pre; }
    pre.math { background: #f3f0fa; border-radius: 6px; margin: 0.8rem 0; font-style: italic; }
    section.prose > pre.code { background: var(--code-bg); border-radius: 6px; margin: 0.8rem 0; }
    .meta { font: 13px/1.4 system-ui, sans-serif; color: var(--muted); border-bottom: 1px solid var(--rule); padding-bottom: 0.5rem; }
    .meta .file { font-family: monospace; }
    .bad { color: var(--bad); }
    .cell { margin: 1.2rem 0 1.6rem; border: 1px solid var(--rule); border-radius: 8px; overflow: hidden; background: var(--code-bg); }
    .cell .badge { font: 11px/1 system-ui, sans-serif; color: var(--muted); text-align: right; padding: 0.45rem 0.7rem 0; }
    .cell > pre.code { padding-top: 0.3rem; }
    .cell.failed { border-color: var(--bad); }
    .cell.skipped { opacity: 0.55; }
    .results { background: var(--out-bg); border-top: 1px solid var(--rule); }
    pre.output { color: #222; }
    pre.error { color: var(--bad); background: #fff4f2; border-top: 1px solid #f5c2bb; }
    figure.figure { margin: 0; padding: 0.6rem 0.6rem 0.2rem; text-align: center; }
    svg.plot { max-width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
    svg .grid { stroke: #ebe8e1; stroke-width: 1; }
    svg .axis { stroke: #6b7280; stroke-width: 1; }
    svg .series { stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
    svg .tick { font-size: 11px; fill: #4b5563; }
    svg .plot-title { font-size: 14px; font-weight: 600; fill: #1d2430; }
    svg .plot-label, svg .legend { font-size: 12px; fill: #374151; }
    .code .k { color: #8e24aa; font-weight: 600; }
    .code .s { color: #2e7d32; }
    .code .n { color: #c2410c; }
    .code .c { color: #7c8597; font-style: italic; }
    .code .f { color: #1d4ed8; }
    .code .a { color: #0f766e; }
    @media print { .cell { break-inside: avoid; } main { max-width: none; } }
    """
}
