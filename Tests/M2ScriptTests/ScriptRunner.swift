import Foundation
import M2Script

/// Runs a `.m2t` test script and compares it with its `# expect:` comments, the way
/// Crafting Interpreters' test suite does.
///
/// - `# expect: text` — the next line of output is exactly `text`.
/// - `# expect error: text` — an error whose message contains `text` is reported on this line.
struct ScriptExpectation {
    var output: [String] = []
    var errors: [(line: Int, text: String)] = []

    init(source: String) {
        for (i, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: "# expect error: ") {
                errors.append((i + 1, String(line[r.upperBound...])))
            } else if let r = line.range(of: "# expect: ") {
                output.append(String(line[r.upperBound...]))
            }
        }
    }
}

enum ScriptRunner {
    /// The folder of scripts, found next to this source file (works in a source checkout).
    static var scriptsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")
    }

    /// Every `.m2t` file under ``scriptsDirectory``, sorted.
    static func allScripts() -> [URL] {
        guard let e = FileManager.default.enumerator(at: scriptsDirectory, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "m2t" }.sorted { $0.path < $1.path }
    }

    /// Runs one script; returns the list of mismatches (empty when it passes).
    static func check(_ url: URL) -> [String] {
        guard let source = try? String(contentsOf: url, encoding: .utf8) else { return ["cannot read \(url.path)"] }
        let expected = ScriptExpectation(source: source)
        var text = ""
        var limits = Limits()
        limits.maxSteps = 2_000_000
        let session = Session(limits: limits, output: { text += $0 })
        // A fresh folder per script for anything it writes (`test_dir`), removed afterwards.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-script-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        session.interpreter.globals.define("test_dir", .string(folder.path))
        let outcome = session.run(source: source, file: url.lastPathComponent)
        var problems: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for (i, want) in expected.output.enumerated() {
            guard i < lines.count else { problems.append("missing output line \(i + 1): expected '\(want)'"); break }
            if lines[i] != want { problems.append("output line \(i + 1): expected '\(want)', got '\(lines[i])'") }
        }
        if lines.count > expected.output.count {
            problems.append("unexpected output: " + lines[expected.output.count...].prefix(3).joined(separator: " | "))
        }
        var errors: [ScriptError] = []
        if case .failure(let es) = outcome { errors = es }
        for want in expected.errors {
            if !errors.contains(where: { $0.span?.line == want.line && $0.message.contains(want.text) }) {
                problems.append("expected error on line \(want.line): '\(want.text)'")
            }
        }
        for e in errors where !expected.errors.contains(where: { $0.line == e.span?.line && e.message.contains($0.text) }) {
            problems.append("unexpected error: \(e.rendered)")
        }
        return problems
    }
}
