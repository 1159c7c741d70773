import M2Tensor

extension Interpreter {
    /// `x[i]`, `x[a:b:c]`, `d[key]`, `t[0, 1:3, ..., nil]`.
    func subscriptGet(_ object: Value, _ keys: [IndexKey]) throws -> Value {
        if case .tensor(let t) = object { return .tensor(try t.index(try tensorIndices(keys))) }
        if case .dict(let d) = object {
            guard keys.count == 1, case .single(let k) = keys[0] else { throw RuntimeFailure("a dict takes one key") }
            guard let v = d[try DictKey(k)] else { throw RuntimeFailure("key \(k.repr) is not in the dict") }
            return v
        }
        guard keys.count == 1 else { throw RuntimeFailure("a \(object.typeName) takes one index") }
        switch (object, keys[0]) {
        case let (.list(l), .single(i)): return l.items[try position(i, count: l.items.count)]
        case let (.tuple(t), .single(i)): return t[try position(i, count: t.count)]
        case let (.string(s), .single(i)):
            let chars = Array(s)
            return .string(String(chars[try position(i, count: chars.count)]))
        case let (.range(r), .single(i)): return .int(r.element(try position(i, count: r.count)))
        case let (.object(o as ScriptSequence), .single(i)): return try o.element(at: try position(i, count: o.length))
        case let (.list(l), .slice(a, b, c)): return .list(ListBox(sliced(l.items, a, b, c)))
        case let (.tuple(t), .slice(a, b, c)): return .tuple(sliced(t, a, b, c))
        case let (.string(s), .slice(a, b, c)): return .string(String(sliced(Array(s), a, b, c)))
        default: throw RuntimeFailure("a \(object.typeName) cannot be indexed like that")
        }
    }

    /// `x[i] = v` for lists, dicts and tensors (tensor targets must be contiguous views).
    func subscriptSet(_ object: Value, _ keys: [IndexKey], _ value: Value) throws {
        switch object {
        case .list(let l):
            guard keys.count == 1, case .single(let i) = keys[0] else { throw RuntimeFailure("list assignment takes one integer index") }
            l.items[try position(i, count: l.items.count)] = value
        case .dict(let d):
            guard keys.count == 1, case .single(let k) = keys[0] else { throw RuntimeFailure("a dict takes one key") }
            d[try DictKey(k)] = value
        case .tensor(let t):
            let view = try t.index(try tensorIndices(keys))
            if let x = value.asDouble, value.sequenceItems == nil {
                try view.fill(TensorScalar(x))
            } else {
                let src = try value.toTensor()
                try view.copyValues(from: src.shape == view.shape ? src : try src.expand(to: view.shape))
            }
        default:
            throw RuntimeFailure("cannot assign into a \(object.typeName)")
        }
    }

    /// Resolves a (possibly negative) index against `count`.
    func position(_ index: Value, count: Int) throws -> Int {
        guard let i = index.asInt else { throw RuntimeFailure("an index must be an integer, not \(index.typeName)") }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw RuntimeFailure("index \(i) is out of range for length \(count)") }
        return j
    }

    /// Python slicing semantics, clamped to the bounds.
    func sliced<T>(_ items: [T], _ start: Int?, _ end: Int?, _ step: Int?) -> [T] {
        let n = items.count
        let st = step ?? 1
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard let v else { return dflt }
            let w = v < 0 ? v + n : v
            return min(max(w, lo), hi)
        }
        var out: [T] = []
        if st > 0 {
            var i = clamp(start, 0, lo: 0, hi: n)
            let e = clamp(end, n, lo: 0, hi: n)
            while i < e { out.append(items[i]); i += st }
        } else {
            var i = clamp(start, n - 1, lo: -1, hi: n - 1)
            let e = clamp(end, -1, lo: -1, hi: n - 1)
            while i > e { out.append(items[i]); i += st }
        }
        return out
    }

    func tensorIndices(_ keys: [IndexKey]) throws -> [TensorIndex] {
        try keys.map { k in
            switch k {
            case .ellipsis: return .ellipsis
            case let .slice(a, b, c): return .slice(start: a, end: b, step: c)
            case .single(.nil): return .newAxis
            case .single(let v):
                guard let i = v.asInt else { throw RuntimeFailure("a tensor index must be an integer, a slice, '...' or nil, not \(v.typeName)") }
                return .at(i)
            }
        }
    }

    /// Calls `body` with each element of a sequence until it returns `false`.
    func iterate(_ sequence: Value, at span: SourceSpan, _ body: (Value) throws -> Bool) throws {
        switch sequence {
        case .list(let l):
            var i = 0
            while i < l.items.count {  // re-read: the body may change the list
                if try !body(l.items[i]) { return }
                i += 1
            }
        case .tuple(let t): for v in t where try !body(v) { return }
        case .string(let s): for c in s where try !body(.string(String(c))) { return }
        case .dict(let d): for k in d.keys where try !body(k.value) { return }
        case .range(let r):
            var i = 0
            let n = r.count
            while i < n {
                if try !body(.int(r.element(i))) { return }
                i += 1
            }
        case .tensor(let t):
            guard t.rank >= 1 else { throw error("cannot iterate over a rank-0 tensor", at: span) }
            for i in 0..<t.shape[0] {
                let item: Tensor
                do { item = try t.index([.at(i)]) } catch { throw wrap(error, at: span) }
                if try !body(.tensor(item)) { return }
            }
        case .object(let o as ScriptSequence):
            var i = 0
            while i < o.length {
                let item: Value
                do { item = try o.element(at: i) } catch { throw wrap(error, at: span) }
                if try !body(item) { return }
                i += 1
            }
        case .object(let o as ScriptIterable):
            let next: () throws -> Value?
            do { next = try o.makeIterator() } catch { throw wrap(error, at: span) }
            while true {
                let item: Value?
                do { item = try next() } catch { throw wrap(error, at: span) }
                guard let item else { return }
                if try !body(item) { return }
            }
        default:
            throw error("cannot iterate over a \(sequence.typeName)", at: span)
        }
    }
}
