/// The text of one script or one REPL entry, kept so errors can quote the offending line.
///
/// Spans point into a `SourceFile` by reference, so a function defined in one REPL entry and
/// failing in a later one still reports the line it was written on.
public final class SourceFile: @unchecked Sendable {
    /// The name printed in diagnostics (`lesson.m2t`, `<repl>`).
    public let name: String
    /// The whole text.
    public let text: String
    /// The text as characters; spans index into it.
    let characters: [Character]
    /// The lines of the text, without their terminators.
    public let lines: [String]

    /// Wraps `text` under the display name `name`.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        characters = Array(text)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    }

    /// The 1-based line `n`, or the empty string when there is no such line.
    public func line(_ n: Int) -> String {
        n >= 1 && n <= lines.count ? lines[n - 1] : ""
    }
}

/// A stretch of source: where a token, expression or statement was written.
public struct SourceSpan: CustomStringConvertible {
    /// The file the span belongs to.
    public let file: SourceFile
    /// Offset of the first character in ``SourceFile/characters``.
    public let start: Int
    /// Number of characters covered (at least 1 when printed).
    public let length: Int
    /// 1-based line of the first character.
    public let line: Int
    /// 1-based column of the first character.
    public let column: Int

    /// A span; see the properties.
    public init(file: SourceFile, start: Int, length: Int, line: Int, column: Int) {
        self.file = file
        self.start = start
        self.length = length
        self.line = line
        self.column = column
    }

    /// The span from the start of `self` to the end of `other` (same line or not).
    public func through(_ other: SourceSpan) -> SourceSpan {
        let end = max(start + length, other.start + other.length)
        return SourceSpan(file: file, start: start, length: max(end - start, 1), line: line, column: column)
    }

    /// `file:line:col`.
    public var description: String { "\(file.name):\(line):\(column)" }
}
