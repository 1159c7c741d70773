import CZMQ
import Foundation
import M2Script
import M2Tensor

/// A Jupyter kernel for the M2T language (messaging protocol 5.3 over ZeroMQ).
///
/// Threads:
/// - the caller of ``run()`` serves the **shell** channel: requests one at a time; a cell
///   runs on the session's large-stack thread while this thread waits for it;
/// - a **control** thread answers `interrupt_request`, `shutdown_request` and
///   `kernel_info_request` while a cell runs;
/// - a **heartbeat** thread echoes pings, also while a cell runs.
///
/// Every request is wrapped in `status` busy / idle on IOPub, with the request as parent.
/// Malformed or wrongly signed messages are dropped and logged to standard error.
///
/// ```swift
/// let kernel = try Kernel(connection: ConnectionInfo(file: path))
/// kernel.run()      // returns after a shutdown_request
/// ```
public final class Kernel: @unchecked Sendable {
    /// The kernel's implementation version (kernel_info).
    public static let version = "0.1.0"

    let signer: Signer
    let sessionID = UUID().uuidString.lowercased()
    private let context: UnsafeMutableRawPointer
    private let shell, control, stdin, heartbeat: Socket
    let publisher: Publisher
    let output: CellOutput
    /// The language session: every cell runs in it, so variables persist.
    let session: Session
    /// `execution_count`: the number of cells run with `store_history`.
    var executionCount = 0
    private let stopLock = NSLock()
    private var stopping = false

    /// Binds the five channels of `connection`.
    /// - Throws: ``KernelError`` when a port cannot be bound.
    public init(connection: ConnectionInfo) throws {
        signer = Signer(key: connection.key)
        guard let ctx = zmq_ctx_new() else { throw KernelError.zmq("zmq_ctx_new", Socket.lastError) }
        context = ctx
        shell = try Socket(context: ctx, kind: .router, name: "shell")
        control = try Socket(context: ctx, kind: .router, name: "control")
        stdin = try Socket(context: ctx, kind: .router, name: "stdin")
        heartbeat = try Socket(context: ctx, kind: .reply, name: "heartbeat")
        let iopub = try Socket(context: ctx, kind: .publisher, name: "iopub")
        try shell.bind(connection.address(connection.shellPort))
        try control.bind(connection.address(connection.controlPort))
        try stdin.bind(connection.address(connection.stdinPort))
        try heartbeat.bind(connection.address(connection.heartbeatPort))
        try iopub.bind(connection.address(connection.iopubPort))
        publisher = Publisher(socket: iopub, signer: signer, session: sessionID)
        let output = CellOutput(publisher: publisher)
        self.output = output
        session = Session(output: { output.write($0) }, plotSink: KernelPlotSink(output: output))
        session.progress = { output.progress($0) }
    }

