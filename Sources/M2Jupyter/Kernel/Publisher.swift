import Foundation

/// The IOPub channel: broadcasts status, inputs and outputs to every frontend. Several
/// threads publish (the shell loop, the control loop, the thread running a cell), so the
/// socket is used under a lock.
final class Publisher: @unchecked Sendable {
    private let socket: Socket
    private let signer: Signer
    private let lock = NSLock()
    /// The kernel's session id, in every header it writes.
    let session: String

    init(socket: Socket, signer: Signer, session: String) {
        self.socket = socket
        self.signer = signer
        self.session = session
    }

    /// Publishes a message of `type` whose parent is `parent`.
    func publish(_ type: String, _ content: JSON, parent: Message?) {
        var message = Message(type: type, content: content, parent: parent, session: session)
        // The topic: what IPython uses, so frontends that filter on it see the usual names.
        message.identities = [Array("kernel.\(session).\(type)".utf8)]
        let frames = message.encode(signer: signer)
        lock.lock()
        socket.send(frames)
        lock.unlock()
    }

    /// Closes the socket; what is published afterwards (a late flush) is dropped.
    func close() {
        lock.lock()
        socket.close()
        lock.unlock()
    }

    /// `status` with `execution_state` busy, idle or starting.
    func status(_ state: String, parent: Message?) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }
}
