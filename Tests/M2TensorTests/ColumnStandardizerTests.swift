import XCTest
import M2Tensor

/// ``ColumnStandardizer`` gives the bits of the tensor expression it replaces, for short
/// columns (one running sum) and long ones (blocks, lanes, a tail), and refuses bad shapes.
final class ColumnStandardizerTests: XCTestCase {
    /// `(x − mean) / √(var + 10⁻⁶)` with the reductions of ``Tensor``.
    private func expression(_ x: Tensor, _ y: Tensor) throws -> (mean: Tensor, scale: Tensor, x: Tensor, y: Tensor) {
        let mean = try x.mean(axes: [0], keepdims: true)
        let scale = try (x.variance(axes: [0], unbiased: false, keepdims: true) + 1e-6).sqrt()
        return (mean, scale, try ((x - mean) / scale).contiguous(), try ((y - mean) / scale).contiguous())
    }

    func testTheBitsOfTheTensorExpression() throws {
        let g = RandomGenerator(seed: 7)
        // 1,024 rows is the longest single running sum; 2,051 leaves a tail of three rows after
        // the last group of eight in the last block; 3,000 has 952 rows in its last block.
        for (n, d) in [(1, 3), (7, 5), (1024, 13), (1025, 4), (2051, 13), (3000, 9)] {
            // Pixel-like columns (a mean far from 0, so the order of the sums shows in the bits).
            let x = try Tensor.uniform([n, d], low: 0, high: 1, generator: g) * 3 + 0.7
            let y = try Tensor.randn([5, d], generator: g)
            let s = try ColumnStandardizer(fitting: x)
            let e = try expression(x, y)
            XCTAssertEqual(s.mean, e.mean.scalars, "mean, n = \(n)")
            XCTAssertEqual(s.scale, e.scale.scalars, "scale, n = \(n)")
            XCTAssertEqual(try s.apply(x).scalars, e.x.scalars, "train, n = \(n)")
            XCTAssertEqual(try s.apply(y).scalars, e.y.scalars, "test, n = \(n)")
        }
    }

    func testRowsComeInTheOrderAsked() throws {
        let x = try Tensor([1, 10, 2, 20, 3, 30, 6, 60], shape: [4, 2])
        let s = try ColumnStandardizer(fitting: x)
        XCTAssertEqual(s.mean, [3, 30])
        let all = try s.apply(x).scalars, some = try s.apply(x, rows: [3, 0, 3]).scalars
        XCTAssertEqual(some, Array(all[6..<8] + all[0..<2] + all[6..<8]))
        XCTAssertEqual(try s.apply(x, rows: []).shape, [0, 2])
    }

    func testBadShapesAndRowsAreRefused() throws {
        XCTAssertThrowsError(try ColumnStandardizer(fitting: Tensor.zeros([0, 3])))
        XCTAssertThrowsError(try ColumnStandardizer(fitting: Tensor.zeros([4])))
        let s = try ColumnStandardizer(fitting: Tensor.ones([2, 3]))
        XCTAssertEqual(s.scale.count, 3)
        XCTAssertThrowsError(try s.apply(Tensor.zeros([2, 4])))
        XCTAssertThrowsError(try s.apply(Tensor.zeros([2, 3]), rows: [2]))
        XCTAssertThrowsError(try s.apply(Tensor.zeros([2, 3]), rows: [-1]))
    }
}
