import XCTest
@testable import M2Script

/// The API the REPL uses: run, incompleteness, completion, interrupt, rendering.
final class SessionTests: XCTestCase {
    func errors(_ source: String) -> [ScriptError] {
        if case .failure(let es) = Session(output: { _ in }).run(source: source, file: "t.m2t") { return es }
        return []
    }

    func testDebugSeveral() {
        for e in errors("let = 3\nprint(1 +)\nlet ok = 1\nfn (x { }\nlet y = [1, 2    # c\n") { print(e.rendered) }
    }
}
