extension Session {
    /// Completions for the word at the end of `text` (the line up to the cursor):
    /// members after `value.`, keyword arguments (`axis: `) inside a call, otherwise names
    /// in scope, builtins and keywords. Each result replaces the partial word.
    ///
    /// Member access is only resolved for chains of names (`m2.teacher.`): completion
    /// never calls functions.
    public func completions(for text: String) -> [String] {
        let chars = Array(text)
        var i = chars.count
        while i > 0, isNameChar(chars[i - 1]) { i -= 1 }
        let prefix = String(chars[i...])
        if i > 0, chars[i - 1] == "." {
            guard let value = resolveChain(chars, endingBefore: i - 1) else { return [] }
            return Interpreter.memberNames(of: value).filter { $0.hasPrefix(prefix) }
        }
        var results: [String] = []
        if let callee = enclosingCallee(chars, before: i) {
            let names: [String]
            switch callee {
            case .function(let f): names = f.parameterNames
            default: names = []
            }
            results += names.filter { $0.hasPrefix(prefix) }.map { $0 + ": " }
        }
        let names = interpreter.globals.visibleNames + TokenKind.keywords.keys.sorted()
        results += names.filter { $0.hasPrefix(prefix) }.sorted()
        return results
    }

    private func isNameChar(_ c: Character) -> Bool { c == "_" || c.isLetter || (c.isASCII && c.isNumber) }

    /// Resolves `a.b.c` ending just before `end` by lookups and member reads.
    private func resolveChain(_ chars: [Character], endingBefore end: Int) -> Value? {
        var start = end
        while start > 0, isNameChar(chars[start - 1]) || chars[start - 1] == "." { start -= 1 }
        let parts = String(chars[start..<end]).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty, var value = interpreter.globals.lookup(first) else { return nil }
        let span = SourceSpan(file: SourceFile(name: "<completion>", text: ""), start: 0, length: 1, line: 1, column: 1)
        for name in parts.dropFirst() {
            guard !name.isEmpty, let v = try? interpreter.getMember(value, name, at: span) else { return nil }
            value = v
        }
        return value
    }

    /// The value called by the innermost unclosed `(` before `end`, when it is a name chain.
    private func enclosingCallee(_ chars: [Character], before end: Int) -> Value? {
        var depth = 0
        var j = end - 1
        while j >= 0 {
            switch chars[j] {
            case ")", "]": depth += 1
            case "(", "[":
                if depth == 0 {
                    guard chars[j] == "(" else { return nil }
                    return resolveChain(chars, endingBefore: j)
                }
                depth -= 1
            default: break
            }
            j -= 1
        }
        return nil
    }
}
