import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import M2Script
import XCTest

/// The notebook renderer: cells, Markdown, highlighting, SVG plots, and every lesson's page
/// (quick size) parsed as XML, holding its plots as SVG, referring to nothing on the network.
final class NotebookTests: XCTestCase {
    /// Parses `page` as XML; returns the parser's error, or nil when well-formed.
    static func xmlError(_ page: String) -> String? {
        // On Linux, parse() can return true after a recoverable error; parserError tells.
        final class Delegate: NSObject, XMLParserDelegate {
            var error: Error?
            func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = error ?? parseError }
        }
        let parser = XMLParser(data: Data(page.utf8))
        let delegate = Delegate()
        parser.delegate = delegate
        if parser.parse(), parser.parserError == nil, delegate.error == nil { return nil }
        return "\(parser.parserError.map { "\($0)" } ?? "unknown") at line \(parser.lineNumber), column \(parser.columnNumber)"
    }

    /// Attributes or CSS that would load something from the network, and active content.
    static func networkReferences(_ page: String) -> [String] {
        let patterns = [#"(src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(https?:)?//"#, #"url\(\s*["']?(https?:)?//"#,
                        #"@import"#, #"<script"#, #"<link"#, #"<iframe"#, #"<img"#]
        return patterns.filter { page.range(of: $0, options: [.regularExpression, .caseInsensitive]) != nil }
    }

    func testCellsSplitProseFromCode() {
        let source = """
        # # Title
        # Some *prose*.

        let x = [1,
        # a comment inside an open list stays code
          2]
        print(x)  # trailing comments are code
          # so are indented ones
        # More prose.
        print(2)
        """
        let cells = NotebookCell.split(source)
        XCTAssertEqual(cells.count, 4)
        XCTAssertEqual(cells[0], .prose("# Title\nSome *prose*.", line: 1))
        guard case .code(let code, let line) = cells[1] else { return XCTFail("\(cells[1])") }
        XCTAssertEqual(line, 4)
        XCTAssertTrue(code.contains("open list stays code") && code.contains("indented ones"))
        XCTAssertEqual(cells[2], .prose("More prose.", line: 9))
        XCTAssertEqual(cells[3], .code("print(2)", line: 10))
    }

    func testMarkdownSubset() {
        let html = Markdown.html("""
        ## A *heading*
        Text with `code < 1`, **bold**, _em_, snake_case and $α·x$.

        - one
        - two [local](#top) and [paper](https://arxiv.org/abs/2101.07525)

        1. first
        ```
        let x = 1
        ```
        $$ y = x² $$
        """)
        XCTAssertTrue(html.contains("<h2>A <em>heading</em></h2>"), html)
        XCTAssertTrue(html.contains("<code>code &lt; 1</code>"))
        XCTAssertTrue(html.contains("<strong>bold</strong>") && html.contains("<em>em</em>") && html.contains("snake_case"))
        XCTAssertTrue(html.contains("<code class=\"math\">α·x</code>"))
        XCTAssertTrue(html.contains("<ul><li>one</li><li>two <a href=\"#top\">local</a>"))
        XCTAssertFalse(html.contains("href=\"https"), "network links must not become references")
        XCTAssertTrue(html.contains("<ol><li>first</li></ol>"))
        XCTAssertTrue(html.contains("<pre class=\"code\"><code><span class=\"k\">let</span> x = <span class=\"n\">1</span></code></pre>"))
        XCTAssertTrue(html.contains("<pre class=\"math\">y = x²</pre>"))
        XCTAssertNil(Self.xmlError("<div>" + html + "</div>"))
    }

    func testHighlighter() {
        let html = Highlighter.html("let s = \"a \\(f(\"b\")) <\" # note\nfor i in range(3) { no_grad { x[i] = 1.5e-3 } }\nopt(lr: 0.1)")
        XCTAssertTrue(html.contains("<span class=\"k\">let</span>"))
        XCTAssertTrue(html.contains("<span class=\"s\">&quot;a \\(f(&quot;b&quot;)) &lt;&quot;</span>"), html)
        XCTAssertTrue(html.contains("<span class=\"c\"># note</span>"))
        XCTAssertTrue(html.contains("<span class=\"f\">range</span>") && html.contains("<span class=\"f\">no_grad</span>"))
        XCTAssertTrue(html.contains("<span class=\"n\">1.5e-3</span>"))
        XCTAssertTrue(html.contains("<span class=\"a\">lr</span>"))
        XCTAssertNil(Self.xmlError("<pre>" + html + "</pre>"))
    }

    func testSVGPlot() {
        XCTAssertEqual(SVGPlotSink.ticks(0, 1, 5), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0].map { $0 }, accuracy: 1e-9)
        XCTAssertEqual(SVGPlotSink.ticks(-3, 17, 5), [-5, 0, 5, 10, 15, 20], accuracy: 1e-9)
        let sink = SVGPlotSink()
        sink.render(Plot(series: [[1, 4, 9, .nan, 16], [2]], title: "a < b", labels: ["squares", "dot"], xLabel: "x", yLabel: "y"))
        sink.render(Plot(series: [[.infinity]]))
        let svgs = sink.take()
        XCTAssertEqual(svgs.count, 2)
        XCTAssertTrue(sink.take().isEmpty)
        XCTAssertTrue(svgs[0].hasPrefix("<svg") && svgs[0].contains("a &lt; b") && svgs[0].contains("squares"))
        XCTAssertTrue(svgs[0].contains("class=\"tick\"") && svgs[0].contains("<circle"))
        XCTAssertEqual(svgs[0].components(separatedBy: "M").count - 1 >= 2, true, "a NaN breaks the line into two pieces")
        XCTAssertTrue(svgs[1].contains("no finite values"))
        for s in svgs { XCTAssertNil(Self.xmlError(s)) }
    }

    /// A failing cell shows its error in place; the cells after it are skipped; the page is
    /// still complete and well-formed.
    func testErrorsAreShownInPlace() {
        let notebook = Notebook(source: "# # Broken\nlet x = 1\nprint(x)\n# then\nprint(y)\n# after\nprint(3)\n", file: "broken.m2t")
        notebook.run()
        XCTAssertFalse(notebook.succeeded)
        XCTAssertEqual(notebook.entries.map(\.status), [.notRun, .ok, .notRun, .failed, .notRun, .skipped])
        XCTAssertTrue(notebook.firstError?.contains("broken.m2t:5:7") ?? false, notebook.firstError ?? "no error")
        let page = NotebookPage.render(notebook)
        XCTAssertNil(Self.xmlError(page))
        XCTAssertTrue(page.contains("<pre class=\"error\">") && page.contains("skipped (an earlier cell failed)"))
        XCTAssertTrue(page.contains("<title>Broken</title>"))
    }

    func testEveryLessonRendersAsAValidSelfContainedPage() throws {
        LessonTests.quickMode
        let lessons = LessonTests.allLessons()
        XCTAssertGreaterThanOrEqual(lessons.count, 8)
        for url in lessons {
            let name = url.lastPathComponent
            let notebook = Notebook(source: try String(contentsOf: url, encoding: .utf8), file: name)
            notebook.run()
            XCTAssertTrue(notebook.succeeded, "\(name): \(notebook.firstError ?? "")")
            let page = NotebookPage.render(notebook)
            if let e = Self.xmlError(page) { XCTFail("\(name): not well-formed XHTML: \(e)") }
            let plots = notebook.entries.map(\.plots.count).reduce(0, +)
            XCTAssertGreaterThan(plots, 0, "\(name) has no plots")
            XCTAssertEqual(page.components(separatedBy: "<svg").count - 1, plots, "\(name): every plot is inline SVG")
            XCTAssertEqual(Self.networkReferences(page), [], "\(name) refers to the network")
            XCTAssertTrue(page.contains("<h1>"), "\(name) has no title heading")
            XCTAssertTrue(page.contains("<pre class=\"output\">"))
        }
    }

    func testNetworkCheckCanFail() {
        XCTAssertEqual(Self.networkReferences("<a href=\"https://x.org\">x</a>").count, 1)
        XCTAssertEqual(Self.networkReferences("<svg><image href=\"//cdn.x/y.png\"/></svg>").count, 1)
        XCTAssertNotNil(Self.xmlError("<p><b>unclosed</p>"))
        XCTAssertNotNil(Self.xmlError("<p>&nbsp;</p>"), "HTML-only entities are not XML")
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
