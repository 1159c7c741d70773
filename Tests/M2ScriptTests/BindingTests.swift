import Foundation
import XCTest
import M2Script

/// The engine bindings from Swift: the language-overhead measurement and help coverage.
final class BindingTests: XCTestCase {
    /// Every binding is documented with an example, so `help(name)` and docs/language.md
    /// can show it.
    func testEveryBindingHasDocAndExample() {
        let registry = BuiltinRegistry.standard()
        for group in ["layers", "optim", "state", "data", "method"] {
            guard let members = registry.groups.first(where: { $0.name == group })?.members else { return XCTFail("no group \(group)") }
            for name in members {
                guard let f = registry.lookup(name) else { XCTFail("\(name) not registered"); continue }
                XCTAssertFalse(f.doc.isEmpty, name)
                XCTAssertFalse(f.example.isEmpty, name)
            }
        }
    }

    /// The two loops the measurement compares do the same work: the script's steps reach
    /// the engine and leave the same bits as the native ones (a tiny configuration).
    func testLanguageBenchmarkComparesLikeWithLike() throws {
        let f = try LanguageBenchmark.measure(steps: 2, repeats: 1, width: 2, batch: 4, size: 8, channels: 1)
        XCTAssertTrue(f.sameResult)
        XCTAssertGreaterThan(f.native, 0)
        XCTAssertGreaterThan(f.script, 0)
    }

    /// The bar's figures (set M2T_BENCH=1): the SPEC demo configuration, script within 5%.
    func testStepOverheadFigures() throws {
        guard ProcessInfo.processInfo.environment["M2T_BENCH"] != nil else { throw XCTSkip("set M2T_BENCH=1 to measure") }
        let f = try LanguageBenchmark.measure(steps: 10, repeats: 3)
        print(String(format: "step time: native %.4f s, script %.4f s, overhead %+.2f%%", f.native, f.script, f.overhead * 100))
        XCTAssertLessThan(f.overhead, 0.05)
    }
}
