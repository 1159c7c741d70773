import M2Script

extension Kernel {
    /// `complete_request`: the REPL's completion of the word before the cursor — names,
    /// members after `.` (through literal subscripts), keyword arguments inside a call.
    func complete(_ content: JSON) -> JSON {
        let code = content["code"]?.string ?? ""
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(content["cursor_pos"]?.int ?? scalars.count, 0), scalars.count)
        var start = cursor
        while start > 0, Kernel.isNameScalar(scalars[start - 1]) { start -= 1 }
        let before = String(String.UnicodeScalarView(scalars[..<cursor]))
        return ["status": "ok", "matches": .array(session.completions(for: before).map(JSON.string)),
                "cursor_start": .int(start), "cursor_end": .int(cursor), "metadata": [:]]
    }

    /// `inspect_request`: the help text (signature, documentation, example) of the name at
    /// the cursor, as `help(name)` prints it.
    func inspect(_ content: JSON) -> JSON {
        let scalars = Array((content["code"]?.string ?? "").unicodeScalars)
        let cursor = min(max(content["cursor_pos"]?.int ?? scalars.count, 0), scalars.count)
        var start = cursor, end = cursor
        while start > 0, Kernel.isNameScalar(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, Kernel.isNameScalar(scalars[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(scalars[start..<end]))
        guard !name.isEmpty, session.interpreter.globals.lookup(name) != nil else {
            return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": .string(session.help(name))], "metadata": [:]]
    }

    /// `is_complete_request`: the REPL's continuation rule — `incomplete` while brackets or
    /// blocks are open, an interpolation is unfinished or a binary operator ends the text.
    func isComplete(_ content: JSON) -> JSON {
        Session.isIncomplete(content["code"]?.string ?? "") ? ["status": "incomplete", "indent": "  "] : ["status": "complete"]
    }

    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || ("0"..."9").contains(s)
    }
}
