import M2Tensor

extension Interpreter {
    /// `value.name`: a property, a record field, or a bound method.
    func getMember(_ value: Value, _ name: String, at span: SourceSpan) throws -> Value {
        let found: Value?
        do {
            switch value {
            case .tensor(let t): found = try TensorMembers.get(t, name)
            case .list(let l): found = CollectionMembers.list.bind(l, name, typeName: "list")
            case .string(let s): found = CollectionMembers.string.bind(s, name, typeName: "string")
            case .dict(let d): found = d[name] ?? CollectionMembers.dict.bind(d, name, typeName: "dict")
            case .object(let o): found = try o.member(name)
            default: found = nil
            }
        } catch {
            throw wrap(error, at: span)
        }
        guard let found else {
            throw self.error("a \(value.typeName) has no member '\(name)'" + Suggestion.hint(for: name, among: Interpreter.memberNames(of: value)), at: span)
        }
        return found
    }

    /// `value.name = v`: tensor properties, record fields, object properties.
    func setMember(_ value: Value, _ name: String, _ newValue: Value) throws {
        switch value {
        case .tensor(let t): try TensorMembers.set(t, name, newValue)
        case .dict(let d): d[name] = newValue
        case .object(let o): try o.setMember(name, to: newValue)
        default: throw RuntimeFailure("cannot assign to '\(name)' of a \(value.typeName)")
        }
    }

    /// Every member of a value, for completion and suggestions.
    public static func memberNames(of value: Value) -> [String] {
        switch value {
        case .tensor: return TensorMembers.names
        case .list: return CollectionMembers.list.names
        case .string: return CollectionMembers.string.names
        case .dict(let d):
            let fields = d.keys.compactMap { k -> String? in if case .string(let s) = k { return s }; return nil }
            return fields + CollectionMembers.dict.names
        case .object(let o): return o.memberNames
        default: return []
        }
    }
}
