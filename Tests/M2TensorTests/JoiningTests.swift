import XCTest
import M2Tensor

/// `Tensor.cat` and `Tensor.stack`: values, strided inputs, gradients and refusals.
final class JoiningTests: XCTestCase {
    func testCatAndStack() throws {
        let a = try Tensor([1, 2, 3, 4], shape: [2, 2]), b = try Tensor([5, 6], shape: [1, 2])
        XCTAssertEqual(try Tensor.cat([a, b]).scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try Tensor.cat([a, b.T], axis: 1).scalars, [1, 2, 5, 3, 4, 6])
        XCTAssertEqual(try Tensor.cat([a, b.T], axis: -1).shape, [2, 3])
        XCTAssertEqual(try Tensor.cat([a]).scalars, a.scalars)
        XCTAssertEqual(try Tensor.cat([a, Tensor.zeros([0, 2]), b]).shape, [3, 2])
        XCTAssertEqual(try Tensor.stack([a, a * 10]).shape, [2, 2, 2])
        XCTAssertEqual(try Tensor.stack([a, a * 10], axis: 2).scalars, [1, 10, 2, 20, 3, 30, 4, 40])
        XCTAssertEqual(try Tensor.stack([a, a], axis: -1).shape, [2, 2, 2])
        XCTAssertEqual(try Tensor.stack([Tensor(scalar: 1), Tensor(scalar: 2)]).scalars, [1, 2])
        // Strided inputs: transposed, reversed, expanded.
        let base = try Tensor.arange(0, 6).reshape([2, 3])
        let parts = [try base.T, try base.T.index([.slice(start: nil, end: nil, step: -1)]), try Tensor([7, 8], shape: [1, 2]).expand(to: [3, 2])]
        XCTAssertEqual(try Tensor.cat(parts, axis: 1).scalars, try Tensor.cat(parts.map { try $0.copy() }, axis: 1).scalars)
        XCTAssertEqual(try Tensor.cat(parts, axis: 1).scalars, [0, 3, 2, 5, 7, 8, 1, 4, 1, 4, 7, 8, 2, 5, 0, 3, 7, 8])
    }

    func testGradientsByFiniteDifferences() throws {
        let a = try randn([2, 3], seed: 1), b = try randn([4, 3], seed: 2), c = try randn([2, 3], seed: 3)
        try checkGradients([a, b]) { t in try Tensor.cat([t[0], t[1]]) }
        try checkGradients([a, b]) { t in try Tensor.cat([t[1].T, t[0].T, t[0].T], axis: 1) }
        try checkGradients([a, c]) { t in try Tensor.stack([t[0], t[1], t[0]], axis: 1) }
        try checkGradients([a, c]) { t in try Tensor.stack([t[0], t[1]], axis: -1) }
        // Only some inputs require gradients.
        let constant = try randn([2, 3], seed: 4, requiresGrad: false)
        try checkGradients([a]) { t in try Tensor.cat([constant, t[0]], axis: 0) }
    }

    func testRefusals() throws {
        let a = try Tensor.zeros([2, 3])
        assertThrowsTensorError(["cat", "at least one"]) { try Tensor.cat([]) }
        assertThrowsTensorError(["stack", "at least one"]) { try Tensor.stack([]) }
        assertThrowsTensorError(["cat", "[2, 3]", "[2, 4]"]) { try Tensor.cat([a, Tensor.zeros([2, 4])]) }
        assertThrowsTensorError(["cat", "[2, 3]", "[6]"]) { try Tensor.cat([a, Tensor.zeros([6])]) }
        assertThrowsTensorError(["cat", "axis 2", "rank 2"]) { try Tensor.cat([a, a], axis: 2) }
        assertThrowsTensorError(["cat", "axis 0", "rank 0"]) { try Tensor.cat([Tensor(scalar: 1), Tensor(scalar: 2)]) }
        assertThrowsTensorError(["stack", "[2, 3]", "[3, 2]"]) { try Tensor.stack([a, Tensor.zeros([3, 2])]) }
        assertThrowsTensorError(["stack", "axis 3", "rank 3"]) { try Tensor.stack([a, a], axis: 3) }
    }
}
