import XCTest
import M2Script

/// Feeds generated and mutated programs to the language: every one must end in a value or
/// a language error — a crash (trap, stack overflow) fails the whole test process.
final class FuzzTests: XCTestCase {
    /// Deterministic xorshift so failures can be replayed by seed.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    }

    static let vocabulary: [String] = [
        "let", "var", "fn", "if", "else", "for", "in", "while", "return", "break", "continue", "true", "false", "nil",
        "and", "or", "not", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "\n", "+", "-", "*", "/", "//", "%", "**",
        "@", "=", "==", "!=", "<", "<=", ">", ">=", "+=", "..<", "...", "!", "&&", "||", "x", "y", "f", "xs", "d",
        "0", "1", "2", "-1", "3.5", "1e308", "1e-320", "9223372036854775807", "99999999999999999999999", "\"s\"", "\"a \\(x) b\"",
        "zeros", "ones", "randn", "tensor", "arange", "eye", "print", "len", "range", "str", "plot", "help", "no_grad",
        "conv2d", "max_pool2d", "cross_entropy", "softmax", "batch_norm", "linear", "shape", "T", "sum", "mean", "backward", "grad",
        "reshape", "#", "\"", "\\(", "$",
    ]

    static let values: [String] = [
        "0", "1", "-1", "2", "7", "3.5", "-0.0", "1e308", "nan", "inf", "9223372036854775807", "-9223372036854775808",
        "\"s\"", "nil", "true", "[]", "[1, 2]", "[[1, 2], [3, 4]]", "[[1], [2, 3]]", "{a: 1}", "(1, 2)", "0..<3",
        "zeros(2, 3)", "ones(3)", "randn(2, 2, seed: 1)", "ones(1, 1, 4, 4)", "ones(2, 1, 3, 3)", "tensor(1)", "eye(3)",
        "fn(a) { a }", "print", "x", "xs", "1000000000", "100000", "-5", "0.5",
    ]

    static let calls: [String] = [
        "zeros", "ones", "randn", "rand", "tensor", "arange", "linspace", "eye", "full", "cat", "stack", "matmul",
        "conv2d", "batch_norm", "max_pool2d", "avg_pool2d", "global_avg_pool", "linear", "l2_normalize", "softmax",
        "log_softmax", "cross_entropy", "momentum2_loss", "len", "range", "str", "int", "float", "sum", "min", "max",
        "sorted", "zip", "enumerate", "list", "plot", "sparkline", "sqrt", "exp", "log", "abs", "round", "pow", "no_grad",
        "backward", "type", "help", "assert", "map", "filter",
        // Engine bindings (never save: a generated module could be written into the cwd).
        "resnet18", "resnet50", "Linear", "Conv2d", "BatchNorm2d", "Sequential", "MaxPool2d", "mlp_head", "sgd", "lars",
        "load", "dataset", "loader", "views_pipeline", "momentum2_teacher", "pretrain", "linear_eval", "knn_eval", "file_exists",
    ]

    static let methods: [String] = [
        "sum", "mean", "var", "max", "min", "argmax", "reshape", "permute", "transpose", "expand", "squeeze", "unsqueeze",
        "flatten", "backward", "item", "tolist", "clamp", "pow", "softmax", "index_select", "gather", "append", "pop",
        "split", "join", "keys", "get", "shape", "T", "grad", "size", "upper", "map",
        "parameters", "state_dict", "train", "eval", "zero_grad", "layer1", "batch", "step", "lr", "views", "history",
    ]

