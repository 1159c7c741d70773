import Foundation
import M2Script
import XCTest

/// The lessons under `lessons/`, run whole in their reduced size (`M2T_QUICK=1`) exactly as
/// `m2t run` runs them: one fresh session, the whole file. Each must finish without error,
/// plot something, and end on its own check (a last line starting with "ok").
final class LessonTests: XCTestCase {
    /// `lessons/` of the source checkout.
    static var lessonsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lessons")
    }

    /// Every `lessons/NN-title.m2t`, in order.
    static func allLessons() -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: lessonsDirectory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "m2t" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Counts plots instead of drawing them.
    final class CountingSink: PlotSink {
        var plots: [Plot] = []
        func render(_ plot: Plot) { plots.append(plot) }
    }

    /// Quick mode for the whole test process. Set once and never unset: changing the
    /// environment while engine threads may read it is not thread-safe.
    static let quickMode: Void = { setenv("M2T_QUICK", "1", 1) }()

    override func setUp() {
        super.setUp()
        Self.quickMode
    }

    func testLessonsAreNumberedInOrder() {
        let names = Self.allLessons().map(\.lastPathComponent)
        XCTAssertGreaterThanOrEqual(names.count, 8, "lessons/ not found or incomplete: \(names)")
        for (i, name) in names.enumerated() {
            XCTAssertTrue(name.hasPrefix(String(format: "%02d-", i + 1)), "\(name) is out of sequence")
        }
    }

    func testEveryLessonRunsQuick() throws {
        let lessons = Self.allLessons()
        XCTAssertGreaterThanOrEqual(lessons.count, 8)
        for url in lessons {
            let source = try String(contentsOf: url, encoding: .utf8)
            var text = ""
            let sink = CountingSink()
            let session = Session(output: { text += $0 }, plotSink: sink)
            let start = Date()
            let outcome = session.run(source: source, file: url.lastPathComponent)
            let seconds = Date().timeIntervalSince(start)
            if case .failure(let errors) = outcome {
                XCTFail("\(url.lastPathComponent):\n" + errors.map(\.rendered).joined(separator: "\n"))
                continue
            }
            let last = text.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertTrue(last.hasPrefix("ok"), "\(url.lastPathComponent) does not end on its check: '\(last)'")
            XCTAssertFalse(sink.plots.isEmpty, "\(url.lastPathComponent) plots nothing")
            XCTAssertLessThan(seconds, 20, "\(url.lastPathComponent) is too slow in quick mode")
            print("lesson \(url.lastPathComponent): \(String(format: "%.2f", seconds)) s quick, \(sink.plots.count) plots")
        }
    }

    /// The lessons' checks are real: the same assertion that ends a lesson fails on wrong data.
    func testALessonCheckCanFail() {
        let session = Session(output: { _ in })
        guard case .failure(let errors) = session.run(source: "assert(1 + 1 == 3, \"arithmetic\")") else {
            return XCTFail("a false assertion passed")
        }
        XCTAssertTrue(errors[0].message.contains("arithmetic"))
    }

    func testQuickReadsTheEnvironment() {
        let session = Session(output: { _ in })
        guard case .value(let v) = session.run(source: "[quick(), quick(1, 2)]") else { return XCTFail() }
        XCTAssertEqual(v.description, "[true, 1]")
    }

    /// docs/lessons.md lists every lesson.
    func testIndexListsEveryLesson() throws {
        let index = Self.lessonsDirectory.deletingLastPathComponent().appendingPathComponent("docs/lessons.md")
        let text = try String(contentsOf: index, encoding: .utf8)
        for url in Self.allLessons() {
            XCTAssertTrue(text.contains(url.lastPathComponent), "docs/lessons.md does not list \(url.lastPathComponent)")
        }
    }
}
