extension Parser {
    /// postfix = primary { "(" arguments ")" | "[" subscript "]" | "." IDENTIFIER } [ block ]
    ///
    /// A block right after a call or a name is a trailing closure passed as the last
    /// argument: `no_grad { … }` is `no_grad(fn() { … })`.
    mutating func postfix() throws -> Expr {
        var expr = try primary()
        var steps = 0
        while true {
            steps += 1
            if steps > Parser.maxDepth { throw error("too many calls, subscripts or members in a row", at: peek) }
            if match(.leftParen) {
                let args = try arguments()
                let close = try consume(.rightParen, "expected ')' after the arguments")
                expr = .call(expr, args + (try trailingBlock()), expr.span.through(close.span))
            } else if match(.leftBracket) {
                let items = try subscriptItems()
                let close = try consume(.rightBracket, "expected ']' after the subscript")
                expr = .index(expr, items, expr.span.through(close.span))
            } else if match(.dot) {
                // Keywords are fine as member names: `x.var()`.
                let name = TokenKind.keywords[peek.lexeme] != nil ? advance() : try consume(.identifier, "expected a member name after '.'")
                expr = .member(expr, name.lexeme, expr.span.through(name.span))
            } else if allowTrailingBlock, check(.leftBrace), case .variable = expr {
                expr = .call(expr, try trailingBlock(), expr.span)
            } else {
                return expr
            }
        }
    }

    /// The closure argument of a trailing block, if a `{` follows.
    mutating func trailingBlock() throws -> [Argument] {
        guard allowTrailingBlock, check(.leftBrace) else { return [] }
        let span = peek.span
        let body = try block()
        return [Argument(label: nil, value: .function(FunctionDecl(name: nil, parameters: [], body: body, span: span)), span: span)]
    }

    /// arguments = [ argument { "," argument } [","] ] ;  argument = [ IDENTIFIER ":" ] expression
    mutating func arguments() throws -> [Argument] {
        var args: [Argument] = []
        let saved = allowTrailingBlock
        allowTrailingBlock = true
        defer { allowTrailingBlock = saved }
        while !check(.rightParen) && !check(.eof) {
            var label: String?
            let first = peek
            if check(.identifier) && tokens[min(current + 1, tokens.count - 1)].kind == .colon {
                label = advance().lexeme
                advance()
                if args.contains(where: { $0.label == label }) {
                    throw error("keyword argument '\(first.lexeme)' is given twice", at: first)
                }
            } else if args.contains(where: { $0.label != nil }) {
                throw error("positional argument after a keyword argument", at: first)
            }
            let value = try expression()
            args.append(Argument(label: label, value: value, span: first.span.through(value.span)))
            if !match(.comma) { break }
        }
        return args
    }

    /// subscript = item { "," item } [","] ;
    /// item = "..." | [ expression ] ":" [ expression ] [ ":" [ expression ] ] | expression
    mutating func subscriptItems() throws -> [IndexItem] {
        var items: [IndexItem] = []
        let saved = allowTrailingBlock
        allowTrailingBlock = true
        defer { allowTrailingBlock = saved }
        repeat {
            if check(.rightBracket) { break }
            if check(.dotDotDot) {
                let next = tokens[min(current + 1, tokens.count - 1)].kind
                if next == .comma || next == .rightBracket {
                    advance()
                    items.append(.ellipsis)
                    continue
                }
            }
            func bound(_ p: inout Parser) throws -> Expr? {
                p.check(.colon) || p.check(.comma) || p.check(.rightBracket) ? nil : try p.expression()
            }
            let start = try bound(&self)
            guard match(.colon) else {
                guard let start else { throw error("expected an index, found \(peek)", at: peek) }
                items.append(.single(start))
                continue
            }
            let end = try bound(&self)
            var step: Expr?
            if match(.colon) { step = try bound(&self) }
            items.append(.slice(start: start, end: end, step: step))
        } while match(.comma)
        if items.isEmpty { throw error("expected an index inside '[]'", at: peek) }
        return items
    }
}
