import Foundation

extension ProcessGroup {
    /// Rank 0's result of `produce`, on every rank: rank 0 runs it and broadcasts the bytes —
    /// or its error, which every rank then throws, so that no rank waits for bytes that will
    /// never come. How the ranks agree on a configuration and read one checkpoint.
    public func shareFromRoot(_ produce: () throws -> [UInt8]) throws -> [UInt8] {
        var message: [UInt8] = []
        if rank == 0 {
            do { message = [0] + (try produce()) } catch { message = [1] + Array("\(error)".utf8) }
        }
        try broadcast(&message, from: 0)
        guard let status = message.first else { throw CommunicationError("rank 0 sent nothing") }
        let payload = Array(message.dropFirst())
        guard status == 0 else { throw SharedFailure(description: String(decoding: payload, as: UTF8.self)) }
        return payload
    }
}

/// An error rank 0 met while producing what ``ProcessGroup/shareFromRoot(_:)`` shares, as
/// every rank reports it.
public struct SharedFailure: Error, CustomStringConvertible {
    /// Rank 0's error message.
    public let description: String
}