    var isStopping: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopping
    }

    /// Serves until a `shutdown_request`; then closes the sockets.
    public func run() {
        publisher.status("starting", parent: nil)
        let beat = Thread { [self] in serveHeartbeat() }
        beat.name = "m2t-kernel-heartbeat"
        beat.start()
        let controlThread = Thread { [self] in serve(control, channel: "control") }
        controlThread.name = "m2t-kernel-control"
        controlThread.start()
        serve(shell, channel: "shell")
        // The other loops poll with a timeout and see `stopping` within 100 ms.
        while !(beat.isFinished && controlThread.isFinished) { usleep(10_000) }
        output.end()
        for socket in [shell, control, stdin, heartbeat] { socket.close() }
        publisher.close()
        // Waits (at most the sockets' linger time) until the shutdown reply has left.
        zmq_ctx_term(context)
    }

    /// Stops the running cell, as Ctrl-C does in the REPL (SIGINT or interrupt_request).
    public func interrupt() { session.interrupt() }

    private func serveHeartbeat() {
        while !isStopping {
            guard !Socket.poll([heartbeat], timeout: 100).isEmpty, let frames = heartbeat.receive() else { continue }
            heartbeat.send(frames)
        }
    }

    /// Receives, checks and dispatches the requests of one channel until shutdown.
    private func serve(_ socket: Socket, channel: String) {
        while !isStopping {
            guard !Socket.poll([socket], timeout: 100).isEmpty, let request = receive(on: socket) else { continue }
            handle(request, on: socket, channel: channel)
        }
    }

    /// The next message on `socket`, or nil when it was dropped (and logged).
    func receive(on socket: Socket) -> Message? {
        guard let frames = socket.receive() else { return nil }
        do {
            return try Message.decode(frames, signer: signer)
        } catch {
            KernelLog.write("\(socket.name): dropped a message: \(error)")
            return nil
        }
    }

    /// Sends the reply `type` to `request` on `socket`.
    func reply(_ type: String, _ content: JSON, to request: Message, on socket: Socket) {
        socket.send(Message(type: type, content: content, parent: request, session: sessionID).encode(signer: signer))
    }

    private func handle(_ request: Message, on socket: Socket, channel: String) {
        publisher.status("busy", parent: request)
        defer { publisher.status("idle", parent: request) }
        let type = request.type
        switch type {
        case "kernel_info_request":
            reply("kernel_info_reply", kernelInfo, to: request, on: socket)
        case "execute_request" where channel == "shell":
            let content = execute(request)
            reply("execute_reply", content, to: request, on: socket)
            if content["status"]?.string == "error", request.content["stop_on_error"]?.bool ?? true {
                abortQueuedExecutions()
            }
        case "complete_request" where channel == "shell":
            reply("complete_reply", complete(request.content), to: request, on: socket)
        case "inspect_request" where channel == "shell":
            reply("inspect_reply", inspect(request.content), to: request, on: socket)
        case "is_complete_request" where channel == "shell":
            reply("is_complete_reply", isComplete(request.content), to: request, on: socket)
        case "comm_info_request":
            reply("comm_info_reply", ["status": "ok", "comms": [:]], to: request, on: socket)
        case "history_request":
            reply("history_reply", ["status": "ok", "history": []], to: request, on: socket)
        case "interrupt_request":
            interrupt()
            reply("interrupt_reply", ["status": "ok"], to: request, on: socket)
        case "shutdown_request":
            let restart = request.content["restart"]?.bool ?? false
            reply("shutdown_reply", ["status": "ok", "restart": .bool(restart)], to: request, on: socket)
            shutDown()
        case "comm_open", "comm_msg", "comm_close":
            // No comm targets: widgets are not supported; IPython ignores unknown targets too.
            break
        default:
            KernelLog.write("\(channel): unknown message type '\(type)' ignored")
        }
    }

    /// Ends the serving loops; a running cell is interrupted first. Should the cell not stop
    /// (a builtin that does not poll), the process exits after two seconds anyway.
    private func shutDown() {
        stopLock.lock()
        stopping = true
        stopLock.unlock()
        interrupt()
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            KernelLog.write("the running cell did not stop; exiting")
            exit(0)
        }
    }

    /// After a failed cell with `stop_on_error`, the execute requests already queued are
    /// answered `aborted` without running (IPython's behaviour); other requests are served.
    /// The queue is drained before the first `aborted` reply goes out, so a request sent
    /// after the client saw that reply is never mistaken for a queued one.
    private func abortQueuedExecutions() {
        var aborted: [Message] = []
        while !Socket.poll([shell], timeout: 0).isEmpty {
            guard let request = receive(on: shell) else { continue }
            if request.type == "execute_request" {
                aborted.append(request)
            } else {
                handle(request, on: shell, channel: "shell")
            }
        }
        for request in aborted {
            publisher.status("busy", parent: request)
            reply("execute_reply", ["status": "aborted", "execution_count": .int(executionCount)], to: request, on: shell)
            publisher.status("idle", parent: request)
        }
    }

    var kernelInfo: JSON {
        [
            "status": "ok",
            "protocol_version": .string(Message.protocolVersion),
            "implementation": "m2t",
            "implementation_version": .string(Kernel.version),
            "language_info": [
                "name": "m2t",
                "version": .string(Kernel.version),
                "mimetype": "text/x-m2t",
                "file_extension": ".m2t",
            ],
            "banner": .string("M2T — Momentum² Teacher (\(Tensor.dtypeName)). help(NAME) documents a builtin; Shift-Tab inspects, Tab completes."),
            "help_links": [],
        ]
    }
}
