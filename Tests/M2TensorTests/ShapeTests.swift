import XCTest
import M2Tensor

/// The shape arithmetic every op shares: broadcasting rules, strides, axis resolution.
final class ShapeTests: XCTestCase {
    func testBroadcastRules() throws {
        XCTAssertEqual(try Shape.broadcast([2, 3], [3], op: "t"), [2, 3])
        XCTAssertEqual(try Shape.broadcast([2, 1], [1, 3], op: "t"), [2, 3])
        XCTAssertEqual(try Shape.broadcast([], [4, 1], op: "t"), [4, 1])
        XCTAssertEqual(try Shape.broadcast([5, 1, 3], [4, 1], op: "t"), [5, 4, 3])
        XCTAssertEqual(try Shape.broadcast([0, 1], [1, 3], op: "t"), [0, 3])
        XCTAssertEqual(try Shape.broadcast([1], [0], op: "t"), [0])
        XCTAssertEqual(try Shape.broadcast([0], [], op: "t"), [0])
        assertThrowsTensorError(["myop", "[0]", "[2]"]) { try Shape.broadcast([0], [2], op: "myop") }
        assertThrowsTensorError(["myop", "[2, 3]", "[3, 2]"]) { try Shape.broadcast([2, 3], [3, 2], op: "myop") }
    }

    func testStridesAndContiguity() throws {
        XCTAssertEqual(Shape.contiguousStrides([2, 3, 4]), [12, 4, 1])
        XCTAssertEqual(Shape.contiguousStrides([]), [])
        XCTAssertEqual(Shape.contiguousStrides([3, 0, 2]), [2, 2, 1])
        XCTAssertTrue(Shape.isContiguous(shape: [2, 1, 3], strides: [3, 99, 1]))
        XCTAssertFalse(Shape.isContiguous(shape: [2, 3], strides: [1, 2]))
        XCTAssertFalse(Shape.isContiguous(shape: [2, 3], strides: [0, 1]))
        XCTAssertEqual(try Shape.elementCount([2, 3, 4], op: "t"), 24)
        XCTAssertEqual(try Shape.elementCount([], op: "t"), 1)
        XCTAssertEqual(try Shape.elementCount([5, 0], op: "t"), 0)
        assertThrowsTensorError(["t", "[2, -1]"]) { try Shape.elementCount([2, -1], op: "t") }
        assertThrowsTensorError(["refusing to allocate"]) { try Shape.elementCount([Int.max, 3], op: "t") }
    }

    func testAxes() throws {
        XCTAssertEqual(try Shape.normalizeAxis(-1, rank: 3, op: "t"), 2)
        XCTAssertEqual(try Shape.normalizeAxis(0, rank: 3, op: "t"), 0)
        XCTAssertEqual(try Shape.normalizeAxes(nil, rank: 3, op: "t"), [0, 1, 2])
        XCTAssertEqual(try Shape.normalizeAxes([2, -3], rank: 3, op: "t"), [0, 2])
        XCTAssertEqual(try Shape.normalizeAxes(nil, rank: 0, op: "t"), [])
        assertThrowsTensorError(["t: axis 3 is out of range for a tensor of rank 3"]) { try Shape.normalizeAxis(3, rank: 3, op: "t") }
        assertThrowsTensorError(["axis -4"]) { try Shape.normalizeAxis(-4, rank: 3, op: "t") }
        assertThrowsTensorError(["axis 0", "rank 0"]) { try Shape.normalizeAxis(0, rank: 0, op: "t") }
        assertThrowsTensorError(["t", "repeated"]) { try Shape.normalizeAxes([1, 1], rank: 3, op: "t") }
    }
}
