/// The left side of `let` and `for`: a name, or a parenthesized list of patterns that
/// destructures a tuple or list (`let (a, (b, c)) = …`).
public indirect enum Pattern {
    /// Binds one name.
    case name(String, SourceSpan)
    /// Destructures a sequence of exactly this many elements.
    case tuple([Pattern], SourceSpan)

    /// The names this pattern binds, left to right.
    public var names: [String] {
        switch self {
        case .name(let n, _): return [n]
        case .tuple(let ps, _): return ps.flatMap(\.names)
        }
    }
}

/// A statement: executed for its effect (Crafting Interpreters' `Stmt`, as an enum).
public indirect enum Stmt {
    /// An expression evaluated for its value; the last one of a function body is its result.
    case expression(Expr)
    /// `let pattern = value`: declares in the current scope.
    case declaration(Pattern, Expr, SourceSpan)
    /// `target = value` or `target += value` (target: a name, `a.b` or `a[i]`).
    case assignment(target: Expr, compound: BinaryOperator?, value: Expr, SourceSpan)
    /// `fn name(…) { … }`.
    case function(FunctionDecl)
    /// `if c { … } else if d { … } else { … }`.
    case ifStmt(Expr, [Stmt], [Stmt]?, SourceSpan)
    /// `while c { … }`.
    case whileStmt(Expr, [Stmt], SourceSpan)
    /// `for pattern in sequence { … }`.
    case forStmt(Pattern, Expr, [Stmt], SourceSpan)
    /// `return` or `return value`.
    case returnStmt(Expr?, SourceSpan)
    /// `break`.
    case breakStmt(SourceSpan)
    /// `continue`.
    case continueStmt(SourceSpan)
}
