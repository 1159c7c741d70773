/// The kinds of token the ``Scanner`` produces.
public enum TokenKind: String, Equatable, Sendable {
    // Brackets and punctuation.
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", dot = ".", colon = ":", semicolon = ";", newline = "newline"
    // Operators.
    case plus = "+", minus = "-", star = "*", slash = "/", slashSlash = "//", percent = "%"
    case starStar = "**", at = "@"
    case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
    case equal = "=", equalEqual = "==", bang = "!", bangEqual = "!="
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case ampAmp = "&&", pipePipe = "||"
    case dotDotLess = "..<", dotDotDot = "..."
    // Literals.
    case identifier = "identifier", int = "integer", double = "number", string = "string"
    /// The text of a string up to an interpolation `\(`; the expression follows.
    case stringPart = "string segment"
    // Keywords.
    case kwLet = "let", kwVar = "var", kwFn = "fn", kwIf = "if", kwElse = "else"
    case kwFor = "for", kwIn = "in", kwWhile = "while", kwReturn = "return"
    case kwBreak = "break", kwContinue = "continue", kwTrue = "true", kwFalse = "false"
    case kwNil = "nil", kwAnd = "and", kwOr = "or", kwNot = "not"
    case eof = "end of input"

    /// Reserved words, by spelling.
    public static let keywords: [String: TokenKind] = [
        "let": .kwLet, "var": .kwVar, "fn": .kwFn, "if": .kwIf, "else": .kwElse,
        "for": .kwFor, "in": .kwIn, "while": .kwWhile, "return": .kwReturn,
        "break": .kwBreak, "continue": .kwContinue, "true": .kwTrue, "false": .kwFalse,
        "nil": .kwNil, "and": .kwAnd, "or": .kwOr, "not": .kwNot,
    ]

    /// Tokens after which a line cannot end a statement (a binary operator or a comma):
    /// the REPL continues reading on the next line.
    var expectsContinuation: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .slashSlash, .percent, .starStar, .at,
             .plusEqual, .minusEqual, .starEqual, .slashEqual, .equal, .equalEqual, .bangEqual,
             .less, .lessEqual, .greater, .greaterEqual, .ampAmp, .pipePipe, .dotDotLess,
             .dotDotDot, .kwAnd, .kwOr, .kwNot, .comma, .dot, .stringPart:
            return true
        default:
            return false
        }
    }
}

/// One lexeme with its kind, its literal value (for numbers and strings) and its span.
public struct Token: CustomStringConvertible {
    /// What the token is.
    public let kind: TokenKind
    /// The source text of the token.
    public let lexeme: String
    /// Where it was written.
    public let span: SourceSpan
    /// The value of an integer literal.
    public var intValue: Int = 0
    /// The value of a number literal (also set for integers too large for `Int`).
    public var doubleValue: Double = 0
    /// The unescaped text of a string literal or string segment.
    public var text: String = ""

    /// How the token is named in error messages.
    public var description: String {
        switch kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .string, .stringPart: return "string"
        default: return "'\(lexeme)'"
        }
    }
}
