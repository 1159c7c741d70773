/// How a result is shown — the REPL's echo, a Jupyter cell's `text/plain` — like a notebook
/// cell: tensors NumPy-style and modules as trees (their own descriptions), records one field
/// per line with the values aligned.
public enum Echo {
    /// Records longer than this on one line are shown one field per line.
    public static let lineWidth = 72

    /// The text echoed for `value`, or `nil` for values that echo nothing (`nil`).
    public static func text(for value: Value) -> String? {
        switch value {
        case .nil: return nil
        case .dict(let d): return record(d) ?? value.repr
        default: return value.repr
        }
    }

    /// `{loss: 0.52, lr: 0.1}` stays on one line; longer records, or ones holding
    /// multi-line values, print as aligned `name: value` lines.
    public static func record(_ d: DictBox) -> String? {
        var fields: [(String, String)] = []
        for (k, v) in d.entries {
            guard case .string(let name) = k.value, isName(name) else { return nil }
            fields.append((name, v.repr))
        }
        let oneLine = Value.dict(d).repr
        guard fields.count > 1, oneLine.count > lineWidth || oneLine.contains("\n") else { return nil }
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { name, text in
            let pad = String(repeating: " ", count: width - name.count)
            let indent = "\n" + String(repeating: " ", count: width + 2)
            return name + pad + ": " + text.replacingOccurrences(of: "\n", with: indent)
        }.joined(separator: "\n")
    }

    private static func isName(_ s: String) -> Bool {
        guard let f = s.first, f == "_" || f.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || ($0.isASCII && $0.isNumber) }
    }
}
