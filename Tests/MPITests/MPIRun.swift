import Foundation
import XCTest

/// Launches the built `m2t` under `mpirun` on this machine's loopback and reads what it wrote.
struct MPIRun {
    /// The `m2t` built next to the test bundle (the Float64 build's in the Float64 run).
    static func binary() throws -> String {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        let m2t = dir.appendingPathComponent("m2t").path
        guard FileManager.default.isExecutableFile(atPath: m2t) else { throw XCTSkip("m2t was not built next to the tests") }
        return m2t
    }

    /// A process running `m2t arguments` on `ranks` ranks (0: without mpirun).
    static func start(ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        let m2t = try binary()
        if ranks > 0 {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
            p.arguments = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl_tcp_if_include", "lo", "-np", "\(ranks)", m2t] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: m2t)
            p.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        // Under `make test-asan`, ranks keep ASan's memory checks but not its leak check at
        // exit: Open MPI's plugins, unloaded at MPI_Finalize, leave what they keep until exit
        // with "<unknown module>" frames no suppression can name (docs/sanitizers.md). The
        // same code without mpirun is leak-checked (DataParallelTests, ranks as threads).
        if ranks > 0, let asan = env["ASAN_OPTIONS"] { env["ASAN_OPTIONS"] = asan + ":detect_leaks=0" }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        return p
    }

    /// Runs to the end; the exit status and standard error.
    static func run(ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let p = try start(ranks: ranks, arguments, environment: environment)
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// Runs to the end; the exit status, standard output and standard error.
    static func output(ranks: Int, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = try start(ranks: ranks, arguments)
        let out = Pipe(), err = Pipe()
        (p.standardOutput, p.standardError) = (out, err)
        try p.run()
        // Standard error on its own thread, so that neither pipe fills while the other is read.
        let errors = ErrorText()
        let reader = Thread { errors.text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self); errors.done.signal() }
        reader.start()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        errors.done.wait()
        p.waitUntilExit()
        return (p.terminationStatus, text, errors.text)
    }

    final class ErrorText: @unchecked Sendable {
        var text = ""
        let done = DispatchSemaphore(value: 0)
    }

    /// The step losses of a run's metrics.jsonl, in order.
    static func losses(_ dir: URL) throws -> [Double] {
        let text = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return o?["kind"] as? String == "step" ? o?["loss"] as? Double : nil
        }
    }

    /// The step of the checkpoint `last.json` in `dir`, if one was written.
    static func checkpointStep(_ dir: URL) -> Int? {
        guard let data = try? Data(contentsOf: dir.appendingPathComponent("last.json")),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return o["step"] as? Int
    }

    /// The pid of rank `rank` of a job whose command line mentions `marker`.
    static func pid(ofRank rank: Int, marker: String) -> Int32? {
        let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for p in procs.compactMap(Int32.init) {
            guard let cmd = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(p)/cmdline")),
                  String(decoding: cmd, as: UTF8.self).contains(marker),
                  let env = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(p)/environ")),
                  String(decoding: env, as: UTF8.self).split(separator: "\0").contains("OMPI_COMM_WORLD_RANK=\(rank)") else { continue }
            return p
        }
        return nil
    }
}
