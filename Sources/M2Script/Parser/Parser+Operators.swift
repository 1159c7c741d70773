extension Parser {
    /// expression = or
    mutating func expression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        return try or()
    }

    /// or = and { ("or" | "||") and }
    mutating func or() throws -> Expr {
        var left = try and()
        while match(.kwOr, .pipePipe) {
            skipNewlines()
            let right = try and()
            left = .logical(isAnd: false, left, right, left.span.through(right.span))
        }
        return left
    }

    /// and = not { ("and" | "&&") not }
    mutating func and() throws -> Expr {
        var left = try not()
        while match(.kwAnd, .ampAmp) {
            skipNewlines()
            let right = try not()
            left = .logical(isAnd: true, left, right, left.span.through(right.span))
        }
        return left
    }

    /// not = ("not" | "!") not | comparison
    mutating func not() throws -> Expr {
        if check(.kwNot) || check(.bang) {
            let op = advance()
            try enter()
            defer { depth -= 1 }
            let operand = try not()
            return .unary(.not, operand, op.span.through(operand.span))
        }
        return try comparison()
    }

    /// comparison = range { ("==" | "!=" | "<" | "<=" | ">" | ">=") range }
    mutating func comparison() throws -> Expr {
        let ops: [TokenKind: BinaryOperator] = [.equalEqual: .equal, .bangEqual: .notEqual, .less: .less,
                                                .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual]
        return try leftAssociative(ops, next: { try $0.range() })
    }

    /// range = additive [ ("..<" | "...") additive ]
    mutating func range() throws -> Expr {
        let left = try additive()
        if check(.dotDotLess) || check(.dotDotDot) {
            let inclusive = advance().kind == .dotDotDot
            skipNewlines()
            let right = try additive()
            return .range(left, right, inclusive: inclusive, left.span.through(right.span))
        }
        return left
    }

    /// additive = multiplicative { ("+" | "-") multiplicative }
    mutating func additive() throws -> Expr {
        try leftAssociative([.plus: .add, .minus: .subtract], next: { try $0.multiplicative() })
    }

    /// multiplicative = unary { ("*" | "/" | "//" | "%" | "@") unary }
    mutating func multiplicative() throws -> Expr {
        let ops: [TokenKind: BinaryOperator] = [.star: .multiply, .slash: .divide, .slashSlash: .floorDivide,
                                                .percent: .remainder, .at: .matmul]
        return try leftAssociative(ops, next: { try $0.unary() })
    }

    /// unary = ("-" | "+") unary | power
    mutating func unary() throws -> Expr {
        if check(.minus) || check(.plus) {
            let op = advance()
            try enter()
            defer { depth -= 1 }
            let operand = try unary()
            return .unary(op.kind == .minus ? .negate : .plus, operand, op.span.through(operand.span))
        }
        return try power()
    }

    /// power = postfix [ "**" unary ]   (right-associative; `-2 ** 2` is `-(2 ** 2)`)
    mutating func power() throws -> Expr {
        let base = try postfix()
        if match(.starStar) {
            skipNewlines()
            try enter()
            defer { depth -= 1 }
            let exponent = try unary()
            return .binary(.power, base, exponent, base.span.through(exponent.span))
        }
        return base
    }

    /// A left-associative chain of binary operators from `ops` over operands parsed by `next`.
    mutating func leftAssociative(_ ops: [TokenKind: BinaryOperator], next: (inout Parser) throws -> Expr) throws -> Expr {
        var left = try next(&self)
        while let op = ops[peek.kind] {
            advance()
            skipNewlines()
            let right = try next(&self)
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
    }
}
