/// Every way a tensor operation can refuse its arguments.
///
/// Code reachable from the language never traps on user data: it throws one of these, and
/// the message names the operation and the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two operands whose shapes cannot be combined (broadcast, matmul, concatenation…).
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int])
    /// A shape that is invalid on its own (negative sizes, wrong element count for a reshape).
    case invalidShape(op: String, shape: [Int], reason: String)
    /// An axis outside `-rank..<rank`.
    case axisOutOfRange(op: String, axis: Int, rank: Int)
    /// An index outside the dimension it addresses (`axis`, when the operation has one).
    case indexOutOfRange(op: String, index: Int, size: Int, axis: Int? = nil)
    /// An input with another number of channels than the layer or weight takes.
    case channelMismatch(op: String, expected: Int, got: Int, input: [Int])
    /// Any other argument a caller got wrong, with the reason.
    case invalidArgument(op: String, reason: String)
    /// An allocation larger than the machine can hold.
    case allocationTooLarge(elements: Int, bytes: Int, limit: Int)
    /// `backward()` was asked of a tensor that does not take part in a graph.
    case noGradient(op: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs):
            return "\(op): shapes \(lhs) and \(rhs) do not match"
        case let .invalidShape(op, shape, reason):
            return "\(op): invalid shape \(shape): \(reason)"
        case let .axisOutOfRange(op, axis, rank):
            return "\(op): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .indexOutOfRange(op, index, size, axis):
            return "\(op): index \(index) is out of range for \(axis.map { "axis \($0)" } ?? "a dimension") of size \(size)"
        case let .channelMismatch(op, expected, got, input):
            return "\(op): expected \(expected) input channel\(expected == 1 ? "" : "s"), got \(got) (input of shape \(input))"
        case let .invalidArgument(op, reason):
            return "\(op): \(reason)"
        case let .allocationTooLarge(elements, bytes, limit):
            return "refusing to allocate \(elements) elements (\(bytes) bytes): the limit is \(limit) bytes"
        case let .noGradient(op, reason):
            return "\(op): \(reason)"
        }
    }
}
