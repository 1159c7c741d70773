import Foundation
@testable import M2Jupyter
import M2Script
import XCTest

/// Lessons as .ipynb: Markdown and code cells in the lesson's order, outputs of a run, the
/// code cells read back for `m2t run`; the kernelspec.
final class NotebookFileTests: XCTestCase {
    let lesson = """
    # # Title
    # Some *prose*.
    let x = [1, 2]
    print(len(x))
    plot(x)
    # More prose.
    x[5]
    """

    func testCellsWithoutRunning() throws {
        let json = NotebookFile.ipynb(Notebook(source: lesson, file: "t.m2t"))
        XCTAssertEqual(json["nbformat"], 4)
        XCTAssertEqual(json["metadata"]?["kernelspec"]?["name"], "m2t")
        let cells = try XCTUnwrap(json["cells"]?.array)
        XCTAssertEqual(cells.map { $0["cell_type"]?.string ?? "" }, ["markdown", "code", "markdown", "code"])
        XCTAssertEqual(cells[0]["source"], ["# Title\n", "Some *prose*."])
        XCTAssertEqual(cells[1]["source"], ["let x = [1, 2]\n", "print(len(x))\n", "plot(x)"])
        XCTAssertEqual(cells[1]["execution_count"], .null)
        XCTAssertEqual(cells[1]["outputs"], [])
        XCTAssertEqual(Set(cells.compactMap { $0["id"]?.string }).count, 4)

        let code = try NotebookFile.codeCells(json.encoded())
        XCTAssertEqual(code, [.init(number: 2, source: "let x = [1, 2]\nprint(len(x))\nplot(x)"), .init(number: 4, source: "x[5]")])
    }

    func testOutputsOfARun() throws {
        let notebook = Notebook(source: lesson, file: "t.m2t")
        notebook.run()
        let cells = try XCTUnwrap(NotebookFile.ipynb(notebook)["cells"]?.array)
        let first = try XCTUnwrap(cells[1]["outputs"]?.array)
        XCTAssertEqual(cells[1]["execution_count"], 1)
        XCTAssertEqual(first[0]["output_type"], "stream")
        XCTAssertEqual(first[0]["text"], ["2\n"])
        XCTAssertEqual(first[1]["output_type"], "display_data")
        XCTAssertTrue(first[1]["data"]?["image/svg+xml"]?.array?.first?.string?.hasPrefix("<svg") == true)
        let failed = try XCTUnwrap(cells[3]["outputs"]?.array)
        XCTAssertEqual(failed[0]["output_type"], "error")
        XCTAssertTrue(failed[0]["traceback"]?.array?.first?.string?.hasPrefix("t.m2t:7:") == true)
    }

    func testNotebookFilesThatAreNot() {
        XCTAssertThrowsError(try NotebookFile.codeCells(Data("nope".utf8)))
        XCTAssertThrowsError(try NotebookFile.codeCells(Data("{\"nbformat\": 3, \"cells\": []}".utf8)))
        XCTAssertEqual(try NotebookFile.codeCells(Data("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"1\"}]}".utf8)),
                       [.init(number: 1, source: "1")])
    }

    func testKernelspec() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-spec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Kernelspec.install(into: directory, executable: "/opt/m2t")
        let spec = try XCTUnwrap(JSON(data: Data(contentsOf: directory.appendingPathComponent("kernel.json"))))
        XCTAssertEqual(spec["argv"], ["/opt/m2t", "kernel", "-f", "{connection_file}"])
        XCTAssertEqual(spec["interrupt_mode"], "signal")
        XCTAssertEqual(spec["language"], "m2t")
        XCTAssertEqual(spec["display_name"], "M2T")
        for size in [32, 64] {
            let png = try Data(contentsOf: directory.appendingPathComponent("logo-\(size)x\(size).png"))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        }
        XCTAssertEqual(Kernelspec.directory(prefix: "/p", user: false).path, "/p/share/jupyter/kernels/m2t")
    }
}
