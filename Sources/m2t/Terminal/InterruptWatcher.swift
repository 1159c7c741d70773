import Dispatch
import Foundation
import M2Script

/// Turns Ctrl-C into a stop request instead of the end of the process: the one place that
/// handles SIGINT, for the REPL and every command.
///
/// SIGINT is ignored as a signal and watched by a dispatch source, so the work happens on a
/// queue where taking locks is allowed (a raw handler may not): each press runs the current
/// target — cancelling a ``CancellationToken`` (a command) or the session's statement (the
/// REPL, which also wakes its prompt through ``readFD``). The engine polls the token: the
/// pre-training loop checkpoints, then stops.
final class InterruptWatcher {
    /// Becomes readable after each Ctrl-C; the line editor polls it.
    let readFD: Int32
    private let writeFD: Int32
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var target: (() -> Void)?
    private var presses = 0
    private let secondPressExits: Bool
    private let stopDetector: StopDetector?

    /// - Parameters:
    ///   - secondPressExits: whether a second Ctrl-C ends the process at once (exit code
    ///     130), for commands whose stop request may take a while to be honoured.
    ///   - alsoOnTermination: under `mpirun`, which answers a Ctrl-C by sending the ranks
    ///     SIGCONT, SIGTERM a second later and SIGKILL a second after that, the first two ask
    ///     for the same stop, and so does SIGUSR1, which mpirun forwards (docs/distributed.md).
    ///     A SIGCONT that resumes a stopped process is told apart by ``StopDetector`` and
    ///     ignored. These signals never count as a second press.
    init(secondPressExits: Bool = false, alsoOnTermination: Bool = false) {
        self.secondPressExits = secondPressExits
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        readFD = fds[0]
        writeFD = fds[1]
        stopDetector = alsoOnTermination ? StopDetector() : nil
        for number in alsoOnTermination ? [SIGINT, SIGTERM, SIGUSR1, SIGCONT] : [SIGINT] {
            // SIGCONT resumes a stopped process whatever its disposition.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [unowned self] in
                if number == SIGCONT, self.stopDetector?.wasJustStopped() ?? false { return }
                self.fire(fromTerminal: number == SIGINT)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// A watcher for a command: each Ctrl-C cancels `token`, and a second one exits.
    convenience init(cancelling token: CancellationToken, alsoOnTermination: Bool = false) {
        self.init(secondPressExits: true, alsoOnTermination: alsoOnTermination)
        watch { token.cancel() }
    }

    deinit { for s in sources { s.cancel() } }

    /// What Ctrl-C stops from now on (the current session's `interrupt`).
    func watch(_ stop: @escaping () -> Void) {
        lock.lock()
        target = stop
        lock.unlock()
    }

    private func fire(fromTerminal: Bool) {
        lock.lock()
        let stop = target
        let again = presses > 0 && fromTerminal
        presses += 1
        let first = presses == 1
        lock.unlock()
        if secondPressExits {
            if again { _exit(130) }
            guard first else { return }
            // Under mpirun only rank 0 speaks.
            if ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"].map({ $0 == "0" }) ?? true {
                FileHandle.standardError.write(Data("\ninterrupt: stopping (Ctrl-C again to quit at once)\n".utf8))
            }
        }
        stop?()
        var byte: UInt8 = 3
        _ = write(writeFD, &byte, 1)
    }
}
