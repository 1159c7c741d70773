/// A lesson split into prose and code: the unit `m2t notebook` renders.
///
/// A **prose block** is a run of lines that start with `#` in the first column, met where
/// the code before it is complete (no open bracket or block). Its text is the lines with
/// the leading `# ` (or `#`) removed, read as Markdown. Everything else — including
/// indented comments and comments at the end of a line — is code. Blank lines between
/// blocks are dropped.
///
/// ```
/// # # Tensors            ← prose: a heading
/// # A *tensor* is …      ← prose: a paragraph
/// let x = zeros(2, 3)    ← code
/// ```
public enum NotebookCell: Equatable {
    /// Markdown text, and the file line it starts on.
    case prose(String, line: Int)
    /// Source code, and the file line it starts on (1-based).
    case code(String, line: Int)

    /// Splits a lesson's source into cells, in order.
    public static func split(_ source: String) -> [NotebookCell] {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cells: [NotebookCell] = []
        var prose: [String] = [], proseLine = 0
        var code: [String] = [], codeLine = 0

        func flushCode() {
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
            if !code.isEmpty { cells.append(.code(code.joined(separator: "\n"), line: codeLine)) }
            code = []
        }
        func flushProse() {
            if !prose.isEmpty { cells.append(.prose(prose.joined(separator: "\n"), line: proseLine)) }
            prose = []
        }

        for (i, line) in lines.enumerated() {
            let isComment = line.hasPrefix("#")
            let codeIsOpen = !code.isEmpty && Session.isIncomplete(code.joined(separator: "\n"))
            if isComment && !codeIsOpen {
                flushCode()
                if prose.isEmpty { proseLine = i + 1 }
                prose.append(line.hasPrefix("# ") ? String(line.dropFirst(2)) : String(line.dropFirst()))
            } else if line.trimmingCharacters(in: .whitespaces).isEmpty && code.isEmpty {
                // A blank line ends a prose block's paragraph run but opens no code cell.
                if !prose.isEmpty { prose.append("") }
            } else {
                flushProse()
                if code.isEmpty { codeLine = i + 1 }
                code.append(line)
            }
        }
        flushCode()
        flushProse()
        return cells.map { cell in
            if case .prose(let text, let line) = cell {
                var t = text
                while t.hasSuffix("\n") { t.removeLast() }
                return .prose(t, line: line)
            }
            return cell
        }
    }
}
