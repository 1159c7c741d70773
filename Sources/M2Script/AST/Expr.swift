/// A binary operator, as written.
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
    case remainder = "%", power = "**", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"
}

/// One argument of a call: `x` or `axis: 1`.
public struct Argument {
    /// The keyword, for keyword arguments.
    public let label: String?
    /// The argument's expression.
    public let value: Expr
    /// Where the argument was written (label included).
    public let span: SourceSpan
}

/// One component of a subscript: `x[0, 1:3, ::2, ..., nil]`.
public enum IndexItem {
    /// A single index (or a key, for dicts).
    case single(Expr)
    /// `start:end:step`, each optional.
    case slice(start: Expr?, end: Expr?, step: Expr?)
    /// `...`: as many full slices as needed.
    case ellipsis
}

/// A function's parameter: a name and an optional default.
public struct Parameter {
    /// The parameter's name; callers may use it as a keyword.
    public let name: String
    /// Evaluated at each call when the argument is omitted.
    public let defaultValue: Expr?
    /// Where it was declared.
    public let span: SourceSpan
}

/// A function declaration or closure literal: `fn name(a, b = 1) { … }`.
public final class FunctionDecl {
    /// The declared name; `nil` for a closure literal.
    public let name: String?
    /// The parameters, in order.
    public let parameters: [Parameter]
    /// The statements of the body.
    public let body: [Stmt]
    /// The `fn` keyword through the name (for diagnostics).
    public let span: SourceSpan

    init(name: String?, parameters: [Parameter], body: [Stmt], span: SourceSpan) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.span = span
    }
}

/// An expression: produces a value (Crafting Interpreters' `Expr`, as an enum).
public indirect enum Expr {
    /// A number, string, boolean or nil written literally.
    case literal(Value, SourceSpan)
    /// A name to look up.
    case variable(String, SourceSpan)
    /// `"text \(expr) more"`: the parts are concatenated after `str`.
    case interpolation([Expr], SourceSpan)
    /// `[a, b]`.
    case list([Expr], SourceSpan)
    /// `(a, b)` or `(a,)`.
    case tuple([Expr], SourceSpan)
    /// `{key: value, "k": v}` — bare identifiers as keys are strings.
    case dict([(Expr, Expr)], SourceSpan)
    /// `-x`, `not x`.
    case unary(UnaryOperator, Expr, SourceSpan)
    /// `a + b`, `a @ b`, `a < b`… (broadcasting over tensors).
    case binary(BinaryOperator, Expr, Expr, SourceSpan)
    /// `a and b` / `a or b`, short-circuiting.
    case logical(isAnd: Bool, Expr, Expr, SourceSpan)
    /// `a..<b` or `a...b`.
    case range(Expr, Expr, inclusive: Bool, SourceSpan)
    /// `f(x, axis: 1)`.
    case call(Expr, [Argument], SourceSpan)
    /// `x[0, 1:3]`.
    case index(Expr, [IndexItem], SourceSpan)
    /// `x.shape`.
    case member(Expr, String, SourceSpan)
    /// `fn (x) { x * 2 }`.
    case function(FunctionDecl)

    /// Where the expression was written.
    public var span: SourceSpan {
        switch self {
        case .literal(_, let s), .variable(_, let s), .interpolation(_, let s), .list(_, let s),
             .tuple(_, let s), .dict(_, let s), .unary(_, _, let s), .binary(_, _, _, let s),
             .logical(_, _, _, let s), .range(_, _, _, let s), .call(_, _, let s),
             .index(_, _, let s), .member(_, _, let s):
            return s
        case .function(let decl):
            return decl.span
        }
    }
}
