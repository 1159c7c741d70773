import CZMQ
import Foundation

/// A ZeroMQ socket (libzmq) with what the kernel needs: bind, multipart receive with a
/// size cap, multipart send, poll. Not thread-safe, like libzmq's sockets: each is used by
/// one thread, or behind a lock (IOPub).
final class Socket {
    enum Kind { case router, publisher, reply }

    /// Largest message accepted (all frames together); ZeroMQ drops the connection of a
    /// peer that sends more (`ZMQ_MAXMSGSIZE` per frame) and the kernel drops the message.
    static let maxMessageBytes = 64 << 20
    /// Most frames a message may have.
    static let maxFrames = 1024

    let handle: UnsafeMutableRawPointer
    let name: String
    private var closed = false

    init(context: UnsafeMutableRawPointer, kind: Kind, name: String) throws {
        let type: Int32
        switch kind {
        case .router: type = ZMQ_ROUTER
        case .publisher: type = ZMQ_PUB
        case .reply: type = ZMQ_REP
        }
        guard let s = zmq_socket(context, type) else { throw KernelError.zmq("zmq_socket(\(name))", Socket.lastError) }
        handle = s
        self.name = name
        var maxSize = Int64(Socket.maxMessageBytes)
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxSize, MemoryLayout<Int64>.size)
        // Closing waits at most a second for unsent messages (a shutdown reply).
        var linger: Int32 = 1000
        zmq_setsockopt(s, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    deinit { close() }

    /// Closes the socket (sending what is queued for up to the linger time once the context
    /// terminates); later sends do nothing.
    func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    /// Binds to `address` (`tcp://127.0.0.1:5555`).
    func bind(_ address: String) throws {
        guard zmq_bind(handle, address) == 0 else { throw KernelError.zmq("bind \(name) to \(address)", Socket.lastError) }
    }

    /// Waits up to `timeout` ms (-1: forever) for `sockets` to become readable; the
    /// readable ones, in order.
    static func poll(_ sockets: [Socket], timeout: Int) -> [Socket] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let n = zmq_poll(&items, Int32(items.count), timeout)
        guard n > 0 else { return [] }
        return zip(sockets, items).filter { $0.1.revents & Int16(ZMQ_POLLIN) != 0 }.map(\.0)
    }

    /// Receives one multipart message (blocking); nil on an error or when it has too many
    /// frames or bytes (the rest of it is read and dropped).
    func receive() -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var total = 0, tooBig = false
        while true {
            var msg = zmq_msg_t()
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            let n = zmq_msg_recv(&msg, handle, 0)
            guard n >= 0 else { return nil }
            total += Int(n)
            if total > Socket.maxMessageBytes || frames.count >= Socket.maxFrames { tooBig = true }
            if !tooBig, let data = zmq_msg_data(&msg) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: Int(n))))
            } else if !tooBig {
                frames.append([])
            }
            guard zmq_msg_more(&msg) != 0 else { break }
        }
        if tooBig {
            KernelLog.write("\(name): dropped a message over \(Socket.maxFrames) frames or \(Socket.maxMessageBytes) bytes")
            return nil
        }
        return frames
    }

    /// Sends `frames` as one multipart message; false when ZeroMQ refused.
    @discardableResult
    func send(_ frames: [[UInt8]]) -> Bool {
        guard !closed else { return false }
        for (i, frame) in frames.enumerated() {
            let flags = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            guard rc >= 0 else {
                KernelLog.write("\(name): send failed: \(Socket.lastError)")
                return false
            }
        }
        return true
    }

    static var lastError: String { String(cString: zmq_strerror(zmq_errno())) }
}

/// What can stop the kernel from starting.
public enum KernelError: Error, CustomStringConvertible {
    case connectionFile(String)
    case zmq(String, String)
    public var description: String {
        switch self {
        case .connectionFile(let why): return "connection file: \(why)"
        case .zmq(let what, let why): return "\(what): \(why)"
        }
    }
}

/// The kernel's log: standard error, which Jupyter shows in its server log.
enum KernelLog {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data("m2t kernel: \(line)\n".utf8))
    }
}
