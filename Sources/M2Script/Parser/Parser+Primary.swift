extension Parser {
    /// primary = NUMBER | STRING | interpolation | "true" | "false" | "nil" | IDENTIFIER
    ///         | "(" expression ")" | tuple | list | dict | closure
    mutating func primary() throws -> Expr {
        let token = peek
        switch token.kind {
        case .int: advance(); return .literal(.int(token.intValue), token.span)
        case .double: advance(); return .literal(.double(token.doubleValue), token.span)
        case .string: advance(); return .literal(.string(token.text), token.span)
        case .stringPart: return try interpolation()
        case .kwTrue: advance(); return .literal(.bool(true), token.span)
        case .kwFalse: advance(); return .literal(.bool(false), token.span)
        case .kwNil: advance(); return .literal(.nil, token.span)
        case .identifier: advance(); return .variable(token.lexeme, token.span)
        case .leftParen: return try parenthesized()
        case .leftBracket: return try list()
        case .leftBrace: return try dict()
        case .kwFn:
            try enter()
            defer { depth -= 1 }
            return .function(try functionDecl(named: false))
        default:
            throw error("expected an expression, found \(token)", at: token)
        }
    }

    /// interpolation = STRING_PART expression { STRING_PART expression } STRING
    mutating func interpolation() throws -> Expr {
        let first = peek
        var parts: [Expr] = []
        while check(.stringPart) {
            let part = advance()
            if !part.text.isEmpty { parts.append(.literal(.string(part.text), part.span)) }
            parts.append(try expression())
            guard check(.rightParen) || check(.string) || check(.stringPart) else {
                throw error("expected ')' to end the interpolation, found \(peek)", at: peek)
            }
        }
        let last = try consume(.string, "expected the rest of the string")
        if !last.text.isEmpty { parts.append(.literal(.string(last.text), last.span)) }
        return .interpolation(parts, first.span.through(last.span))
    }

    /// "(" expression ")" | tuple = "(" [ expression "," { expression "," } [ expression ] ] ")"
    mutating func parenthesized() throws -> Expr {
        let open = advance()
        try enter()
        defer { depth -= 1 }
        let saved = allowTrailingBlock
        allowTrailingBlock = true
        defer { allowTrailingBlock = saved }
        if check(.rightParen) { return .tuple([], open.span.through(advance().span)) }
        let first = try expression()
        if !check(.comma) {
            _ = try consume(.rightParen, "expected ')'")
            return first
        }
        var items = [first]
        while match(.comma) {
            if check(.rightParen) { break }
            items.append(try expression())
        }
        let close = try consume(.rightParen, "expected ')' after the tuple")
        return .tuple(items, open.span.through(close.span))
    }

    /// list = "[" [ expression { "," expression } [","] ] "]"
    mutating func list() throws -> Expr {
        let open = advance()
        try enter()
        defer { depth -= 1 }
        let saved = allowTrailingBlock
        allowTrailingBlock = true
        defer { allowTrailingBlock = saved }
        var items: [Expr] = []
        while !check(.rightBracket) && !check(.eof) {
            items.append(try expression())
            if !match(.comma) { break }
        }
        let close = try consume(.rightBracket, "expected ']' after the list")
        return .list(items, open.span.through(close.span))
    }

    /// dict = "{" [ entry { "," entry } [","] ] "}" ;  entry = ( IDENTIFIER | expression ) ":" expression
    ///
    /// A bare name as key is the string of that name (`{lr: 0.1}` is `{"lr": 0.1}`).
    mutating func dict() throws -> Expr {
        let open = advance()
        try enter()
        defer { depth -= 1 }
        let saved = allowTrailingBlock
        allowTrailingBlock = true
        defer { allowTrailingBlock = saved }
        var entries: [(Expr, Expr)] = []
        skipNewlines()
        while !check(.rightBrace) && !check(.eof) {
            let key: Expr
            if check(.identifier) && tokens[min(current + 1, tokens.count - 1)].kind == .colon {
                let name = advance()
                key = .literal(.string(name.lexeme), name.span)
            } else {
                key = try expression()
            }
            _ = try consume(.colon, "expected ':' after the key")
            skipNewlines()
            entries.append((key, try expression()))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        let close = try consume(.rightBrace, "expected '}' after the entries")
        return .dict(entries, open.span.through(close.span))
    }
}
