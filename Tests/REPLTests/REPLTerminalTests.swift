import Foundation
import M2Script
import XCTest

/// The REPL as a person uses it: the real `m2t` binary on a pseudo-terminal.
final class REPLTerminalTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var history: URL { directory.appendingPathComponent("history") }

    override func setUp() { continueAfterFailure = false }

    func startREPL(arguments: [String] = [], term: String = "dumb") throws -> PseudoTerminal {
        let binary = try XCTUnwrap(builtM2T(), "m2t was not built next to the tests (swift build --build-tests builds it)")
        let parent = ProcessInfo.processInfo.environment
        var env = ["TERM": term, "HOME": directory.path, "M2T_HISTORY": history.path,
                   "PATH": parent["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "interactive=no"]
        // Under `make test-asan` the child runs with the same sanitizer settings (leak
        // checking, suppressions) as the tests: docs/sanitizers.md.
        for key in ["ASAN_OPTIONS", "LSAN_OPTIONS"] { env[key] = parent[key] }
        return try PseudoTerminal(executable: binary, arguments: arguments, environment: env)
    }

    /// Multi-line function, completion of a member, Ctrl-C on an endless loop, the session
    /// surviving it (and an error), Ctrl-D to leave; the history file keeps the lines.
    func testSessionThroughPseudoTerminal() throws {
        let t = try startREPL()
        // Each key waits for the prompt: keys typed earlier are typeahead the tty echoes
        // in cooked mode (and a Ctrl-D there is the tty's end of file, not readline's).
        t.expect(">>> ")

        // An unfinished block continues on "..." prompts.
        t.type("fn scaled_sum(a, offset) {\r")
        t.expect("... ")
        t.type("  let s = a + offset\r")
        t.expect("... ")
        t.type("  s * 10\r")
        t.expect("... ")
        t.type("}\r")
        t.expect(">>> ")
        t.type("let total = scaled_sum(2, 3)\r")
        t.expect(">>> ")
        t.type("total\r")
        t.expect("\n50\n")
        t.expect(">>> ")

        // Tab completes a member after '.': "t.sha" becomes "t.shape".
        t.type("let t = zeros(2, 3)\r")
        t.expect(">>> ")
        t.type("t.sha\t")
        t.expect("t.shape")
        t.type("\r")
        t.expect("[2, 3]")
        t.expect(">>> ")

        // Tab completes a keyword argument inside a call.
        t.type("scaled_sum(1, off\t")
        t.expect("scaled_sum(1, offset: ")
        t.type("4)\r")
        t.expect("\n50\n")
        t.expect(">>> ")
        t.type("_ + 1\r")
        t.expect("\n51\n")
        t.expect(">>> ")

        // An error keeps the variables defined before it.
        t.type("total + \"a\"\r")
        t.expect("error: cannot apply '+'")
        t.expect(">>> ")
        t.type("total\r")
        t.expect("\n50\n")
        t.expect(">>> ")

        // Ctrl-C stops an endless loop and returns to the prompt with the session intact.
        t.type("var spins = 0\r")
        t.expect(">>> ")
        t.type("while true { spins += 1 }\r")
        t.expect("while true { spins += 1 }\n")
        Thread.sleep(forTimeInterval: 0.5)
        t.type("\u{03}")
        t.expect("error: interrupted", timeout: 30)
        t.expect(">>> ")
        t.type("spins > 0 and total == 50\r")
        t.expect("\ntrue\n")
        t.expect(">>> ")

        // Ctrl-C at the prompt throws the line away.
        t.type("let lost = 1\u{03}")
        t.expect(">>> ")
        t.type("total + 1\r")
        t.expect("\n51\n")
        t.expect(">>> ")

        // Ctrl-D on an empty line leaves with status 0.
        t.type("\u{04}")
        XCTAssertEqual(t.waitForExit(), 0, "m2t did not exit on Ctrl-D:\n\(t.screen)")

        let saved = try String(contentsOf: history, encoding: .utf8)
        XCTAssertTrue(saved.contains("let total = scaled_sum(2, 3)"), saved)
        XCTAssertTrue(saved.contains("  s * 10"), saved)
        XCTAssertFalse(saved.contains("let lost"), saved)
    }

    /// Ctrl-C on a line with text leaves `>>> text^C` on the screen. On an xterm, readline
    /// ends bracketed-paste mode with a carriage return when it lets go of the terminal, and
    /// the `^C` used to land at column 0 over the prompt (`^C> abc`).
    func testCtrlCKeepsTheLineOnScreen() throws {
        let t = try startREPL(term: "xterm-256color")
        t.expect(">>> ")
        t.type("let abc = 1")
        t.expect("let abc = 1")
        t.type("\u{03}")
        t.expect("^C")
        t.expect(">>> ")
        XCTAssertTrue(t.screen.contains("let abc = 1^C"), t.screen)
        XCTAssertFalse(t.screen.contains("\r^C"), t.screen)
        t.type("abc\r")
        t.expect("undefined variable 'abc'")
        t.expect(">>> ")
        t.type("\u{04}")
        XCTAssertEqual(t.waitForExit(), 0, t.screen)
    }

    /// History from an earlier session is there after a restart (Ctrl-R finds it), and the
    /// commands work.
    func testHistoryAndCommands() throws {
        try "let answer = 42\n:vars\n".write(to: history, atomically: true, encoding: .utf8)
        let script = directory.appendingPathComponent("setup.m2t")
        try "let loaded_value = 7\nprint(\"setup ran\")\n".write(to: script, atomically: true, encoding: .utf8)

        let t = try startREPL(arguments: ["repl"])
        t.expect(">>> ")
        t.type("\u{12}answer")
        t.expect("let answer = 42")
        t.type("\r")
        t.expect(">>> ")
        t.type(":load \(script.path)\r")
        t.expect("setup ran")
        t.expect("loaded ")
        t.expect(">>> ")
        t.type(":vars\r")
        t.expect("answer")
        t.expect("42")
        t.expect("loaded_value")
        t.expect(">>> ")
        t.type(":time answer * loaded_value\r")
        t.expect("294")
        t.expect("wall time: ")
        t.expect(">>> ")
        t.type(":help zeros\r")
        t.expect("A tensor of zeros")
        t.expect(">>> ")
        t.type(":reset\r")
        t.expect("session reset")
        t.expect(">>> ")
        t.type("answer\r")
        t.expect("undefined variable 'answer'")
        t.expect(">>> ")
        t.type(":quit\r")
        XCTAssertEqual(t.waitForExit(), 0, t.screen)
    }

    /// Not a terminal: standard input is one script; errors exit with status 1.
    func testScriptFromStandardInput() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["M2T_HISTORY"] = history.path
        func run(_ input: String, arguments: [String] = []) throws -> (status: Int32, out: String, err: String) {
            try runM2T(arguments, input: input, environment: environment)
        }
        let ok = try run("print(1 + 2)\n")
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertEqual(ok.out, "3\n")
        let bad = try run("let x = 1\nprint(x)\nx + \"a\"\nprint(\"not reached\")\n")
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.out, "1\n")
        XCTAssertTrue(bad.err.contains("<stdin>:3:1: error: cannot apply '+'"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: history.path), "a piped script must not touch the history")
        // `m2t run /dev/stdin` reads the pipe (it said "You don't have permission").
        let named = try run("print(2 * 21)\n", arguments: ["run", "/dev/stdin"])
        XCTAssertEqual(named.status, 0, named.err)
        XCTAssertEqual(named.out, "42\n")
        let missing = try run("", arguments: ["run", directory.appendingPathComponent("nope.m2t").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("nope.m2t: no such file"), missing.err)
    }
}
