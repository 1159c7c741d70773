import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The built `m2t` running on a pseudo-terminal, driven like a person at a keyboard:
/// ``type(_:)`` writes keys to the terminal, ``expect(_:timeout:)`` waits until the screen
/// shows a text.
///
/// The child gets the terminal as its controlling tty (`forkpty`), so Ctrl-C (`\u{03}`)
/// becomes a real SIGINT from the line discipline and Ctrl-D an end of line input.
final class PseudoTerminal {
    let pid: pid_t
    private let master: Int32
    /// Everything the program wrote, with escape sequences and carriage returns removed.
    private(set) var screen = ""
    /// Where the next ``expect(_:timeout:)`` starts looking.
    private var mark: String.Index
    /// After one failed expectation the rest fail at once instead of each waiting out its
    /// timeout (corelibs XCTest keeps going after a failure).
    private var failed = false

    /// Starts `executable` with `arguments` and exactly `environment`.
    init(executable: String, arguments: [String] = [], environment: [String: String]) throws {
        // Everything the child needs is allocated before fork: after it, only exec.
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        var fd: Int32 = -1
        let child = forkpty(&fd, nil, nil, &size)
        if child == 0 {
            execve(executable, argv, envp)
            _exit(127)
        }
        guard child > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        pid = child
        master = fd
        mark = screen.startIndex
    }

    deinit {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Writes keys: `"\r"` is Enter, `"\t"` Tab, `"\u{03}"` Ctrl-C, `"\u{04}"` Ctrl-D.
    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { break }
            offset += n
        }
    }

    /// Waits until `text` appears after the previous match; returns whether it did.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard !failed else { return false }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = screen.range(of: text, range: mark..<screen.endIndex) {
                mark = range.upperBound
                return true
            }
            guard Date() < deadline, pump(until: deadline) else {
                failed = true
                XCTFail("the screen never showed \(text.debugDescription); it shows:\n\(screen[mark...])", file: file, line: line)
                return false
            }
        }
    }

    /// The screen since the previous match.
    var unmatched: Substring { screen[mark...] }

    /// Reads what is available (waiting up to the deadline); `false` when the program closed
    /// the terminal.
    @discardableResult
    func pump(until deadline: Date) -> Bool {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(0, min(deadline.timeIntervalSinceNow, 0.2)) * 1000)
        guard poll(&fds, 1, ms) >= 0 else { return errno == EINTR }
        guard fds.revents != 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        guard n > 0 else { return false }
        screen += Self.clean(String(decoding: buffer[..<n], as: UTF8.self))
        return true
    }

    /// Waits for the program to exit; its exit status, or `nil` on timeout.
    func waitForExit(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            _ = pump(until: Date().addingTimeInterval(0.05))
            if waitpid(pid, &status, WNOHANG) == pid {
                // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
        }
        return nil
    }

    /// Drops CSI escape sequences (`ESC [ … letter`), other two-byte escapes and `\r`.
    static func clean(_ text: String) -> String {
        var out = ""
        var chars = text.unicodeScalars[...]
        while let c = chars.popFirst() {
            if c == "\u{1B}" {
                if chars.first == "[" {
                    chars.removeFirst()
                    while let d = chars.popFirst(), !(0x40...0x7E).contains(d.value) {}
                } else if !chars.isEmpty {
                    chars.removeFirst()
                }
            } else if c != "\r" {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// The `m2t` built next to this test bundle (`.build/<triple>/<configuration>/m2t`).
func builtM2T(file: String = #filePath) -> String? {
    func executable(_ candidates: [URL]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
    }
    // The test runner lives in the build products directory, next to the executable.
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // A bundle directory (macOS layout): go up past "….xctest/Contents/MacOS".
        while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        if let path = executable([dir.appendingPathComponent("m2t")]) { return path }
    }
    if let path = executable([Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("m2t")]) { return path }
    // Last, because corelibs Foundation's `Bundle.allBundles` leaks the list it returned
    // before whenever the set of bundles changed (LeakSanitizer reports it: docs/sanitizers.md).
    return executable(Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }
        .map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("m2t") })
}

/// Runs the built `m2t` with `arguments` and `input` on its standard input, not on a
/// terminal; its exit status, standard output and standard error.
func runM2T(_ arguments: [String], input: String = "", environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try XCTUnwrap(builtM2T(), "m2t was not built next to the tests (swift build --build-tests builds it)"))
    p.arguments = arguments
    p.environment = environment
    let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
    (p.standardInput, p.standardOutput, p.standardError) = (stdin, stdout, stderr)
    try p.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
