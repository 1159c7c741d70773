import Foundation
import M2Script

/// What the running cell sends to the frontends while it runs: `stream` text as it is
/// printed (coalesced over ``coalescing`` seconds so a tight loop of prints does not send a
/// message per line), `display_data` for plots and images, and one progress display that
/// `update_display_data` rewrites in place.
///
/// Called from the thread that runs the cell (the session's output, plot sink and progress)
/// and from the shell loop (``begin(parent:silent:)``, ``end()``); everything is under one lock.
final class CellOutput: @unchecked Sendable {
    /// Longest time printed text waits before it is sent.
    static let coalescing = 0.05
    /// Least time between two redraws of the progress display.
    static let progressInterval = 0.2

    private let publisher: Publisher
    private let lock = NSLock()
    private var parent: Message?
    private var pending = ""
    private var lastSend = Date.distantPast
    private var flushScheduled = false
    private var progressID: String?
    private var lastProgress = Date.distantPast
    /// An update skipped by the rate limit, shown when the cell ends.
    private var skippedProgress: [String: JSON]?
    /// Whether outputs are sent at all (`silent` requests send none).
    private var quiet = false

    init(publisher: Publisher) { self.publisher = publisher }

    /// Starts a cell: its outputs answer `parent`.
    func begin(parent: Message, silent: Bool) {
        lock.lock()
        self.parent = parent
        quiet = silent
        progressID = nil
        skippedProgress = nil
        lock.unlock()
    }

    /// Ends a cell: sends the text not yet sent and the last progress update skipped.
    func end() {
        lock.lock()
        sendPendingLocked()
        if let data = skippedProgress, let id = progressID {
            publisher.publish("update_display_data", ["data": .object(data), "metadata": [:], "transient": ["display_id": .string(id)]], parent: parent)
        }
        skippedProgress = nil
        lock.unlock()
    }

    /// Text the program printed.
    func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet else { return }
        pending += text
        if Date().timeIntervalSince(lastSend) >= CellOutput.coalescing {
            sendPendingLocked()
        } else if !flushScheduled {
            flushScheduled = true
            DispatchQueue.global().asyncAfter(deadline: .now() + CellOutput.coalescing) { [weak self] in
                guard let self else { return }
                self.lock.lock()
                self.flushScheduled = false
                self.sendPendingLocked()
                self.lock.unlock()
            }
        }
    }

    private func sendPendingLocked() {
        guard !pending.isEmpty else { return }
        publisher.publish("stream", ["name": "stdout", "text": .string(pending)], parent: parent)
        pending = ""
        lastSend = Date()
    }

    /// A `display_data` message with `data` (a MIME bundle), after the text printed before it.
    func display(_ data: [String: JSON]) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet else { return }
        sendPendingLocked()
        publisher.publish("display_data", ["data": .object(data), "metadata": [:], "transient": [:]], parent: parent)
    }

    /// A progress report: the first update of a cell opens a display, later ones replace it
    /// (at most five times a second, and always the last); notes are printed lines.
    func progress(_ report: ProgressReport) {
        switch report {
        case .note(let text):
            write(text + "\n")
        case let .update(text, fraction, _):
            lock.lock()
            defer { lock.unlock() }
            guard !quiet else { return }
            let now = Date()
            let data = RichDisplay.progress(text: text, fraction: fraction)
            guard progressID == nil || fraction >= 1 || now.timeIntervalSince(lastProgress) >= CellOutput.progressInterval else {
                skippedProgress = data
                return
            }
            lastProgress = now
            skippedProgress = nil
            sendPendingLocked()
            if let id = progressID {
                publisher.publish("update_display_data", ["data": .object(data), "metadata": [:], "transient": ["display_id": .string(id)]], parent: parent)
            } else {
                let id = UUID().uuidString.lowercased()
                progressID = id
                publisher.publish("display_data", ["data": .object(data), "metadata": [:], "transient": ["display_id": .string(id)]], parent: parent)
            }
        }
    }
}
