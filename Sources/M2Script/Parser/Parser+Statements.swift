extension Parser {
    /// statement = letStmt | fnDecl | ifStmt | whileStmt | forStmt | returnStmt
    ///           | "break" | "continue" | exprStmt
    mutating func statement() throws -> Stmt {
        try enter()
        defer { depth -= 1 }
        switch peek.kind {
        case .kwLet, .kwVar: return try letStatement()
        case .kwFn where tokens[min(current + 1, tokens.count - 1)].kind == .identifier:
            return .function(try functionDecl(named: true))
        case .kwIf: return try ifStatement()
        case .kwWhile: return try whileStatement()
        case .kwFor: return try forStatement()
        case .kwReturn:
            let keyword = advance()
            if check(.newline) || check(.semicolon) || check(.rightBrace) || check(.eof) {
                return .returnStmt(nil, keyword.span)
            }
            let value = try expression()
            return .returnStmt(value, keyword.span.through(value.span))
        case .kwBreak: return .breakStmt(advance().span)
        case .kwContinue: return .continueStmt(advance().span)
        default: return try expressionStatement()
        }
    }

    /// letStmt = ("let" | "var") pattern "=" expression
    mutating func letStatement() throws -> Stmt {
        let keyword = advance()
        let target = try pattern()
        _ = try consume(.equal, "expected '=' after the name in a declaration")
        skipNewlines()
        let value = try expression()
        return .declaration(target, value, keyword.span.through(value.span))
    }

    /// pattern = IDENTIFIER | "(" pattern { "," pattern } [","] ")"
    mutating func pattern() throws -> Pattern {
        try enter()
        defer { depth -= 1 }
        if check(.identifier) {
            let t = advance()
            return .name(t.lexeme, t.span)
        }
        let open = try consume(.leftParen, "expected a name or '(' to destructure")
        var parts: [Pattern] = []
        repeat {
            if check(.rightParen) { break }
            parts.append(try pattern())
        } while match(.comma)
        let close = try consume(.rightParen, "expected ')' after the names")
        return .tuple(parts, open.span.through(close.span))
    }

    /// fnDecl = "fn" IDENTIFIER "(" [ parameters ] ")" block
    /// closure = "fn" "(" [ parameters ] ")" block
    mutating func functionDecl(named: Bool) throws -> FunctionDecl {
        let keyword = advance()
        var name: String?
        var span = keyword.span
        if named {
            let id = try consume(.identifier, "expected the function's name")
            name = id.lexeme
            span = span.through(id.span)
        }
        _ = try consume(.leftParen, "expected '(' before the parameters")
        let params = try parameters()
        _ = try consume(.rightParen, "expected ')' after the parameters")
        let body = try block()
        return FunctionDecl(name: name, parameters: params, body: body, span: span)
    }

    /// parameters = parameter { "," parameter } [","] ;  parameter = IDENTIFIER [ "=" expression ]
    mutating func parameters() throws -> [Parameter] {
        var params: [Parameter] = []
        while check(.identifier) {
            let id = advance()
            if params.contains(where: { $0.name == id.lexeme }) {
                throw error("parameter '\(id.lexeme)' is declared twice", at: id)
            }
            var defaultValue: Expr?
            if match(.equal) { defaultValue = try expression() }
            params.append(Parameter(name: id.lexeme, defaultValue: defaultValue, span: id.span))
            if !match(.comma) { break }
        }
        return params
    }

    /// block = "{" { separator } { statement { separator } } "}"
    mutating func block() throws -> [Stmt] {
        try enter()
        defer { depth -= 1 }
        _ = try consume(.leftBrace, "expected '{' to open a block")
        let saved = allowTrailingBlock
        allowTrailingBlock = true
        defer { allowTrailingBlock = saved }
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.rightBrace) && !check(.eof) {
            let before = errors.count
            if let s = declarationWithRecovery() { statements.append(s) }
            if errors.count > before && errors.count >= Parser.maxErrors { throw ParseError() }
            skipSeparators()
        }
        _ = try consume(.rightBrace, "expected '}' to close the block")
        return statements
    }

    /// The condition or sequence of `if`/`while`/`for`, where `{` starts the body.
    mutating func headExpression() throws -> Expr {
        let saved = allowTrailingBlock
        allowTrailingBlock = false
        defer { allowTrailingBlock = saved }
        return try expression()
    }

    /// ifStmt = "if" expression block [ "else" ( ifStmt | block ) ]
    mutating func ifStatement() throws -> Stmt {
        let keyword = advance()
        let condition = try headExpression()
        let thenBranch = try block()
        var elseBranch: [Stmt]?
        if nextAfterNewlines(is: .kwElse) {
            skipNewlines()
            advance()
            if check(.kwIf) {
                try enter()
                defer { depth -= 1 }
                elseBranch = [try ifStatement()]
            } else {
                elseBranch = try block()
            }
        }
        return .ifStmt(condition, thenBranch, elseBranch, keyword.span.through(condition.span))
    }

    /// whileStmt = "while" expression block
    mutating func whileStatement() throws -> Stmt {
        let keyword = advance()
        let condition = try headExpression()
        return .whileStmt(condition, try block(), keyword.span.through(condition.span))
    }

    /// forStmt = "for" pattern "in" expression block
    mutating func forStatement() throws -> Stmt {
        let keyword = advance()
        let target = try pattern()
        _ = try consume(.kwIn, "expected 'in' after the loop variable")
        let sequence = try headExpression()
        return .forStmt(target, sequence, try block(), keyword.span.through(sequence.span))
    }

    /// exprStmt = expression [ ( "=" | "+=" | "-=" | "*=" | "/=" ) expression ]
    mutating func expressionStatement() throws -> Stmt {
        let expr = try expression()
        let compound: [TokenKind: BinaryOperator] = [.plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply, .slashEqual: .divide]
        guard check(.equal) || compound[peek.kind] != nil else { return .expression(expr) }
        let op = advance()
        switch expr {
        case .variable, .member, .index: break
        default: throw error("cannot assign to this expression; assign to a name, a member or an element", at: op)
        }
        skipNewlines()
        let value = try expression()
        return .assignment(target: expr, compound: compound[op.kind], value: value, expr.span.through(value.span))
    }
}
