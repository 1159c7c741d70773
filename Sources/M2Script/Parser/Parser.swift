/// A recursive-descent parser: one method per grammar rule, the rule quoted in its doc
/// comment (docs/language.md has the whole grammar in EBNF).
///
/// Errors use panic mode: the parser records the error, skips to the next statement
/// boundary and carries on, so one run reports several mistakes at once.
public struct Parser {
    /// Nesting deeper than this is refused: the interpreter recurses over the tree.
    public static let maxDepth = 160
    /// After this many errors the parser stops reporting.
    static let maxErrors = 20

    var tokens: [Token]
    var current = 0
    var depth = 0
    /// Off while parsing the head of `if`/`while`/`for`, where `{` opens the body and not
    /// a trailing closure.
    var allowTrailingBlock = true
    /// Errors found so far (scanner errors included).
    public private(set) var errors: [ScriptError] = []
    /// Whether the scanner saw the input end inside open brackets.
    public let endsOpen: Bool

    /// Scans `file` and prepares to parse it.
    public init(file: SourceFile) {
        var scanner = Scanner(file: file)
        tokens = scanner.scanTokens()
        errors = scanner.errors
        endsOpen = scanner.endsOpen
    }

    /// program = { separator } { statement { separator } } EOF
    public mutating func parse() -> [Stmt] {
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.eof) {
            if let s = declarationWithRecovery() { statements.append(s) }
            if errors.count >= Parser.maxErrors { break }
            skipSeparators()
        }
        return statements
    }

    /// Whether the source stops mid-statement (open bracket, trailing operator): a REPL
    /// should read another line before running it.
    public var isIncomplete: Bool { endsOpen || errors.contains { $0.atEnd } }

    // MARK: - Errors and recovery

    struct ParseError: Error {}

    mutating func error(_ message: String, at token: Token) -> ParseError {
        let atEnd = token.kind == .eof || (token.kind == .newline && current >= tokens.count - 2)
        var span = token.span
        if atEnd, let last = tokens.last(where: { $0.kind != .newline && $0.kind != .eof }) {
            // "At end": point just past the last real token, on its line.
            let s = last.span
            span = SourceSpan(file: s.file, start: s.start + s.length, length: 1, line: s.line, column: s.column + s.length)
        }
        // One error per line: later ones on the same line are usually cascades.
        if errors.count < Parser.maxErrors && !errors.contains(where: { $0.span?.line == span.line }) {
            errors.append(ScriptError(.syntax, message, at: span, atEnd: atEnd))
        }
        return ParseError()
    }

    /// Parses one statement; on error, records it and skips to the next statement.
    mutating func declarationWithRecovery() -> Stmt? {
        do {
            let s = try statement()
            if !check(.newline) && !check(.semicolon) && !check(.eof) && !check(.rightBrace) {
                throw error("expected end of statement, found \(peek)", at: peek)
            }
            return s
        } catch {
            synchronize()
            return nil
        }
    }

    /// Skips tokens to a statement boundary at the current nesting level.
    mutating func synchronize() {
        depth = 0
        allowTrailingBlock = true
        var level = 0
        let startIndex = current
        while !check(.eof) {
            switch peek.kind {
            case .leftBrace, .leftParen, .leftBracket: level += 1
            case .rightBrace where level == 0:
                // A stray '}' at top level would stop the parser forever: step over it.
                if current == startIndex { advance() }
                return
            case .rightBrace, .rightParen, .rightBracket: level = max(level - 1, 0)
            case .newline where level == 0, .semicolon where level == 0:
                advance()
                return
            default: break
            }
            advance()
        }
    }

    // MARK: - Token helpers

    var peek: Token { tokens[min(current, tokens.count - 1)] }
    var previous: Token { tokens[max(min(current - 1, tokens.count - 1), 0)] }

    func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

    @discardableResult
    mutating func advance() -> Token {
        let t = peek
        if current < tokens.count - 1 { current += 1 }
        return t
    }

    mutating func match(_ kinds: TokenKind...) -> Bool {
        guard kinds.contains(peek.kind) else { return false }
        advance()
        return true
    }

    mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
        if check(kind) { return advance() }
        throw error("\(message), found \(peek)", at: peek)
    }

    mutating func skipNewlines() { while check(.newline) { advance() } }
    mutating func skipSeparators() { while check(.newline) || check(.semicolon) { advance() } }

    /// Whether the next token after any newlines is `kind` (for `}\nelse`).
    func nextAfterNewlines(is kind: TokenKind) -> Bool {
        var i = current
        while i < tokens.count - 1 && tokens[i].kind == .newline { i += 1 }
        return tokens[i].kind == kind
    }

    /// Counts one level of nesting; refuses programs nested past ``maxDepth``.
    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw error("program is nested too deeply (more than \(Parser.maxDepth) levels)", at: peek)
        }
    }
}
