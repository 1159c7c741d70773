import Dispatch
import Foundation
import M2Script

/// Turns Ctrl-C into a stop request instead of the end of the process.
///
/// SIGINT is ignored as a signal and watched by a dispatch source, so the work happens on a
/// queue where taking locks is allowed (a raw handler may not): it stops the running
/// statement (``Session/interrupt()``), asks the engine's long loops to stop
/// (`Interrupt.request()`, the pre-training loop checkpoints first) and wakes the prompt
/// through a pipe.
final class InterruptWatcher {
    /// Becomes readable after each Ctrl-C; the line editor polls it.
    let readFD: Int32
    private let writeFD: Int32
    private let source: DispatchSourceSignal
    private let lock = NSLock()
    private var target: (() -> Void)?

    init() {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        readFD = fds[0]
        writeFD = fds[1]
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in self.fire() }
        source.resume()
    }

    /// What Ctrl-C stops from now on (the current session's `interrupt`).
    func watch(_ stop: @escaping () -> Void) {
        lock.lock()
        target = stop
        lock.unlock()
    }

    private func fire() {
        lock.lock()
        let stop = target
        lock.unlock()
        stop?()
        Interrupt.request()
        var byte: UInt8 = 3
        _ = write(writeFD, &byte, 1)
    }
}