    func expression(_ r: inout RNG, depth: Int) -> String {
        if depth <= 0 || r.int(4) == 0 { return r.pick(Self.values) }
        switch r.int(7) {
        case 0: return "(\(expression(&r, depth: depth - 1)) \(r.pick(["+", "-", "*", "/", "//", "%", "**", "@", "==", "<", "and", "or"])) \(expression(&r, depth: depth - 1)))"
        case 1:
            let n = r.int(4)
            let args = (0..<n).map { _ in expression(&r, depth: depth - 1) }
            let kw = r.int(3) == 0 ? [r.pick(["axis", "seed", "stride", "padding", "keepdims", "requires_grad", "bogus"]) + ": " + expression(&r, depth: depth - 1)] : []
            return "\(r.pick(Self.calls))(\((args + kw).joined(separator: ", ")))"
        case 2:
            let m = r.pick(Self.methods)
            return r.int(2) == 0 ? "\(expression(&r, depth: depth - 1)).\(m)" : "\(expression(&r, depth: depth - 1)).\(m)(\(r.int(2) == 0 ? expression(&r, depth: depth - 1) : ""))"
        case 3: return "\(expression(&r, depth: depth - 1))[\(r.pick(["0", "-1", "1:3", "::2", "..., 0", "nil", "\"a\"", "5, 5", "::0"]))]"
        case 4: return "[\(expression(&r, depth: depth - 1)), \(expression(&r, depth: depth - 1))]"
        case 5: return "-\(expression(&r, depth: depth - 1))"
        default: return "\"v \\(\(expression(&r, depth: depth - 1)))\""
        }
    }

    func generatedProgram(_ r: inout RNG) -> String {
        var lines = ["let x = \(expression(&r, depth: 2))", "let xs = [1, 2, 3]"]
        for _ in 0..<(1 + r.int(5)) {
            switch r.int(6) {
            case 0: lines.append("let y = \(expression(&r, depth: 3))")
            case 1: lines.append("for i in \(r.pick(["range(3)", "xs", "x", "\"ab\"", "0..<2", "ones(2, 2)"])) { \(expression(&r, depth: 2)) }")
            case 2: lines.append("if \(expression(&r, depth: 2)) { print(\(expression(&r, depth: 2))) } else { x = \(expression(&r, depth: 1)) }")
            case 3: lines.append("fn f(a, b = 1) { return \(expression(&r, depth: 2)) }\nf(\(expression(&r, depth: 1)))")
            case 4: lines.append("x.\(r.pick(["requires_grad", "grad", "shape", "a"])) = \(expression(&r, depth: 1))")
            default: lines.append(expression(&r, depth: 4))
            }
        }
        return lines.joined(separator: "\n")
    }

    func tokenSoup(_ r: inout RNG) -> String {
        (0..<(1 + r.int(40))).map { _ in r.pick(Self.vocabulary) }.joined(separator: r.int(3) == 0 ? "" : " ")
    }

    func mutate(_ source: String, _ r: inout RNG) -> String {
        var chars = Array(source)
        for _ in 0..<(1 + r.int(4)) {
            guard !chars.isEmpty else { break }
            let i = r.int(chars.count)
            switch r.int(6) {
            case 0: chars.removeSubrange(i..<min(chars.count, i + 1 + r.int(10)))
            case 1: chars.insert(contentsOf: Array(r.pick(Self.vocabulary)), at: i)
            case 2: chars = Array(chars[..<i])  // truncation
            case 3:
                let j = r.int(chars.count)
                chars.swapAt(i, j)
            case 4:
                let piece = chars[i..<min(chars.count, i + r.int(30))]
                chars.insert(contentsOf: piece, at: r.int(chars.count))
            default: chars.insert(contentsOf: Array(r.pick(["9", "99999999999", "-", "0", "1e9", ")", "(", "{", "]"])), at: i)
            }
        }
        return String(chars)
    }

    func nesting(_ r: inout RNG) -> String {
        let n = [10, 100, 159, 161, 500, 5000, 20000][r.int(7)]
        switch r.int(9) {
        case 0: return String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        case 1: return String(repeating: "[", count: n) + String(repeating: "]", count: n)
        case 2: return "let a = " + String(repeating: "-", count: n) + "1"
        case 3: return String(repeating: "not ", count: n) + "true"
        case 4: return String(repeating: "if true { ", count: n) + String(repeating: "}", count: n)
        case 5: return "let f = " + String(repeating: "fn() { ", count: n) + String(repeating: "}", count: n)
        case 6: return "x" + String(repeating: ".a", count: n)
        case 7: return "1" + String(repeating: " + 1", count: n)
        default: return "fn r(n) { r(n + 1) + 1 }\nr(0)"
        }
    }

    static let absurd: [String] = [
        "zeros(100000000, 100000000)", "ones(9223372036854775807, 2)", "randn(-1)", "zeros(-3, 2)", "arange(0, 1e30)",
        "arange(0, 1, step: 0)", "eye(1000000000)", "linspace(0, 1, 1000000000000)", "ones(3).expand(100000, 100000)",
        "full([100000, 100000], 1)", "ones(1000000) + ones(1000000, 1)", "ones(100000, 1) @ ones(1, 100000)",
        "\"x\" * 9223372036854775807", "[0] * 100000000000", "range(9223372036854775807)", "list(0..<100000000000)",
        "ones(2, 2).reshape(-1, -1)", "ones(4).reshape(3)", "max_pool2d(ones(1, 1, 4, 4), 0)", "max_pool2d(ones(1, 1, 4, 4), -2)",
        "conv2d(ones(1, 1, 4, 4), ones(1, 1, 3, 3), stride: 0)", "conv2d(ones(1, 1, 4, 4), ones(1, 1, 9, 9))",
        "conv2d(ones(1, 1, 4, 4), ones(1, 1, 3, 3), padding: -5)", "avg_pool2d(ones(1, 1, 2, 2), 5, stride: -1)",
        "ones(2, 3)[5]", "ones(2, 3)[0, 0, 0]", "ones(2)[::0]", "ones(2, 3).permute(0, 0)", "ones(2).transpose(0, 5)",
        "ones(2).sum(axis: 7)", "ones(2).index_select(0, [9])", "cross_entropy(ones(2, 3), [1])", "tensor([1e39])",
        "int(nan)", "int(inf)", "round(1e308, digits: 400)", "9223372036854775807 * 9223372036854775807",
        "-9223372036854775808 // -1", "-9223372036854775808 % -1", "2 ** 9223372036854775807", "abs(-9223372036854775808)",
        "ones(2).backward()", "tensor(1).backward()", "batch_norm(ones(2), batch_weight: 0.5)", "l2_normalize(ones(0))",
        "global_avg_pool(ones(2))", "linear(ones(2), ones(3))", "softmax(ones(2), axis: 9)", "stack([])", "cat([])",
        "ones(0).max()", "zeros(0, 3).mean(axis: 0)", "ones(2, 2).gather(1, tensor([[5]]))", "momentum2_loss(ones(2), ones(2), ones(2), ones(2))",
        // Engine bindings with wrong types, shapes and sizes.
        "resnet18(width: 100000)", "resnet50(width: 4096)", "resnet18(width: 0)", "resnet34(channels: -1)", "resnet18(classes: 0)",
        "resnet18(seed: -1)", "Linear(100000, 100000)", "Linear(0, 2)", "Conv2d(1, 2, 0)", "Conv2d(4, 4, 3, stride: 0)",
        "Linear(2, 2)(ones(3))", "Linear(2, 2)(\"s\")", "Linear(2, 2)(ones(2, 2), ones(2))", "ReLU()(nil)",
        "resnet18(width: 2, channels: 1, stem: \"small\")(ones(1, 1, 1, 1))", "resnet18(width: 2)(ones(2, 1, 8, 8))",
        "Sequential()(ones(2))", "Sequential(1)", "Sequential(ReLU())[5]", "Sequential(ReLU())[\"a\"]", "len(ReLU())",
        "BatchNorm2d(3)(ones(2, 4, 2, 2))", "BatchNorm1d(2)(ones(1, 2))", "MaxPool2d(0)(ones(1, 1, 4, 4))", "AdaptiveAvgPool2d(3)",
        "sgd([], lr: 1).step()", "sgd([ones(2)], lr: nan)", "sgd([1, 2], lr: 0.1)", "lars(Linear(2, 2), lr: -1)", "sgd(Linear(2, 2), lr: 1).lr = \"x\"",
        "load(\"/nonexistent\")", "load(Linear(2, 2), 5)", "load(5, \"x\")", "Linear(2, 2).load_state_dict({w: 1})",
        "Linear(2, 2).load_state_dict(5)", "Linear(2, 2).summary(input: [100000000, 2])", "Linear(2, 2).summary(input: [0])",
        "Linear(2, 2).get_submodule(\"a.b\")", "Linear(2, 2).bn(\"\")", "Linear(2, 2).weight = 3",
        "dataset(ones(2, 1, 4, 4)).batch(0)", "dataset(ones(2, 1, 4, 4))[5]", "dataset(ones(2, 1, 4, 3))", "dataset(ones(0, 1, 4, 4))",
        "dataset(ones(2, 1, 4, 4), labels: [nan, 1])", "dataset(ones(2, 1, 4, 4), labels: tensor([1e20, 0]))", "dataset(ones(4))",
        "dataset(ones(2, 1, 4, 4), labels: [0, 1], classes: -1)", "dataset(ones(2, 1, 4, 4)).subset(-1)", "fashion_mnist(split: \"x\")",
        "loader(dataset(ones(4, 1, 4, 4)), batch: 100000000)", "loader(dataset(ones(4, 1, 4, 4)), views: 3)", "cifar10(\"/nonexistent\")",
        "image_folder(\"/nonexistent\")", "views_pipeline(\"x\")", "views_pipeline(\"small\", size: 0)", "loader(5)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1).step(ones(2, 1, 4, 4), ones(2, 3, 4, 4))",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), hidden: 0)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), steps: 0)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), m0: 2)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), teacher_bn: \"x\")",
        "momentum2_teacher(backbone: resnet18(width: 2, classes: 3))", "momentum2_teacher(backbone: 3)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1).views(5)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1).history(\"bogus\")",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1).loss(ones(2), ones(3), 1, nil)",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1).teacher.bn(\"x\")",
        "momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1).student(ones(2, 2, 4, 4))",
        "pretrain(1, data: 2)", "pretrain(momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1), data: dataset(ones(1, 1, 4, 4)))",
        "pretrain(momentum2_teacher(backbone: resnet18(width: 2, channels: 1, stem: \"small\"), batch: 2, steps: 1), data: dataset(ones(2, 1, 4, 4)), minutes: -1)",
        "linear_eval(Linear(2, 2), train: 1, test: 2)", "linear_eval(ReLU(), train: dataset(ones(4, 1, 4, 4)), test: dataset(ones(4, 1, 4, 4)))",
        "knn_eval(ReLU(), train: dataset(ones(4, 1, 4, 4), labels: [0, 1, 0, 1]), test: dataset(ones(4, 1, 4, 4), labels: [0, 1, 0, 1]), k: 0)",
    ]

    func testTenThousandProgramsEndInValueOrError() throws {
        var r = RNG(state: 0x9E37_79B9_7F4A_7C15)
        // Scripts that write files or train are left out: a mutation could send a file into
        // the working directory or turn 6 steps into 6 billion.
        let corpus = ScriptRunner.allScripts().compactMap { try? String(contentsOf: $0, encoding: .utf8) }
            .filter { s in !["save(", "output:", "pretrain(", "momentum2_teacher(", "_eval("].contains { s.contains($0) } }
        XCTAssertFalse(corpus.isEmpty)
        var limits = Limits()
        limits.maxSteps = 20_000
        limits.maxTensorElements = 1_000_000
        limits.maxCollectionCount = 1_000_000
        var counts = (values: 0, syntax: 0, runtime: 0), kinds: [String: Int] = [:]
        let total = 10_000
        var session = Session(limits: limits, output: { _ in })
        let start = Date()
        for n in 0..<total {
            if n % 100 == 0 { session = Session(limits: limits, output: { _ in }) }
            let program: String
            let kind: String
            switch n % 10 {
            case 0, 1, 2: (program, kind) = (generatedProgram(&r), "generated")
            case 3, 4: (program, kind) = (tokenSoup(&r), "tokens")
            case 5, 6, 7: (program, kind) = (mutate(r.pick(corpus), &r), "mutated")
            case 8: (program, kind) = (nesting(&r), "nesting")
            default: (program, kind) = ("let x = ones(2)\n" + r.pick(Self.absurd), "absurd")
            }
            kinds[kind, default: 0] += 1
            _ = Session.isIncomplete(program)
            _ = session.completions(for: String(program.prefix(r.int(program.count + 1))))
            switch session.run(source: program, file: "fuzz\(n).m2t") {
            case .value(let v):
                counts.values += 1
                _ = v.repr
            case .failure(let errors):
                XCTAssertFalse(errors.isEmpty)
                for e in errors {
                    XCTAssertFalse(e.message.isEmpty, "empty message for program \(n)")
                    if let span = e.span, span.file.name.hasPrefix("fuzz") {
                        XCTAssertTrue(span.line >= 1 && span.line <= span.file.lines.count + 1, "bad line for program \(n): \(e)")
                    }
                    _ = e.rendered
                }
                if errors[0].kind == .syntax { counts.syntax += 1 } else { counts.runtime += 1 }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("fuzz: \(total) programs in \(String(format: "%.1f", seconds)) s — \(counts.values) values, \(counts.syntax) syntax errors, \(counts.runtime) runtime errors; by kind \(kinds.sorted { $0.key < $1.key })")
        XCTAssertEqual(counts.values + counts.syntax + counts.runtime, total)
        XCTAssertGreaterThan(counts.values, total / 20, "too few programs ran to a value: the generator is not exercising the interpreter")
        XCTAssertGreaterThan(counts.runtime, total / 20)
    }
}
