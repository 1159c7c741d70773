import XCTest
import M2Tensor

/// The error type: every case's message names the op and what was wrong, and errors compare
/// as values. (Each op's own refusals are tested with the op.)
final class TensorErrorTests: XCTestCase {
    func testDescriptions() {
        XCTAssertEqual(TensorError.shapeMismatch(op: "add", lhs: [2, 3], rhs: [4]).description, "add: shapes [2, 3] and [4] do not match")
        XCTAssertEqual(TensorError.invalidShape(op: "reshape", shape: [5], reason: "why").description, "reshape: invalid shape [5]: why")
        XCTAssertEqual(TensorError.axisOutOfRange(op: "sum", axis: 3, rank: 2).description, "sum: axis 3 is out of range for a tensor of rank 2")
        XCTAssertEqual(TensorError.indexOutOfRange(op: "index", index: 7, size: 3).description, "index: index 7 is out of range for a dimension of size 3")
        XCTAssertEqual(TensorError.indexOutOfRange(op: "index", index: 5, size: 3, axis: 1).description, "index: index 5 is out of range for axis 1 of size 3")
        XCTAssertEqual(TensorError.channelMismatch(op: "resnet18", expected: 1, got: 3, input: [2, 3, 28, 28]).description,
                       "resnet18: expected 1 input channel, got 3 (input of shape [2, 3, 28, 28])")
        XCTAssertEqual(TensorError.invalidArgument(op: "clamp", reason: "bad").description, "clamp: bad")
        XCTAssertEqual(TensorError.allocationTooLarge(elements: 10, bytes: 40, limit: 8).description,
                       "refusing to allocate 10 elements (40 bytes): the limit is 8 bytes")
        XCTAssertEqual(TensorError.noGradient(op: "backward", reason: "no").description, "backward: no")
        XCTAssertEqual(TensorError.shapeMismatch(op: "a", lhs: [1], rhs: [2]), TensorError.shapeMismatch(op: "a", lhs: [1], rhs: [2]))
        XCTAssertNotEqual(TensorError.shapeMismatch(op: "a", lhs: [1], rhs: [2]), TensorError.shapeMismatch(op: "b", lhs: [1], rhs: [2]))
    }

    func testErrorsInsideBackwardPropagate() throws {
        // A bad upstream gradient surfaces as an error from backward, not a trap, and
        // leaves the leaves without partial gradients.
        let x = try Tensor([1, 2], requiresGrad: true)
        let y = try x * 2
        XCTAssertThrowsError(try y.backward(Tensor.zeros([3])))
        XCTAssertNil(x.grad)
        try y.backward(Tensor.ones([2]))
        XCTAssertEqual(x.grad?.scalars, [2, 2])
    }
}
