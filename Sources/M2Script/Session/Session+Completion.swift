import Foundation

extension Session {
    /// Completions for the word at the end of `text` (the line up to the cursor):
    /// members after `value.`, keyword arguments (`axis: `) inside a call, otherwise names
    /// in scope, builtins and keywords. Each result replaces the partial word.
    ///
    /// Member access is only resolved for chains of names and literal subscripts
    /// (`m2.teacher.`, `m.layer1[0].`): completion never calls functions.
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

    /// Resolves a chain like `a.b[0].c` or `d["key"].e` ending just before `end` by lookups,
    /// member reads and subscripts with a literal integer or string (never calls).
    private func resolveChain(_ chars: [Character], endingBefore end: Int) -> Value? {
        var start = end
        while start > 0 {
            let c = chars[start - 1]
            if isNameChar(c) || c == "." { start -= 1; continue }
            guard c == "]", let open = chars[..<(start - 1)].lastIndex(of: "[") else { break }
            start = open
        }
        guard let parts = chainParts(Array(chars[start..<end])), case .name(let first)? = parts.first,
              var value = interpreter.globals.lookup(first) else { return nil }
        let span = SourceSpan(file: SourceFile(name: "<completion>", text: ""), start: 0, length: 1, line: 1, column: 1)
        for part in parts.dropFirst() {
            switch part {
            case .name(let name):
                guard let v = try? interpreter.getMember(value, name, at: span) else { return nil }
                value = v
            case .index(let key):
                guard let v = try? interpreter.subscriptGet(value, [.single(key)]) else { return nil }
                value = v
            }
        }
        return value
    }

    private enum ChainPart { case name(String), index(Value) }

    /// `a.b[0]["k"]` → name a, name b, index 0, index "k"; nil for anything else.
    private func chainParts(_ chars: [Character]) -> [ChainPart]? {
        var parts: [ChainPart] = []
        var i = 0
        func name() -> String? {
            let s = i
            while i < chars.count, isNameChar(chars[i]) { i += 1 }
            return i > s && !(chars[s].isASCII && chars[s].isNumber) ? String(chars[s..<i]) : nil
        }
        guard let first = name() else { return nil }
        parts.append(.name(first))
        while i < chars.count {
            if chars[i] == "." {
                i += 1
                guard let n = name() else { return nil }
                parts.append(.name(n))
            } else if chars[i] == "[" {
                guard let close = chars[i...].firstIndex(of: "]") else { return nil }
                let text = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
                if let n = Int(text) {
                    parts.append(.index(.int(n)))
                } else if text.count >= 2, let q = text.first, q == "\"" || q == "'", text.last == q {
                    parts.append(.index(.string(String(text.dropFirst().dropLast()))))
                } else {
                    return nil
                }
                i = close + 1
            } else {
                return nil
            }
        }
        return parts
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
