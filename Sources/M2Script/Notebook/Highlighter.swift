/// Syntax highlighting for `.m2t` code as XHTML spans: keywords (`k`), strings (`s`),
/// numbers (`n`), comments (`c`), builtin or called names (`f`), keyword-argument labels
/// (`a`). The page's CSS colours the classes.
///
/// The highlighter is a forgiving scanner of its own: it must render any text, including
/// code that does not parse, so it never throws.
public enum Highlighter {
    static let keywords: Set<String> = ["let", "var", "fn", "if", "else", "for", "in", "while", "return",
                                        "break", "continue", "true", "false", "nil", "and", "or", "not"]

    /// `code` with spans around its tokens.
    public static func html(_ code: String) -> String {
        let chars = Array(code)
        var out = ""
        var i = 0
        func span(_ cls: String, _ text: String) { out += "<span class=\"\(cls)\">" + Markdown.escape(text) + "</span>" }
        while i < chars.count {
            let c = chars[i]
            if c == "#" {
                var j = i
                while j < chars.count, chars[j] != "\n" { j += 1 }
                span("c", String(chars[i..<j])); i = j
            } else if c == "\"" {
                var j = i + 1, depth = 0
                // Interpolations `\( … )` may hold nested strings; track the parentheses.
                while j < chars.count, chars[j] != "\n" {
                    if chars[j] == "\\", j + 1 < chars.count {
                        if chars[j + 1] == "(" { depth += 1 }
                        j += 2; continue
                    }
                    if depth > 0 {
                        if chars[j] == "(" { depth += 1 } else if chars[j] == ")" { depth -= 1 }
                    } else if chars[j] == "\"" { j += 1; break }
                    j += 1
                }
                span("s", String(chars[i..<min(j, chars.count)])); i = j
            } else if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1]) && (i == 0 || !isWord(chars[i - 1]) && chars[i - 1] != ".")) {
                var j = i
                while j < chars.count, isDigit(chars[j]) || chars[j] == "_" || chars[j] == "."
                        || ((chars[j] == "e" || chars[j] == "E") && j + 1 < chars.count && (isDigit(chars[j + 1]) || chars[j + 1] == "-"))
                        || ((chars[j] == "-") && j > i && (chars[j - 1] == "e" || chars[j - 1] == "E")) {
                    // `0..<n`: stop before a range operator.
                    if chars[j] == ".", j + 1 < chars.count, chars[j + 1] == "." { break }
                    j += 1
                }
                span("n", String(chars[i..<j])); i = j
            } else if isWord(c) && !isDigit(c) {
                var j = i
                while j < chars.count, isWord(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                let afterDot = i > 0 && chars[i - 1] == "."
                var k = j
                while k < chars.count, chars[k] == " " { k += 1 }
                let next: Character? = k < chars.count ? chars[k] : nil
                let nextNext: Character? = k + 1 < chars.count ? chars[k + 1] : nil
                if keywords.contains(word) && !afterDot {
                    span("k", word)
                } else if next == ":" && nextNext != ":" && !afterDot && isArgumentLabel(chars, at: i) {
                    span("a", word)
                } else if next == "(" || next == "{" && !afterDot && !keywords.contains(word) && isCallBlock(chars, k) {
                    span("f", word)
                } else {
                    out += Markdown.escape(word)
                }
                i = j
            } else {
                out += Markdown.escape(String(c)); i += 1
            }
        }
        return out
    }

    /// Identifier characters: ASCII letters, digits, `_`, and any non-ASCII character (the
    /// language's identifiers are ASCII; this only decides how to colour stray text).
    static func isWord(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return true }
        return (a >= 65 && a <= 90) || (a >= 97 && a <= 122) || (a >= 48 && a <= 57) || a == 95
    }

    static func isDigit(_ c: Character) -> Bool { c.asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }

    /// `name:` inside a call or a dict is a label; `x ? a : b` does not exist in the language,
    /// so any identifier followed by a colon inside brackets qualifies.
    static func isArgumentLabel(_ chars: [Character], at i: Int) -> Bool {
        var depth = 0, j = i - 1
        while j >= 0 {
            if chars[j] == ")" || chars[j] == "]" || chars[j] == "}" { depth += 1 }
            if chars[j] == "(" || chars[j] == "[" || chars[j] == "{" {
                if depth == 0 { return chars[j] != "[" } else { depth -= 1 }
            }
            j -= 1
        }
        return false
    }

    /// A trailing-block call such as `no_grad {` — rather than an `if x {` condition.
    static func isCallBlock(_ chars: [Character], _ brace: Int) -> Bool {
        var j = brace - 1
        while j >= 0, chars[j] == " " { j -= 1 }
        while j >= 0, isWord(chars[j]) { j -= 1 }
        while j >= 0, chars[j] == " " { j -= 1 }
        // The word must start its statement (line start, `=`, `(` or `{`).
        return j < 0 || "\n=({;,".contains(chars[j])
    }
}
