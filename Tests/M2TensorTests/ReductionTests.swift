import XCTest
import M2Tensor

/// Reductions: sum, mean, variance, max, min, argmax over axes, with keepdims, on strided
/// inputs, and their gradients.
final class ReductionTests: XCTestCase {
    let x = try! Tensor.arange(0, 24).reshape([2, 3, 4])

    func testValuesAndShapes() throws {
        XCTAssertEqual(try x.sum().shape, [])
        XCTAssertEqual(try x.sum().item(), 276)
        assertClose(try x.sum(axis: 0), (0..<12).map { TensorScalar($0) * 2 + 12 }, shape: [3, 4])
        assertClose(try x.sum(axes: [0, 2]), [60, 92, 124], shape: [3])
        assertClose(try x.sum(axes: [-1], keepdims: true), [6, 22, 38, 54, 70, 86], shape: [2, 3, 1])
        assertClose(try x.sum(axes: [2, 0], keepdims: true), [60, 92, 124], shape: [1, 3, 1])
        assertClose(try x.sum(axes: []), x.scalars, shape: [2, 3, 4])
        XCTAssertEqual(try x.mean().item(), 11.5)
        assertClose(try x.mean(axis: 1), [4, 5, 6, 7, 16, 17, 18, 19], shape: [2, 4])
        assertClose(try x.variance(axes: [2]), [TensorScalar](repeating: 5.0 / 3, count: 6), shape: [2, 3])
        assertClose(try x.variance(axes: [2], unbiased: false, keepdims: true), [TensorScalar](repeating: 1.25, count: 6), shape: [2, 3, 1])
        assertClose(try x.variance(), [50], shape: [])
        let y = try Tensor([3, -1, 7, 7, 0, -5], shape: [2, 3])
        XCTAssertEqual(try y.max().item(), 7)
        XCTAssertEqual(try y.min().item(), -5)
        assertClose(try y.max(axis: 1), [7, 7], shape: [2])
        assertClose(try y.max(axes: [0], keepdims: true), [7, 0, 7], shape: [1, 3])
        assertClose(try y.min(axes: [0]), [3, -1, -5], shape: [3])
        assertClose(try y.argmax(axis: 1), [2, 0], shape: [2])
        assertClose(try y.argmax(axis: 0, keepdims: true), [1, 1, 0], shape: [1, 3])
        XCTAssertEqual(try y.argmax().item(), 2)  // first of the two maxima in flat order
        XCTAssertEqual(try y.argmax().shape, [])
        // Empty reductions: sums are 0, means of nothing are refused.
        XCTAssertEqual(try Tensor.zeros([0, 3]).sum(axis: 0).scalars, [0, 0, 0])
        XCTAssertEqual(try Tensor.zeros([3, 0]).sum(axis: 1).scalars, [0, 0, 0])
        XCTAssertEqual(try Tensor.zeros([0, 3]).sum().item(), 0)
        XCTAssertEqual(try Tensor(scalar: 4).sum().item(), 4)
        XCTAssertEqual(try Tensor(scalar: 4).max().item(), 4)
    }

    func testLongSumsArePrecise() throws {
        // 2^20 ones plus a fraction: a single TensorScalar accumulator would lose the fractions.
        let n = 1 << 20
        let t = try Tensor.full(1.0 / 3, shape: [n])
        assertClose(try t.sum().item(), TensorScalar(n) / 3, rtol: 1e-5)
        assertClose(try t.mean().item(), 1.0 / 3, rtol: 1e-5)
    }

    func testStridedInputs() throws {
        let base = try randn([4, 5, 6], seed: 1, requiresGrad: false)
        let views = [try base.permute([2, 0, 1]), try base.index([.slice(start: nil, end: nil, step: -1), .all, .slice(start: 1, end: nil, step: 2)]),
                     try base.index([.all, .all, .at(0)]).unsqueeze(2).expand(to: [4, 5, 3])]
        for v in views {
            XCTAssertFalse(v.isContiguous)
            let c = try v.copy()
            for axes: [Int]? in [nil, [0], [1], [2], [0, 1], [0, 2], [1, 2], [-1]] {
                assertClose(try v.sum(axes: axes), try c.sum(axes: axes), "sum \(String(describing: axes))")
                assertClose(try v.mean(axes: axes, keepdims: true), try c.mean(axes: axes, keepdims: true))
                assertClose(try v.max(axes: axes), try c.max(axes: axes))
                assertClose(try v.min(axes: axes), try c.min(axes: axes))
                assertClose(try v.variance(axes: axes), try c.variance(axes: axes))
            }
            assertClose(try v.argmax(axis: 1), try c.argmax(axis: 1))
            assertClose(try v.argmax(), try c.argmax())
        }
    }

