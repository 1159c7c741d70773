import M2Script
import XCTest

/// What the REPL relies on from ``Session`` for each entry.
final class SessionContinuityTests: XCTestCase {
    /// An entry that fails — at parse time or half-way through running — keeps every
    /// variable defined before it, and the ones its earlier statements defined.
    func testErrorsNeverLoseVariables() {
        let s = Session(output: { _ in })
        _ = s.evaluate(line: "let a = 1\nlet t = ones(2, 2)")
        guard case .failure(let syntax) = s.evaluate(line: "let b = (") else { return XCTFail("expected a syntax error") }
        XCTAssertEqual(syntax.first?.kind, .syntax)
        guard case .failure(let runtime) = s.evaluate(line: "let c = 2\nlet d = t @ zeros(3, 3)") else { return XCTFail("expected a runtime error") }
        XCTAssertEqual(runtime.first?.kind, .runtime)
        guard case .value(let v) = s.evaluate(line: "a + c + t.sum().item()") else { return XCTFail("variables were lost") }
        XCTAssertEqual(v.asDouble, 7)
        XCTAssertEqual(s.variables.map(\.name), ["a", "c", "t"])
    }

    /// The prompt changes to "..." exactly when the entry is unfinished.
    func testContinuationRules() {
        XCTAssertTrue(Session.isIncomplete("fn f(a) {"))
        XCTAssertTrue(Session.isIncomplete("let x = [1,"))
        XCTAssertTrue(Session.isIncomplete("let y = 1 +"))
        XCTAssertFalse(Session.isIncomplete("let z = (1 + 2)"))
        XCTAssertFalse(Session.isIncomplete("let w = )"))
    }
}
