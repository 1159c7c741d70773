import XCTest
@testable import M2Script

/// "Did you mean …?": the closest name, not the first one within two edits.
final class SuggestionTests: XCTestCase {
    func message(_ source: String) -> String {
        let session = Session(output: { _ in })
        guard case .failure(let errors) = session.run(source: source) else { return "no error" }
        return errors.first?.message ?? ""
    }

    /// The four a new user hit: each took the first name within distance 2.
    func testTheClosestNameWins() {
        XCTAssertTrue(message("let x = ones(3)\nx.men").hasSuffix("did you mean 'mean'?"), message("let x = ones(3)\nx.men"))
        XCTAssertTrue(message("let x = ones(3)\nx.mea").hasSuffix("did you mean 'mean'?"), message("let x = ones(3)\nx.mea"))
        XCTAssertTrue(message("pirnt(1)").hasSuffix("did you mean 'print'?"), message("pirnt(1)"))
        XCTAssertFalse(message("half(1)").contains("'help'"), message("half(1)"))
        XCTAssertTrue(message("half(1)").hasPrefix("undefined variable 'half'"))
    }

    func testTiesBreakByPrefixThenLengthThenName() {
        // "men" is one edit from both "mean" and "min": the longer shared prefix wins.
        XCTAssertEqual(Suggestion.closest(to: "men", among: ["min", "mean"]), "mean")
        XCTAssertEqual(Suggestion.closest(to: "men", among: ["mean", "min"]), "mean")
        // Same distance and prefix: the nearer length, then alphabetical.
        XCTAssertEqual(Suggestion.closest(to: "abxd", among: ["abd", "abyd"]), "abyd")
        XCTAssertEqual(Suggestion.closest(to: "abxd", among: ["abyd", "abzd"]), "abyd")
        XCTAssertEqual(Suggestion.closest(to: "totals", among: ["total", "totl"]), "total")
        XCTAssertNil(Suggestion.closest(to: "zzz", among: ["print", "len"]))
        XCTAssertEqual(Suggestion.distance(Array("pirnt"), Array("print")), 1)
    }
}
