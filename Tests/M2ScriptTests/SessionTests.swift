import XCTest
import M2Script

/// The API the REPL uses: run, incompleteness, completion, interrupt, rendering.
final class SessionTests: XCTestCase {
    func errors(_ source: String) -> [ScriptError] {
        if case .failure(let es) = Session(output: { _ in }).run(source: source, file: "t.m2t") { return es }
        return []
    }

    func testRenderingShowsLineCaretAndStack() {
        let es = errors("fn inner(x) { x + \"s\" }\nfn outer(x) { inner(x) }\nouter(1)")
        XCTAssertEqual(es.count, 1)
        let text = es.first?.rendered ?? ""
        XCTAssertTrue(text.hasPrefix("t.m2t:1:15: error: cannot apply '+' to a int and a string\n    fn inner(x) { x + \"s\" }\n                  ^"), text)
        XCTAssertTrue(text.contains("in inner called at t.m2t:2:15"), text)
        XCTAssertTrue(text.contains("in outer called at t.m2t:3:1"), text)
    }

    func testPanicModeReportsSeveralErrors() {
        XCTAssertEqual(errors("let = 1\nprint(1 +)\nlet ok = 2\nlet y = )\n").count, 3)
    }

    func testPersistentEnvironmentAcrossEntries() {
        let s = Session(output: { _ in })
        _ = s.evaluate(line: "let x = 20")
        _ = s.evaluate(line: "fn f(a) { a + x }")
        guard case .value(let v) = s.evaluate(line: "f(22)") else { return XCTFail("no value") }
        XCTAssertEqual(v.repr, "42")
        XCTAssertEqual(s.variables.map(\.name), ["f", "x"])
        // An error in one entry leaves the session usable.
        if case .value = s.evaluate(line: "f(nil)") { XCTFail("expected an error") }
        guard case .value(let w) = s.evaluate(line: "x") else { return XCTFail("session broken") }
        XCTAssertEqual(w.repr, "20")
    }

    func testIncompleteInput() {
        for open in ["let x = (1 +", "fn f(a) {", "[1, 2,", "let y = 1 +", "if x {\n print(1)", "\"a \\(x"] {
            XCTAssertTrue(Session.isIncomplete(open), open)
        }
        for done in ["let x = 1", "print(1)", "fn f() { 1 }", "let x = )", "\"abc", ""] {
            XCTAssertFalse(Session.isIncomplete(done), done)
        }
    }

    func testCompletions() {
        let s = Session(output: { _ in })
        _ = s.evaluate(line: "let weights = ones(2, 2)\nlet cfg = {lr: 1}")
        XCTAssertEqual(s.completions(for: "wei"), ["weights"])
        XCTAssertTrue(s.completions(for: "weights.me").contains("mean"))
        XCTAssertEqual(s.completions(for: "cfg.l"), ["lr"])
        XCTAssertTrue(s.completions(for: "weights.mean(ax").contains("axis: "))
        XCTAssertTrue(s.completions(for: "zeros(2, req").contains("requires_grad: "))
        XCTAssertTrue(s.completions(for: "whi").contains("while"))
        XCTAssertTrue(s.completions(for: "randn(2, se").first == "seed: ")
    }

    /// Chains through literal subscripts complete too; calls are never made.
    func testCompletionsAfterSubscripts() {
        let s = Session(output: { _ in })
        _ = s.evaluate(line: "let net = resnet18(width: 4, channels: 1, stem: \"small\")\nlet d = {\"a\": [1, net]}")
        XCTAssertTrue(Set(s.completions(for: "net.layer1[0].bn")).isSuperset(of: ["bn1", "bn2"]))
        XCTAssertEqual(s.completions(for: "net.layer1[-1].conv"), ["conv1", "conv2"])
        XCTAssertTrue(s.completions(for: "d[\"a\"][1].layer").contains("layer4"))
        XCTAssertTrue(s.completions(for: "print(net.layer2[1].b").contains("bn2"))
        XCTAssertEqual(s.completions(for: "net.layer1[9].bn"), [])
        XCTAssertEqual(s.completions(for: "net.layer1[f()].bn"), [])
    }

    /// `:vars` shows whole type names (they were cut at 9 characters: `BasicBloc`).
    func testVariablesTableShowsWholeTypeNames() throws {
        let session = Session(output: { _ in })
        XCTAssertNil(session.variablesTable())
        guard case .value = session.run(source: """
            let block = resnet18(width: 4, channels: 1, stem: "small").layer1[0]
            let m2 = momentum2_teacher(backbone: resnet18(width: 4, channels: 1, stem: "small"), hidden: 8, out: 4, batch: 4, steps: 2)
            let n = 3
            """) else { return XCTFail("setup failed") }
        let table = try XCTUnwrap(session.variablesTable())
        XCTAssertTrue(table.contains("block  BasicBlock        BasicBlock"), table)
        XCTAssertTrue(table.contains("m2     Momentum2Teacher  Momentum2Teacher(resnet18"), table)
        XCTAssertTrue(table.contains("n      int               3\n"), table)
    }

    func testInterruptStopsALoop() {
        let s = Session(output: { _ in })
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { s.interrupt() }
        let start = Date()
        guard case .failure(let es) = s.run(source: "while true { }") else { return XCTFail("loop ended by itself") }
        XCTAssertEqual(es.first?.kind, .interrupted)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        guard case .value(let v) = s.run(source: "1 + 1") else { return XCTFail("session broken after interrupt") }
        XCTAssertEqual(v.repr, "2")
    }

    func testDeepRecursionIsALanguageError() {
        var limits = Limits()
        limits.maxCallDepth = 300
        let s = Session(limits: limits, output: { _ in })
        guard case .failure(let es) = s.run(source: "fn r(n) { if n == 0 { return 0 }\n 1 + r(n - 1) }\nr(100000)") else { return XCTFail() }
        XCTAssertTrue(es[0].message.contains("stack overflow"))
        guard case .value(let v) = s.run(source: "r(250)") else { return XCTFail("250 calls should fit") }
        XCTAssertEqual(v.repr, "250")
    }

    func testPlotSinkCanBeReplaced() {
        final class Capture: PlotSink { var plots: [Plot] = []; func render(_ plot: Plot) { plots.append(plot) } }
        let sink = Capture()
        _ = Session(output: { _ in }, plotSink: sink).run(source: "plot([1, 2, 3], title: \"loss\")")
        XCTAssertEqual(sink.plots.first?.series, [[1, 2, 3]])
        XCTAssertEqual(sink.plots.first?.title, "loss")
    }
}
