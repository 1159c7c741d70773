import Dispatch
import Foundation

/// Tells a SIGCONT that resumes a stopped process (Ctrl-Z, then `fg`) from one sent to a
/// running process (mpirun's warning before it kills the ranks): a thread ticks every 50 ms,
/// and a process that was stopped shows a gap of a second or more between two ticks.
final class StopDetector: @unchecked Sendable {
    private let lock = NSLock()
    private var lastTick = DispatchTime.now().uptimeNanoseconds
    private var lastGapEnded: UInt64 = 0

    init() {
        let thread = Thread { [weak self] in
            while let self {
                self.tick()
                usleep(50_000)
            }
        }
        // The default stack: a small one cannot hold this binary's thread-local storage,
        // and the thread would silently never start.
        thread.start()
    }

    private func tick() {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        if now - lastTick > 1_000_000_000 { lastGapEnded = now }
        lastTick = now
        lock.unlock()
    }

    /// Whether the process was stopped just before this call: waits for the ticker to run
    /// once more, then looks for a gap that ended in the last two seconds, or one still open.
    func wasJustStopped() -> Bool {
        usleep(120_000)
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        defer { lock.unlock() }
        // A ticker that has not run for a second has just been stopped too (or never ran:
        // then SIGTERM, a second later, still asks for the stop).
        return (lastGapEnded > 0 && now - lastGapEnded < 2_000_000_000) || now - lastTick > 1_000_000_000
    }
}
