import ArgumentParser
import Foundation
import M2Jupyter
import M2Script

/// `m2t notebook FILE.m2t -o FILE.html`: runs a lesson and writes it as one self-contained
/// HTML page (prose, highlighted code, outputs, inline SVG plots, errors in place), or as a
/// Jupyter notebook (`--format ipynb`, or an `-o` ending in `.ipynb`).
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run a lesson and render it as a self-contained HTML page or a Jupyter notebook.",
        discussion: """
        Prose comes from the comment blocks that start in the first column ('# ' + Markdown); \
        every other line is code. The cells run in one session; a failing cell shows its error \
        in place and the cells after it are marked skipped. The page is written even then \
        (atomically), and the exit code is 1. M2T_QUICK=1 (or --quick) makes lessons run \
        their reduced size. --format ipynb writes nbformat 4 (Markdown and code cells, with \
        the outputs; --no-execute: the cells only, for Jupyter to run with the M2T kernel).
        """)

    @ArgumentParser.Argument(help: "The lesson to run.")
    var file: String

    @Option(name: .shortAndLong, help: "Where to write the page (default: FILE with .html or .ipynb).")
    var output: String?

    @Option(help: "html or ipynb (default: from the -o extension, else html).")
    var format: String?

    @Flag(help: "ipynb only: write the cells without running them.")
    var noExecute = false

    @Flag(help: "Run the lesson's reduced size (sets M2T_QUICK=1).")
    var quick = false

    @Option(name: .customLong("set"), help: "Predefine a variable: name=value. Repeatable.")
    var assignments: [String] = []

    func run() throws {
        let source = try RunCommand.readScript(file)
        if quick { setenv("M2T_QUICK", "1", 1) }
        let values = try assignments.map(RunCommand.parse)
        let kind = format ?? (output.map { ($0 as NSString).pathExtension.lowercased() == "ipynb" } == true ? "ipynb" : "html")
        guard kind == "html" || kind == "ipynb" else { throw ValidationError("--format must be html or ipynb") }
        guard !noExecute || kind == "ipynb" else { throw ValidationError("--no-execute needs --format ipynb") }
        let target = output ?? ((file as NSString).deletingPathExtension + "." + kind)
        let notebook = Notebook(source: source, file: (file as NSString).lastPathComponent)
        let stderr = FileHandle.standardError
        if !noExecute {
            let progressLine = ProgressLine()
            notebook.run(prepare: { session in
                session.progress = progressLine.show
                for (name, value) in values { session.interpreter.globals.define(name, value) }
            }, progress: { i, n in
                stderr.write(Data("notebook: cell \(i + 1)/\(n)\n".utf8))
            })
        }
        let data = kind == "html" ? Data(NotebookPage.render(notebook).utf8) : NotebookFile.ipynb(notebook).encoded(pretty: true)
        do {
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw ExitMessage("cannot write \(target): \(error.localizedDescription)")
        }
        stderr.write(Data("notebook: wrote \(target) (\(String(format: "%.1f", notebook.seconds)) s)\n".utf8))
        if let e = notebook.firstError {
            stderr.write(Data((e + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
