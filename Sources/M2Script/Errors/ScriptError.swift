/// An error the language reports: a syntax error found before running, or a runtime error.
///
/// Errors are values: they carry the span of the offending code and, for runtime errors,
/// the call sites that led there. ``rendered`` prints them the way compilers do:
///
/// ```text
/// lesson.m2t:3:14: error: expected ')'
///     let y = f(x
///                ^
/// ```
public struct ScriptError: Error, CustomStringConvertible {
    /// The phase that found the problem.
    public enum Kind: String, Sendable {
        /// The scanner or the parser rejected the text.
        case syntax
        /// Evaluation failed (wrong types, shapes, undefined names, limits…).
        case runtime
        /// The run was stopped by ``Session/interrupt()``.
        case interrupted
    }

    /// One call site on the way to a runtime error, innermost last.
    public struct Frame {
        /// The called function's name (`<fn>` for anonymous closures).
        public let function: String
        /// Where it was called.
        public let span: SourceSpan
    }

    /// The phase that found the problem.
    public let kind: Kind
    /// What went wrong, in one sentence.
    public let message: String
    /// Where; `nil` only for errors raised outside any source (host misuse).
    public let span: SourceSpan?
    /// Calls active when a runtime error happened, outermost first.
    public var stack: [Frame] = []
    /// Whether a syntax error happened at the end of the input: more lines may complete it.
    public var atEnd: Bool = false

    /// A new error; see the properties.
    public init(_ kind: Kind, _ message: String, at span: SourceSpan?, atEnd: Bool = false) {
        self.kind = kind
        self.message = message
        self.span = span
        self.atEnd = atEnd
    }

    /// `file:line:col: error: message`, without the quoted source.
    public var description: String {
        if let span { return "\(span): error: \(message)" }
        return "error: \(message)"
    }

    /// The header line, the source line with a caret under the span, then the call stack.
    public var rendered: String {
        var out = description
        if let span {
            let line = span.file.line(span.line)
            out += "\n    " + line + "\n    "
            let lead = line.prefix(max(span.column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
            let room = max(line.count - (span.column - 1), 1)
            out += lead + "^" + String(repeating: "~", count: max(min(span.length, room) - 1, 0))
        }
        for frame in stack.reversed() {
            out += "\n  in \(frame.function) called at \(frame.span)"
        }
        return out
    }
}

/// What the interpreter throws inside itself before a span is attached: a plain message.
///
/// Builtins throw this; the interpreter converts it to a ``ScriptError`` at the call site.
public struct RuntimeFailure: Error, CustomStringConvertible {
    /// The message shown to the user.
    public let message: String
    /// A failure with `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
