import Dispatch
import Foundation
import CBLAS

/// How the engine uses the machine's cores.
///
/// The engine runs its own threads (one chunk per core) and keeps OpenBLAS single-threaded,
/// so BLAS threads and ours never compete for the same two cores.
///
/// Results never depend on the number of threads: work whose pieces are added up or shaped
/// differently when cut differently (a weight gradient summed over images, a GEMM whose
/// per-element sums depend on the block it is computed in) is cut into ``pieces`` pieces
/// fixed by the problem alone, whichever thread runs each, and partial sums are added in
/// piece order. A step gives the same bits on one core, on two, and with its two views
/// side by side (``branches(_:_:keepGradients:)``).
public enum Parallel {
    /// How many pieces thread-invariant work is cut into (at most): enough to keep four
    /// cores busy, few enough that the pieces stay efficient GEMMs.
    public static let pieces = 4

    /// Threads used by kernels: ``usableCores``, or `M2T_THREADS` if set; inside
    /// a branch of ``branches(_:_:keepGradients:)``, that branch's share.
    public static var threads: Int {
        get { ThreadContext.current.threadCap.map { min($0, configuredThreads) } ?? configuredThreads }
        set { configuredThreads = max(1, newValue) }
    }

    nonisolated(unsafe) private static var configuredThreads: Int = {
        if let s = ProcessInfo.processInfo.environment["M2T_THREADS"], let n = Int(s), n > 0 { return n }
        return usableCores
    }()

    /// The cores this process may run on: the machine's, or fewer when its CPU affinity is
    /// narrower (`taskset`, `mpirun`'s binding of a rank to its cores), so that a bound
    /// process does not start more threads than it has cores.
    public static var usableCores: Int {
        let machine = max(1, ProcessInfo.processInfo.activeProcessorCount)
        #if os(Linux)
        // "Cpus_allowed_list:\t0-3,8" (glibc's sched_getaffinity needs _GNU_SOURCE, which
        // Swift's Glibc module does not define).
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
              let list = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) else { return machine }
        var allowed = 0
        for range in list.split(separator: ",") {
            let ends = range.split(separator: "-").compactMap { Int($0) }
            guard let first = ends.first, let last = ends.last, last >= first else { return machine }
            allowed += last - first + 1
        }
        return max(1, min(machine, allowed))
        #else
        return machine
        #endif
    }

    private static let blasSetUp: Void = { openblas_set_num_threads(1) }()

    /// Makes OpenBLAS single-threaded; called before any BLAS use.
    static func setUpBLAS() { _ = blasSetUp }

    /// Runs `body(chunk, range)` over `0..<count` split into at most ``threads`` contiguous
    /// ranges, in parallel when the work is large enough (`count * costPerItem` ≥ ~32k).
    static func forRanges(_ count: Int, costPerItem: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(threads, count, max(1, count * costPerItem / 32_768))
        if chunks <= 1 { body(0, 0..<count); return }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = count * c / chunks, hi = count * (c + 1) / chunks
            if lo < hi { body(c, lo..<hi) }
        }
    }

    /// Runs `body(i)` for each `i` in `0..<count`, spreading them over the threads.
    static func forEach(_ count: Int, costPerItem: Int = 1, _ body: (Int) -> Void) {
        forRanges(count, costPerItem: costPerItem) { _, r in for i in r { body(i) } }
    }
}
