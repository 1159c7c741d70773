/// range, list, enumerate, zip, sorted, sum, min, max, map, filter, keys.
enum CollectionBuiltins {
    static func items(_ a: BoundArguments, _ name: String) throws -> [Value] {
        let v = a[name]
        if let s = v.sequenceItems { return s }
        var out: [Value] = []
        if case .range(let r) = v { try a.interpreter.checkCollectionSize(r.count) }
        if case .tensor(let t) = v, t.rank == 1 { return t.scalars.map { .double(Double($0)) } }
        try a.interpreter.iterate(v, at: SourceSpan(file: SourceFile(name: "<builtin>", text: ""), start: 0, length: 1, line: 1, column: 1)) {
            out.append($0)
            try a.interpreter.checkCollectionSize(out.count)
            return true
        }
        return out
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("range", "*bounds", doc: "range(end), range(start, end) or range(start, end, step): integers, lazily.",
                        example: "for i in range(3) { print(i) }") { a in
            let ints = a.rest.compactMap(\.asInt)
            guard ints.count == a.rest.count, (1...3).contains(ints.count) else { throw RuntimeFailure("range takes 1 to 3 integers") }
            let (start, end) = ints.count == 1 ? (0, ints[0]) : (ints[0], ints[1])
            let step = ints.count == 3 ? ints[2] : 1
            guard step != 0 else { throw RuntimeFailure("range: step cannot be zero") }
            return .range(RangeValue(start: start, end: end, step: step))
        },
        BuiltinFunction("list", "value=nil", doc: "A new list of the elements of any sequence.", example: "list(0..<3)  # [0, 1, 2]") { a in
            a.isNil("value") ? .list(ListBox([])) : .list(ListBox(try items(a, "value")))
        },
        BuiltinFunction("enumerate", "values", doc: "(index, value) tuples.", example: "for (i, x) in enumerate([\"a\", \"b\"]) { print(i, x) }") { a in
            .list(ListBox(try items(a, "values").enumerated().map { .tuple([.int($0.offset), $0.element]) }))
        },
        BuiltinFunction("zip", "a, b", doc: "(a[i], b[i]) tuples, as long as the shorter.", example: "zip([1, 2], [\"x\", \"y\"])") { a in
            .list(ListBox(zip(try items(a, "a"), try items(a, "b")).map { .tuple([$0, $1]) }))
        },
        BuiltinFunction("sorted", "values, reverse=false", doc: "A sorted list of numbers or strings.", example: "sorted([3, 1, 2])") { a in
            let xs = try items(a, "values")
            var failure: RuntimeFailure?
            var sorted = xs.sorted { l, r in
                switch (l, r) {
                case let (.string(x), .string(y)): return x < y
                default:
                    guard let x = l.asDouble, let y = r.asDouble else {
                        failure = RuntimeFailure("sorted: cannot compare a \(l.typeName) and a \(r.typeName)")
                        return false
                    }
                    return x < y
                }
            }
            if let failure { throw failure }
            if try a.bool("reverse") { sorted.reverse() }
            return .list(ListBox(sorted))
        },
        BuiltinFunction("sum", "values", doc: "The sum of a list of numbers (use x.sum() for tensors).", example: "sum([1, 2, 3])  # 6") { a in
            if case .tensor(let t) = a["values"] { return .tensor(try t.sum()) }
            var total: Value = .int(0)
            for v in try items(a, "values") { total = try a.interpreter.binary(.add, total, v) }
            return total
        },
        BuiltinFunction("min", "*values", doc: "The smallest of the arguments, or of one list; a tensor's minimum.", example: "min(3, 1, 2)  # 1") { a in
            try extreme(a, less: true)
        },
        BuiltinFunction("max", "*values", doc: "The largest of the arguments, or of one list; a tensor's maximum.", example: "max([3, 1, 2])  # 3") { a in
            try extreme(a, less: false)
        },
        BuiltinFunction("map", "f, values", doc: "A list of f(x) for each x.", example: "map(fn(x) { x * x }, [1, 2])") { a in
            let f = a["f"]
            return .list(ListBox(try items(a, "values").map { try a.interpreter.call(f, Arguments([$0])) }))
        },
        BuiltinFunction("filter", "f, values", doc: "The x for which f(x) is true.", example: "filter(fn(x) { x > 1 }, [1, 2, 3])") { a in
            let f = a["f"]
            return .list(ListBox(try items(a, "values").filter { try a.interpreter.call(f, Arguments([$0])).isTruthy() }))
        },
    ]

    static func extreme(_ a: BoundArguments, less: Bool) throws -> Value {
        var xs = a.rest
        if xs.count == 1, case .tensor(let t) = xs[0] { return .tensor(less ? try t.min() : try t.max()) }
        if xs.count == 1, let inner = xs[0].sequenceItems { xs = inner }
        guard var best = xs.first else { throw RuntimeFailure("\(a.function): no values") }
        for x in xs.dropFirst() {
            guard let bx = best.asDouble, let xx = x.asDouble else { throw RuntimeFailure("\(a.function): the values must be numbers") }
            if less ? xx < bx : xx > bx { best = x }
        }
        guard best.asDouble != nil else { throw RuntimeFailure("\(a.function): the values must be numbers") }
        return best
    }
}
