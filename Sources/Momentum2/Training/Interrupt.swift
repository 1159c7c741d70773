import Foundation

/// A request to stop, set from a SIGINT handler (or the REPL) and polled by long loops.
///
/// Signal handlers may only touch lock-free state, so this is a plain word written with a
/// single store; pollers read it between steps.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: Int32 = 0

    /// Whether a stop was requested since the last ``clear()``.
    public static var isRequested: Bool { flag != 0 }
    /// Asks running loops to stop at their next check.
    public static func request() { flag = 1 }
    /// Forgets a request.
    public static func clear() { flag = 0 }

    /// Installs a SIGINT handler that requests a stop (a second Ctrl-C while a stop is
    /// pending exits at once).
    public static func installSignalHandler() {
        signal(SIGINT) { _ in
            if Interrupt.flag != 0 { _exit(130) }
            Interrupt.flag = 1
        }
    }
}
