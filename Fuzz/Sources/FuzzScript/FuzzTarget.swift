import M2Script

/// One fuzz input, run the way `m2t run` runs a script, inside limits that keep each input
/// well under a second.
///
/// Each input gets a fresh ``Session`` (same random seed, empty globals), so a crash replays
/// from its input alone. ``Session/run(source:file:)`` scans and parses the program, then runs
/// it on the session's large-stack thread, as in the REPL: deep recursion must end at the
/// language's call-depth limit, which is part of what the fuzzer checks.
enum FuzzTarget {
    /// The bounds of one run: 10⁵ steps (loop iterations plus calls), 300 nested calls (the
    /// default), tensors of at most 10⁵ elements and lists or strings of at most 10⁴.
    static let limits: Limits = {
        var l = Limits()
        l.maxSteps = 100_000
        l.maxTensorElements = 100_000
        l.maxCollectionCount = 10_000
        return l
    }()

    /// Names that read or write files (`save`, `load`, the datasets, `pretrain(output:)`) or
    /// train for minutes (`pretrain`, `linear_eval`, `knn_eval`). A program that contains one
    /// of these words anywhere (even in a string) is scanned and parsed but not run: the fuzzer
    /// must not write into the working directory, and these paths are not the language's.
    static let unsafeNames: Set<String> = [
        "save", "load", "file_exists", "fashion_mnist", "cifar10", "image_folder",
        "pretrain", "linear_eval", "knn_eval",
    ]

    /// The standard builtins, built once and shared: sessions only read it.
    private static let registry = BuiltinRegistry.standard()

    /// Set once: one engine thread (inputs run one at a time; a kernel thread pool would only
    /// add scheduling noise to the timings) and a small buffer cache, so that freed tensors of
    /// every size the fuzzer tries do not pile up towards libFuzzer's RSS limit.
    private static let setUp: Void = {
        Parallel.threads = 1
        BufferPool.shared.cacheCapBytes = 64 << 20
    }()

    /// Scans, parses and (when safe) runs `source`; renders whatever errors it reports.
    static func run(_ source: String) {
        _ = setUp
        if namesUnsafe(source) {
            var parser = Parser(file: SourceFile(name: "fuzz.m2t", text: source))
            _ = parser.parse()
            render(parser.errors)
            return
        }
        let session = Session(registry: registry, limits: limits, output: { _ in })
        switch session.run(source: source, file: "fuzz.m2t") {
        case .value(let v): _ = v.repr
        case .failure(let errors): render(errors)
        }
    }

    /// Whether a word of `source` (a run of ASCII letters, digits and `_`) is one of
    /// ``unsafeNames``. Deliberately cruder than the scanner — any other byte splits words — so
    /// neither a scanner bug nor a combining accent can let a name through.
    static func namesUnsafe(_ source: String) -> Bool {
        let isWordByte = { (b: UInt8) in
            b == UInt8(ascii: "_") || (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
        }
        return source.utf8.split { !isWordByte($0) }.contains { unsafeNames.contains(String(decoding: $0, as: UTF8.self)) }
    }

    /// Renders each error with its source line and caret (the spans must point into the file).
    private static func render(_ errors: [ScriptError]) {
        for e in errors { _ = e.rendered }
    }
}
