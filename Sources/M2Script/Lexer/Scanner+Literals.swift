extension Scanner {
    /// number = digit { digit | "_" } [ "." digit { digit } ] [ ("e" | "E") ["+" | "-"] digit { digit } ]
    mutating func scanNumber() {
        var isDouble = chars[start] == "."
        func digits() { while (peek().isASCII && peek().isNumber) || (peek() == "_" && peek(1).isASCII && peek(1).isNumber) { advance() } }
        digits()
        if !isDouble, peek() == ".", peek(1).isASCII, peek(1).isNumber {
            isDouble = true
            advance()
            digits()
        }
        if peek() == "e" || peek() == "E" {
            let sign = peek(1) == "+" || peek(1) == "-"
            let next = sign ? peek(2) : peek(1)
            if next.isASCII && next.isNumber {
                isDouble = true
                advance()
                if sign { advance() }
                digits()
            }
        }
        let text = String(chars[start..<current]).replacingOccurrences(of: "_", with: "")
        if !isDouble, let v = Int(text) {
            add(.int) { $0.intValue = v; $0.doubleValue = Double(v) }
        } else if let v = Double(text.hasPrefix(".") ? "0" + text : text) {
            // Integers too large for Int become doubles rather than failing.
            add(.double) { $0.doubleValue = v }
        } else {
            error("malformed number '\(text)'")
        }
    }

    /// string = '"' { character | escape | "\(" expression ")" } '"'
    mutating func scanString(continuing: Bool) {
        var text = ""
        while !isAtEnd {
            let c = peek()
            if c == "\"" {
                advance()
                add(.string) { $0.text = text }
                return
            }
            if c == "\n" { break }
            advance()
            guard c == "\\" else { text.append(c); continue }
            let e = isAtEnd ? "\0" : advance()
            switch e {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\0")
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "(":
                add(.stringPart) { $0.text = text }
                pushInterpolation()
                return
            default:
                error("unknown escape '\\\(e)' in string")
            }
        }
        error("unterminated string (strings end on the line they start)")
        add(.string) { $0.text = text }
    }
}
