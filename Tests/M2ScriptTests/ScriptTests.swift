import XCTest
import M2Script

/// Runs every script under Scripts/ against its `# expect` comments.
final class ScriptTests: XCTestCase {
    func testScripts() {
        let scripts = ScriptRunner.allScripts()
        XCTAssertGreaterThan(scripts.count, 20, "the Scripts folder was not found next to the test sources")
        var failures = 0
        for url in scripts {
            let problems = ScriptRunner.check(url)
            let name = url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
            for p in problems { XCTFail("\(name): \(p)") }
            if !problems.isEmpty { failures += 1 }
        }
        print("script tests: \(scripts.count - failures)/\(scripts.count) passed")
    }

    /// A script whose expectations are wrong must fail: the runner cannot pass everything.
    func testRunnerDetectsMismatches() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.m2t")
        try "print(1)  # expect: 2\nlet x = y  # expect error: nothing like this\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertEqual(ScriptRunner.check(bad).count, 3)
    }
}
