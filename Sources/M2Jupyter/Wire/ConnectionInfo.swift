import Foundation

/// The connection file Jupyter writes before it starts a kernel (`kernel-…json`): where to
/// bind the five sockets and the key that signs messages.
///
/// ```json
/// {"transport": "tcp", "ip": "127.0.0.1", "shell_port": 53794, "iopub_port": 53795,
///  "stdin_port": 53796, "control_port": 53797, "hb_port": 53798,
///  "key": "a0436f6c-…", "signature_scheme": "hmac-sha256"}
/// ```
public struct ConnectionInfo: Equatable, Sendable {
    /// `tcp` or `ipc`.
    public var transport: String
    /// The address to bind (`127.0.0.1`).
    public var ip: String
    /// Ports (tcp) or file suffixes (ipc) of the shell, IOPub, stdin, control and heartbeat channels.
    public var shellPort, iopubPort, stdinPort, controlPort, heartbeatPort: Int
    /// The signing key ("" turns signing off).
    public var key: String

    /// Reads a connection file.
    /// - Throws: ``KernelError/connectionFile(_:)`` when it is missing, not JSON, lacks a
    ///   port, or asks for a signature scheme other than HMAC-SHA256.
    public init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw KernelError.connectionFile("cannot read \(file)") }
        try self.init(json: data)
    }

    /// Reads the text of a connection file.
    public init(json data: Data) throws {
        guard let json = JSON(data: data), case .object = json else { throw KernelError.connectionFile("not a JSON object") }
        func port(_ name: String) throws -> Int {
            guard let p = json[name]?.int, (0...65535).contains(p) else { throw KernelError.connectionFile("no valid \(name)") }
            return p
        }
        transport = json["transport"]?.string ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else { throw KernelError.connectionFile("unknown transport '\(transport)'") }
        ip = json["ip"]?.string ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = json["key"]?.string ?? ""
        let scheme = json["signature_scheme"]?.string ?? "hmac-sha256"
        guard scheme == "hmac-sha256" else { throw KernelError.connectionFile("signature scheme '\(scheme)' is not supported (hmac-sha256 is)") }
    }

    /// The ZeroMQ address of a channel on `port`.
    public func address(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
