import Foundation
import M2Script

/// Lessons as Jupyter notebooks (nbformat 4.5) and notebooks as scripts.
///
/// A lesson's prose blocks become Markdown cells and its code blocks code cells (the split
/// of ``NotebookCell``); a lesson that was run carries its outputs — printed text as a
/// `stream`, plots as `image/svg+xml`, the error as an `error` output with the REPL's
/// rendering — and the cells after a failed one none (they were not run).
public enum NotebookFile {
    /// The kernelspec and language a lesson notebook names, so Jupyter starts `m2t kernel`.
    static let metadata: JSON = [
        "kernelspec": ["name": "m2t", "display_name": "M2T", "language": "m2t"],
        "language_info": ["name": "m2t", "file_extension": ".m2t", "mimetype": "text/x-m2t"],
    ]

    /// The `.ipynb` JSON of `notebook`: with outputs and execution counts when it was run.
    public static func ipynb(_ notebook: Notebook) -> JSON {
        var cells: [JSON] = []
        var count = 0
        for (i, entry) in notebook.entries.enumerated() {
            let id = JSON.string("cell-\(i + 1)")
            switch entry.cell {
            case .prose(let text, _):
                cells.append(["cell_type": "markdown", "id": id, "metadata": [:], "source": source(text)])
            case .code(let code, _):
                var outputs: [JSON] = []
                var executionCount: JSON = .null
                if entry.status == .ok || entry.status == .failed {
                    count += 1
                    executionCount = .int(count)
                    if !entry.output.isEmpty { outputs.append(["output_type": "stream", "name": "stdout", "text": source(entry.output)]) }
                    for svg in entry.plots {
                        outputs.append(["output_type": "display_data", "metadata": [:],
                                        "data": ["image/svg+xml": source(svg), "text/plain": "<plot>"]])
                    }
                    if let error = entry.error {
                        let lines = error.split(separator: "\n", omittingEmptySubsequences: false).map { JSON.string(String($0)) }
                        let message = error.split(separator: "\n").first.map { String($0) } ?? error
                        outputs.append(["output_type": "error", "ename": "error", "evalue": .string(message), "traceback": .array(lines)])
                    }
                }
                cells.append(["cell_type": "code", "id": id, "metadata": [:], "execution_count": executionCount,
                              "outputs": .array(outputs), "source": source(code)])
            }
        }
        return ["nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": .array(cells)]
    }

    /// Text as nbformat writes it: a list of lines, each but the last ending in "\n".
    static func source(_ text: String) -> JSON {
        var lines: [JSON] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" { lines.append(.string(current)); current = "" }
        }
        if !current.isEmpty { lines.append(.string(current)) }
        return .array(lines)
    }

    /// A code cell of a notebook file: its position among all the cells (1-based) and its text.
    public struct CodeCell: Equatable {
        /// The cell's position among all the notebook's cells, from 1.
        public let number: Int
        /// The cell's code.
        public let source: String
    }

    /// The code cells of an `.ipynb` file (nbformat 4), in order.
    /// - Throws: ``NotebookFileError`` when it is not an nbformat 4 notebook.
    public static func codeCells(_ data: Data) throws -> [CodeCell] {
        guard let json = JSON(data: data), case .object = json else { throw NotebookFileError("it is not JSON") }
        guard let format = json["nbformat"]?.int, format == 4 else { throw NotebookFileError("only nbformat 4 notebooks are supported") }
        guard let cells = json["cells"]?.array else { throw NotebookFileError("no cell list") }
        var out: [CodeCell] = []
        for (i, cell) in cells.enumerated() where cell["cell_type"]?.string == "code" {
            let text: String
            switch cell["source"] {
            case .string(let s)?: text = s
            case .array(let parts)?: text = parts.compactMap(\.string).joined()
            default: throw NotebookFileError("cell \(i + 1) has no source")
            }
            out.append(CodeCell(number: i + 1, source: text))
        }
        return out
    }
}

/// Why a notebook file cannot be read.
public struct NotebookFileError: Error, CustomStringConvertible {
    /// What is wrong, for `cannot run FILE: …`.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
