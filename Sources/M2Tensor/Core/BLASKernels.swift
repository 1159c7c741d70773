import CBLAS
import Foundation

/// The kernel family OpenBLAS runs on this CPU.
///
/// Debian's OpenBLAS is built for every x86-64 family and picks its kernels when it loads:
/// Haswell or Zen on CPUs with AVX2, SkylakeX or Cooperlake on CPUs with AVX-512. Two
/// families may round the last bit of a product differently, and a training run grows that
/// into other digits: on one Zen 4 machine the default demo's teacher read 83.24% with the
/// Zen and Haswell kernels and 84.34% with Cooperlake's (docs/results.md). The
/// environment variable `OPENBLAS_CORETYPE` chooses the family instead; the library reads it
/// as it loads, so it must be set before the process starts. `m2t` sets it to Haswell on
/// every CPU with AVX2 and FMA (``runPortableFamily(arguments:)``), unless it is set already.
public enum BLASKernels {
    /// The family `m2t` runs on every CPU with AVX2 and FMA: one family everywhere prints the
    /// same digits everywhere, and on a Zen 4 it was also the faster one for the demo's step
    /// (462 against 413 images/s, medians of 8 alternating pairs; SGEMM 196–215 against
    /// 189–203 GFLOP/s; docs/performance.md).
    public static let portableFamily = "Haswell"

    /// Whether this process should re-execute itself on ``portableFamily``: `OPENBLAS_CORETYPE`
    /// is not set, the CPU has AVX2 and FMA (`cpuFlags`, the `flags` of /proc/cpuinfo), and
    /// OpenBLAS did not pick that family already. The flags are read last, only when the
    /// other two leave the question open (a re-executed process has the variable set).
    static func shouldRepin(environment: [String: String], cpuFlags: @autoclosure () -> Set<Substring>, loaded: String) -> Bool {
        guard environment["OPENBLAS_CORETYPE"] == nil, loaded.lowercased() != portableFamily.lowercased() else { return false }
        let flags = cpuFlags()
        return flags.contains("avx2") && flags.contains("fma")
    }

    /// The `flags` of the first processor in /proc/cpuinfo (empty when it cannot be read).
    static func cpuFlags() -> Set<Substring> {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(flags.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }))
    }

    /// Re-executes this program with `OPENBLAS_CORETYPE=Haswell` when ``shouldRepin`` says so
    /// (OpenBLAS reads the variable only as it loads, before `main`, so the process starts
    /// again: same arguments, same process id, same open files). Returns when there is
    /// nothing to do, or when the new image cannot be started (then the loaded family stays).
    /// Call it first thing in `main`, before any output or thread. (A profiler that follows
    /// one process, such as valgrind without `--trace-children=yes`, sees only the first
    /// image: set `OPENBLAS_CORETYPE` to profile the run.)
    public static func runPortableFamily(arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = CommandLine.unsafeArgv) {
        guard shouldRepin(environment: ProcessInfo.processInfo.environment, cpuFlags: cpuFlags(), loaded: name) else { return }
        // The executable's own path (under valgrind, /proc/self/exe itself would name the tool).
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { return }
        setenv("OPENBLAS_CORETYPE", portableFamily, 1)
        execv(path, arguments)
        // Only reached if exec failed: run on with the family already loaded, and say so truthfully.
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// OpenBLAS's name for the family in use (`"Haswell"`, `"Zen"`, `"Cooperlake"`, …).
    public static var name: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// A line for a run's log: the family, and how to choose another.
    public static var note: String { "BLAS kernels: \(name) (OPENBLAS_CORETYPE chooses them)" }
}
