import XCTest
import M2Tensor

/// Views: reshape, flatten, permute, transpose, expand, unsqueeze, squeeze, contiguous —
/// storage sharing, values through strides, gradients and refusals.
final class ViewTests: XCTestCase {
    let x = try! Tensor.arange(0, 24).reshape([2, 3, 4])

    func testReshapeAndFlatten() throws {
        XCTAssertEqual(try x.reshape([4, -1]).shape, [4, 6])
        XCTAssertEqual(try x.reshape([-1]).scalars, (0..<24).map(TensorScalar.init))
        XCTAssertEqual(try x.flatten().shape, [24])
        XCTAssertEqual(try x.flatten(from: 1).shape, [2, 12])
        XCTAssertEqual(try x.flatten(from: 0, to: 1).shape, [6, 4])
        XCTAssertEqual(try Tensor(scalar: 5).flatten().shape, [1])
        XCTAssertEqual(try Tensor(scalar: 5).reshape([1, 1]).shape, [1, 1])
        XCTAssertEqual(try Tensor([5], shape: [1, 1]).reshape([]).shape, [])
        XCTAssertEqual(try Tensor.zeros([0, 3]).reshape([3, 0, 5]).shape, [3, 0, 5])
        // A contiguous reshape shares storage; a strided one copies in logical order.
        XCTAssertTrue(try x.reshape([6, 4]).storage === x.storage)
        let t = try x.transpose(0, 2)
        XCTAssertEqual(try t.reshape([-1]).scalars, t.scalars)
        XCTAssertEqual(try t.reshape([4, 6]).scalars.prefix(6), [0, 12, 4, 16, 8, 20])

        assertThrowsTensorError(["reshape", "[5, 5]", "25 elements", "[2, 3, 4]", "24"]) { try x.reshape([5, 5]) }
        assertThrowsTensorError(["reshape", "[-1, -1]"]) { try x.reshape([-1, -1]) }
        assertThrowsTensorError(["reshape", "[-2, 12]"]) { try x.reshape([-2, 12]) }
        assertThrowsTensorError(["reshape", "[5, -1]", "cannot infer"]) { try x.reshape([5, -1]) }
        assertThrowsTensorError(["reshape", "[0, -1]"]) { try x.reshape([0, -1]) }
        assertThrowsTensorError(["flatten", "start 2 is after end 1"]) { try x.flatten(from: 2, to: 1) }
        assertThrowsTensorError(["flatten", "axis 3"]) { try x.flatten(from: 3) }
    }

    func testPermuteTransposeAndT() throws {
        let p = try x.permute([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertTrue(p.storage === x.storage)
        XCTAssertEqual(try p.value(at: [3, 1, 2]), try x.value(at: [1, 2, 3]))
        XCTAssertEqual(try x.permute([-1, 0, 1]).shape, [4, 2, 3])
        XCTAssertEqual(try x.transpose().shape, [2, 4, 3])
        XCTAssertEqual(try x.transpose(0, 2).shape, [4, 3, 2])
        let m = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(try m.T.scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(try m.T.T.scalars, m.scalars)
        XCTAssertEqual(try Tensor(scalar: 1).transpose().shape, [])
        assertThrowsTensorError(["permute", "2 axes", "rank 3"]) { try x.permute([0, 1]) }
        assertThrowsTensorError(["permute", "[0, 1, 1]", "not a permutation"]) { try x.permute([0, 1, 1]) }
        assertThrowsTensorError(["permute", "axis 3"]) { try x.permute([0, 1, 3]) }
        assertThrowsTensorError(["transpose", "axis 5"]) { try x.transpose(0, 5) }
    }

    func testExpandUnsqueezeSqueeze() throws {
        let c = try Tensor([1, 2, 3], shape: [3, 1])
        let e = try c.expand(to: [2, 3, 4])
        XCTAssertEqual(e.shape, [2, 3, 4])
        XCTAssertTrue(e.storage === c.storage)
        XCTAssertEqual(e.strides[0], 0)
        XCTAssertEqual(try e.sum(axes: [0, 2]).scalars, [8, 16, 24])
        XCTAssertEqual(try c.expand(to: [3, 0]).shape, [3, 0])
        XCTAssertEqual(try x.unsqueeze(0).shape, [1, 2, 3, 4])
        XCTAssertEqual(try x.unsqueeze(-1).shape, [2, 3, 4, 1])
        XCTAssertEqual(try x.unsqueeze(3).shape, [2, 3, 4, 1])
        XCTAssertEqual(try Tensor(scalar: 1).unsqueeze(0).shape, [1])
        let s = try Tensor.zeros([1, 3, 1, 2])
        XCTAssertEqual(try s.squeeze().shape, [3, 2])
        XCTAssertEqual(try s.squeeze(2).shape, [1, 3, 2])
        XCTAssertEqual(try s.squeeze(1).shape, [1, 3, 1, 2])  // not of size 1: unchanged
        XCTAssertEqual(try s.squeeze(-4).shape, [3, 1, 2])
        XCTAssertEqual(try Tensor(scalar: 1).squeeze().shape, [])
        assertThrowsTensorError(["expand", "[3, 1]", "[3, 4, 2]"]) { try c.expand(to: [3, 4, 2]) }
        assertThrowsTensorError(["expand", "[3, 1]", "[4]"]) { try c.expand(to: [4]) }
        assertThrowsTensorError(["unsqueeze", "axis 5", "rank 4"]) { try x.unsqueeze(5) }
        assertThrowsTensorError(["squeeze", "axis 4", "rank 4"]) { try s.squeeze(4) }
        assertThrowsTensorError(["squeeze", "axis 0", "rank 0"]) { try Tensor(scalar: 1).squeeze(0) }
    }

    func testContiguous() throws {
        XCTAssertTrue(try x.contiguous() === x)
        let t = try x.transpose()
        let c = try t.contiguous()
        XCTAssertTrue(c.isContiguous)
        XCTAssertFalse(c.storage === x.storage)
        XCTAssertEqual(c.scalars, t.scalars)
        XCTAssertEqual(c.strides, [12, 3, 1])
    }

    func testGradientsByFiniteDifferences() throws {
        let t = try randn([2, 3, 4], seed: 1)
        try checkGradients([t]) { a in try a[0].reshape([4, 6]) * 1 }
        try checkGradients([t]) { a in try a[0].transpose().reshape([6, 4]) }
        try checkGradients([t]) { a in try a[0].flatten(from: 1) }
        try checkGradients([t]) { a in try a[0].permute([2, 0, 1]) }
        try checkGradients([t]) { a in try a[0].permute([1, 2, 0]).contiguous() }
        try checkGradients([t]) { a in try a[0].transpose(0, 2) }
        try checkGradients([t]) { a in try a[0].unsqueeze(1).squeeze() }
        let c = try randn([3, 1], seed: 2)
        try checkGradients([c]) { a in try a[0].expand(to: [2, 3, 4]) }
        try checkGradients([c]) { a in try a[0].expand(to: [2, 3, 4]).permute([2, 1, 0]).contiguous() }
        let s = try randn([], seed: 3)
        try checkGradients([s]) { a in try a[0].expand(to: [2, 2]) }
    }
}