    func testGradientsByFiniteDifferences() throws {
        let t = try randn([2, 3, 4], seed: 2)
        for axes: [Int]? in [nil, [0], [1], [2], [0, 2], [-1, -2]] {
            for keep in [false, true] {
                try checkGradients([t], "sum \(String(describing: axes)) keepdims \(keep)") { a in try a[0].sum(axes: axes, keepdims: keep) }
                try checkGradients([t], "mean \(String(describing: axes))") { a in try a[0].mean(axes: axes, keepdims: keep) }
                try checkGradients([t], "variance \(String(describing: axes))") { a in try a[0].variance(axes: axes, keepdims: keep) }
                try checkGradients([t], "biased variance") { a in try a[0].variance(axes: axes, unbiased: false, keepdims: keep) }
            }
        }
        let d = try distinctValues([2, 3, 4], seed: 3)
        for axes: [Int]? in [nil, [0], [1], [2], [0, 2], [1, 2]] {
            try checkGradients([d], "max \(String(describing: axes))") { a in try a[0].max(axes: axes) }
            try checkGradients([d], "min \(String(describing: axes))") { a in try a[0].min(axes: axes, keepdims: true) }
        }
        try checkGradients([d]) { a in try a[0].permute([2, 0, 1]).max(axes: [1]) }
    }

    func testMaxSendsTheGradientToTheFirstMaximumOnly() throws {
        let t = try Tensor([1, 5, 5, 2], shape: [2, 2], requiresGrad: true)
        try t.max().backward()
        XCTAssertEqual(t.grad?.scalars, [0, 1, 0, 0])
    }

    func testRejectsBadAxes() throws {
        assertThrowsTensorError(["sum", "axis 3", "rank 3"]) { try x.sum(axes: [3]) }
        assertThrowsTensorError(["sum", "axis -4", "rank 3"]) { try x.sum(axis: -4) }
        assertThrowsTensorError(["sum", "is repeated"]) { try x.sum(axes: [1, -2]) }
        assertThrowsTensorError(["mean", "axis 5"]) { try x.mean(axis: 5) }
        assertThrowsTensorError(["mean", "[0, 3]"]) { try Tensor.zeros([0, 3]).mean(axis: 0) }
        assertThrowsTensorError(["var", "axis 3"]) { try x.variance(axes: [3]) }
        assertThrowsTensorError(["var", "at least 2 elements", "got 1"]) { try Tensor.zeros([3, 1]).variance(axes: [1]) }
        assertThrowsTensorError(["max", "axis 7"]) { try x.max(axis: 7) }
        assertThrowsTensorError(["max", "empty"]) { try Tensor.zeros([0, 2]).max() }
        assertThrowsTensorError(["argmax", "axis 3"]) { try x.argmax(axis: 3) }
        assertThrowsTensorError(["argmax", "empty"]) { try Tensor.zeros([0]).argmax() }
        assertThrowsTensorError(["sum to shape", "[2, 3, 4]", "[1, 2, 3, 4]"]) { try x.sum(toShape: [1, 2, 3, 4]) }
    }

    func testScalarsHaveNoAxes() throws {
        let s = Tensor(scalar: 2)
        assertThrowsTensorError(["sum", "axis 0", "rank 0"]) { try s.sum(axes: [0]) }
        assertThrowsTensorError(["mean", "axis -1", "rank 0"]) { try s.mean(axis: -1) }
        assertThrowsTensorError(["max", "axis 0", "rank 0"]) { try s.max(axis: 0) }
        assertThrowsTensorError(["argmax", "axis 0", "rank 0"]) { try s.argmax(axis: 0) }
        assertThrowsTensorError(["var", "axis 0", "rank 0"]) { try s.variance(axes: [0]) }
    }
}
