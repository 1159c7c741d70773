import Foundation

/// Methods of lists, strings and dicts.
enum CollectionMembers {
    static let list: MethodTable<ListBox> = {
        let m = MethodTable<ListBox>()
        m.method("append", "value", doc: "Adds a value at the end.", example: "xs.append(4)") { l, a in
            try a.interpreter.checkCollectionSize(l.items.count + 1)
            l.items.append(a["value"]); return .nil
        }
        m.method("extend", "values", doc: "Adds every value of a list or tuple.", example: "xs.extend([5, 6])") { l, a in
            guard let items = a["values"].sequenceItems else { throw a.fail("values", "a list or tuple") }
            try a.interpreter.checkCollectionSize(l.items.count + items.count)
            l.items += items; return .nil
        }
        m.method("pop", "index=-1", doc: "Removes and returns the value at `index` (the last by default).", example: "xs.pop()") { l, a in
            let i = try a.interpreter.position(a["index"], count: l.items.count)
            return l.items.remove(at: i)
        }
        m.method("insert", "index, value", doc: "Inserts before `index`.", example: "xs.insert(0, 9)") { l, a in
            let i = min(max(try a.int("index"), -l.items.count), l.items.count)
            l.items.insert(a["value"], at: i < 0 ? i + l.items.count : i); return .nil
        }
        m.method("contains", "value", doc: "Whether the list holds `value`.", example: "xs.contains(2)") { l, a in
            .bool(l.items.contains { $0.isEqual(to: a["value"]) })
        }
        m.method("index", "value", doc: "The first position of `value`, or nil.", example: "xs.index(2)") { l, a in
            l.items.firstIndex { $0.isEqual(to: a["value"]) }.map { .int($0) } ?? .nil
        }
        m.method("reverse", "", doc: "Reverses in place.", example: "xs.reverse()") { l, _ in l.items.reverse(); return .nil }
        m.method("copy", "", doc: "A shallow copy.", example: "xs.copy()") { l, _ in .list(ListBox(l.items)) }
        m.method("map", "f", doc: "A new list of f(x) for each x.", example: "xs.map(fn(x) { x * 2 })") { l, a in
            let f = a["f"]
            return .list(ListBox(try l.items.map { try a.interpreter.call(f, Arguments([$0])) }))
        }
        m.method("filter", "f", doc: "A new list of the x for which f(x) is true.", example: "xs.filter(fn(x) { x > 1 })") { l, a in
            let f = a["f"]
            return .list(ListBox(try l.items.filter { try a.interpreter.call(f, Arguments([$0])).isTruthy() }))
        }
        return m
    }()

    static let string: MethodTable<String> = {
        let m = MethodTable<String>()
        m.method("upper", "", doc: "Upper case.", example: "\"ab\".upper()") { s, _ in .string(s.uppercased()) }
        m.method("lower", "", doc: "Lower case.", example: "\"AB\".lower()") { s, _ in .string(s.lowercased()) }
        m.method("strip", "", doc: "Without surrounding whitespace.", example: "\" a \".strip()") { s, _ in
            .string(s.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        m.method("split", "separator=nil", doc: "Pieces between separators (whitespace by default).", example: "\"a,b\".split(\",\")") { s, a in
            let parts: [String]
            if a.isNil("separator") { parts = s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init) }
            else {
                let sep = try a.string("separator")
                guard !sep.isEmpty else { throw RuntimeFailure("split: the separator is empty") }
                parts = s.components(separatedBy: sep)
            }
            return .list(ListBox(parts.map { .string($0) }))
        }
        m.method("join", "items", doc: "The items' strings joined by this string.", example: "\", \".join([1, 2])") { s, a in
            guard let items = a["items"].sequenceItems else { throw a.fail("items", "a list or tuple") }
            return .string(items.map(\.description).joined(separator: s))
        }
        m.method("contains", "text", doc: "Whether `text` occurs.", example: "\"abc\".contains(\"b\")") { s, a in .bool(s.contains(try a.string("text"))) }
        m.method("starts_with", "prefix", doc: "Whether it starts with `prefix`.", example: "\"abc\".starts_with(\"a\")") { s, a in .bool(s.hasPrefix(try a.string("prefix"))) }
        m.method("ends_with", "suffix", doc: "Whether it ends with `suffix`.", example: "\"abc\".ends_with(\"c\")") { s, a in .bool(s.hasSuffix(try a.string("suffix"))) }
        m.method("replace", "old, new", doc: "Every `old` replaced by `new`.", example: "\"a-b\".replace(\"-\", \"+\")") { s, a in
            let old = try a.string("old")
            guard !old.isEmpty else { return .string(s) }
            return .string(s.replacingOccurrences(of: old, with: try a.string("new")))
        }
        return m
    }()

    static let dict: MethodTable<DictBox> = {
        let m = MethodTable<DictBox>()
        m.method("keys", "", doc: "The keys in insertion order.", example: "d.keys()") { d, _ in .list(ListBox(d.keys.map(\.value))) }
        m.method("values", "", doc: "The values in insertion order.", example: "d.values()") { d, _ in .list(ListBox(d.entries.map(\.1))) }
        m.method("items", "", doc: "(key, value) tuples.", example: "d.items()") { d, _ in .list(ListBox(d.entries.map { .tuple([$0.0.value, $0.1]) })) }
        m.method("get", "key, default=nil", doc: "The value for `key`, or `default`.", example: "d.get(\"lr\", 0.1)") { d, a in
            d[try DictKey(a["key"])] ?? a["default"]
        }
        m.method("contains", "key", doc: "Whether `key` is present.", example: "d.contains(\"lr\")") { d, a in .bool(d[try DictKey(a["key"])] != nil) }
        m.method("remove", "key", doc: "Removes `key` and returns its value (nil if absent).", example: "d.remove(\"lr\")") { d, a in
            let k = try DictKey(a["key"])
            let v = d[k]
            d[k] = nil
            return v ?? .nil
        }
        m.method("copy", "", doc: "A shallow copy.", example: "d.copy()") { d, _ in .dict(DictBox(d.entries)) }
        return m
    }()
}
