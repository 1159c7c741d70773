import XCTest
@testable import M2Script

/// A scope that holds a function closing over it is freed when nothing else keeps it
/// (no reference cycle), and kept while the function lives elsewhere.
final class ScopeLifetimeTests: XCTestCase {
    func declaration(_ source: String) throws -> FunctionDecl {
        var parser = Parser(file: SourceFile(name: "t.m2t", text: source))
        guard case .function(let decl)? = parser.parse().first else { throw XCTSkip("no declaration parsed") }
        return decl
    }

    func testScopeHoldingItsOwnFunctionIsFreed() throws {
        let decl = try declaration("fn f() { 1 }")
        weak var weakScope: Environment?
        do {
            let scope = Environment(enclosing: Environment())
            weakScope = scope
            scope.define("f", .function(ScriptFunction(decl, closure: scope)))
            // Reading it hands out a strong handle; dropping that handle drops the link.
            XCTAssertNotNil(scope.lookup("f"))
            XCTAssertEqual(scope.bindings.map(\.name), ["f"])
        }
        XCTAssertNil(weakScope, "the scope and its function formed a cycle")
    }

    func testFunctionReadOutOfItsScopeKeepsTheScope() throws {
        let decl = try declaration("fn f() { 1 }")
        weak var weakScope: Environment?
        var kept: Value?
        do {
            let scope = Environment(enclosing: Environment())
            weakScope = scope
            scope.define("f", .function(ScriptFunction(decl, closure: scope)))
            kept = scope.lookup("f")
        }
        XCTAssertNotNil(weakScope, "a function that escaped lost its scope")
        if case .function(let f as ScriptFunction)? = kept {
            XCTAssertTrue(f.closure === weakScope)
        } else {
            XCTFail("not a function")
        }
        kept = nil
        XCTAssertNil(weakScope)
    }

    /// Global functions close over the globals that hold them; a session that ends frees both.
    func testEndedSessionFreesItsGlobals() {
        weak var globals: Environment?
        do {
            let session = Session(output: { _ in })
            _ = session.evaluate(line: "fn f() { 1 }")
            _ = session.evaluate(line: "let g = fn() { f() }")
            globals = session.interpreter.globals
            XCTAssertNotNil(globals)
        }
        // At once: the thread each run uses for its large stack lets go of the run before
        // the run returns, although the thread itself ends a moment later.
        XCTAssertNil(globals)
    }

    /// 20,000 loop iterations that each bind a closure over the loop body's scope leave no
    /// scope behind: the interpreter's memory stays flat.
    func testLoopBindingClosuresDoesNotGrow() throws {
        let session = Session(output: { _ in })
        let probe = """
        fn probe() {
            let f = fn(x) { x + 1 }
            fn g() { f(1) }
            g()
        }
        for i in range(20000) { probe() }
        """
        let before = bytesInUse()
        if case .failure(let es) = session.run(source: probe, file: "t.m2t") { return XCTFail("\(es)") }
        let grown = bytesInUse() - before
        // Before the fix: ~700 bytes per iteration (≈14 MB here).
        XCTAssertLessThan(grown, 4 << 20, "memory in use grew by \(grown) bytes")
    }

    /// Resident bytes; under AddressSanitizer (`make test-asan`) the bytes its allocator has
    /// handed out and not taken back, since it keeps freed blocks resident in quarantine.
    private func bytesInUse() -> Int {
        typealias Counter = @convention(c) () -> Int
        if let counter = dlsym(dlopen(nil, RTLD_NOW), "__sanitizer_get_current_allocated_bytes") {
            return unsafeBitCast(counter, to: Counter.self)()
        }
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Int(text.split(separator: " ")[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
