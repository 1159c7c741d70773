/// Turns source text into ``Token``s, each with its span (Crafting Interpreters, ch. 4).
///
/// Newlines end statements, so the scanner emits ``TokenKind/newline`` — but only where a
/// statement can end: not inside `(…)` or `[…]`, and never twice in a row. Strings may
/// interpolate expressions with `\(expr)`; the scanner emits a ``TokenKind/stringPart`` for
/// the text before each `\(`, then the expression's tokens, then the rest of the string.
public struct Scanner {
    let file: SourceFile
    let chars: [Character]
    var start = 0, current = 0
    private var line = 1, column = 1
    private var startLine = 1, startColumn = 1
    /// Open brackets: `(`, `[`, `{`, or `"` for an interpolation's `\(`.
    private var brackets: [Character] = []
    private(set) var tokens: [Token] = []
    /// Problems found while scanning.
    public private(set) var errors: [ScriptError] = []
    /// Whether the input ended inside a bracket or a string.
    public private(set) var endsOpen = false

    /// A scanner over `file`.
    public init(file: SourceFile) {
        self.file = file
        chars = file.characters
    }

    /// Scans the whole file; the last token is ``TokenKind/eof``.
    public mutating func scanTokens() -> [Token] {
        while !isAtEnd {
            start = current; startLine = line; startColumn = column
            scanToken()
        }
        start = current; startLine = line; startColumn = column
        if !brackets.isEmpty { endsOpen = true }
        add(.newline)
        add(.eof)
        return tokens
    }

    var isAtEnd: Bool { current >= chars.count }
    func peek(_ k: Int = 0) -> Character { current + k < chars.count ? chars[current + k] : "\0" }

    @discardableResult
    mutating func advance() -> Character {
        let c = chars[current]
        current += 1
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
        return c
    }

    private mutating func match(_ c: Character) -> Bool {
        guard !isAtEnd, chars[current] == c else { return false }
        advance()
        return true
    }

    private var span: SourceSpan {
        SourceSpan(file: file, start: start, length: max(current - start, 1), line: startLine, column: startColumn)
    }

    mutating func add(_ kind: TokenKind, configure: (inout Token) -> Void = { _ in }) {
        if kind == .newline {
            // Newlines only end statements outside (…) and […], and never twice in a row.
            if let open = brackets.last, open != "{" { return }
            if tokens.isEmpty || tokens.last?.kind == .newline || tokens.last?.kind == .semicolon { return }
        }
        let lexeme = String(chars[start..<min(current, chars.count)])
        var token = Token(kind: kind, lexeme: lexeme, span: span)
        configure(&token)
        tokens.append(token)
    }

    mutating func error(_ message: String, atEnd: Bool = false) {
        errors.append(ScriptError(.syntax, message, at: span, atEnd: atEnd))
    }

    private mutating func scanToken() {
        let c = advance()
        switch c {
        case "(": brackets.append("("); add(.leftParen)
        case "[": brackets.append("["); add(.leftBracket)
        case "{": brackets.append("{"); add(.leftBrace)
        case ")":
            if brackets.last == "\"" {
                brackets.removeLast()
                start = current; startLine = line; startColumn = column
                scanString(continuing: true)
                return
            }
            close("("); add(.rightParen)
        case "]": close("["); add(.rightBracket)
        case "}": close("{"); add(.rightBrace)
        case ",": add(.comma)
        case ":": add(.colon)
        case ";": add(.semicolon)
        case "@": add(.at)
        case "%": add(.percent)
        case "+": add(match("=") ? .plusEqual : .plus)
        case "-": add(match("=") ? .minusEqual : .minus)
        case "*": add(match("*") ? .starStar : match("=") ? .starEqual : .star)
        case "/": add(match("/") ? .slashSlash : match("=") ? .slashEqual : .slash)
        case "=": add(match("=") ? .equalEqual : .equal)
        case "!": add(match("=") ? .bangEqual : .bang)
        case "<": add(match("=") ? .lessEqual : .less)
        case ">": add(match("=") ? .greaterEqual : .greater)
        case "&": if match("&") { add(.ampAmp) } else { error("unexpected character '&' (did you mean '&&' or 'and'?)") }
        case "|": if match("|") { add(.pipePipe) } else { error("unexpected character '|' (did you mean '||' or 'or'?)") }
        case ".":
            if peek() == ".", peek(1) == "<" { advance(); advance(); add(.dotDotLess) }
            else if peek() == ".", peek(1) == "." { advance(); advance(); add(.dotDotDot) }
            else if peek().isASCII && peek().isNumber { scanNumber() }
            else { add(.dot) }
        case "#": while !isAtEnd && peek() != "\n" { advance() }
        case "\n": add(.newline)
        case " ", "\t", "\r": break
        case "\\" where peek() == "\n": advance()  // explicit line continuation
        case "\"": scanString(continuing: false)
        default:
            if c.isASCII && c.isNumber { scanNumber() }
            else if c == "_" || c.isLetter { scanIdentifier() }
            else { error("unexpected character '\(c)'") }
        }
    }

    /// Records that an interpolation's `\(` is open.
    mutating func pushInterpolation() { brackets.append("\"") }

    private mutating func close(_ open: Character) {
        if brackets.last == open { brackets.removeLast() }
        else if brackets.contains(open) {
            while let last = brackets.last, last != open { brackets.removeLast() }
            brackets.removeLast()
        }
        // An unmatched closer is left for the parser to report.
    }

    private mutating func scanIdentifier() {
        while peek() == "_" || peek().isLetter || (peek().isASCII && peek().isNumber) { advance() }
        let text = String(chars[start..<current])
        add(TokenKind.keywords[text] ?? .identifier)
    }
}
