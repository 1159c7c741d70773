import XCTest
import M2Tensor

/// Comparisons: 0/1 results with broadcasting, outside the graph; `allClose`.
final class ComparisonTests: XCTestCase {
    func testComparisons() throws {
        let a = try Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        let b = try Tensor([2, 3], shape: [2])
        XCTAssertEqual(try a.eq(b).scalars, [0, 0, 0, 0])
        XCTAssertEqual(try a.ne(b).scalars, [1, 1, 1, 1])
        XCTAssertEqual(try a.lt(b).scalars, [1, 1, 0, 0])
        XCTAssertEqual(try a.le(b).scalars, [1, 1, 0, 0])
        XCTAssertEqual(try a.gt(b).scalars, [0, 0, 1, 1])
        XCTAssertEqual(try a.ge(Tensor(scalar: 2)).scalars, [0, 1, 1, 1])
        XCTAssertEqual(try a.eq(a.transpose()).scalars, [1, 0, 0, 1])
        XCTAssertFalse(try a.lt(b).requiresGrad)
        XCTAssertEqual(try Tensor([.nan], shape: [1]).eq(Tensor([.nan], shape: [1])).scalars, [0])
        assertThrowsTensorError(["lt", "[2, 2]", "[3]"]) { try a.lt(Tensor.zeros([3])) }
        assertThrowsTensorError(["eq", "[2, 2]", "[3]"]) { try a.eq(Tensor.zeros([3])) }
    }

    func testAllClose() throws {
        let a = try Tensor([1, 2], shape: [2])
        XCTAssertTrue(a.allClose(try a + 1e-7))
        XCTAssertFalse(a.allClose(try a + 1e-3))
        XCTAssertTrue(a.allClose(try a + 1e-3, rtol: 0, atol: 2e-3))
        XCTAssertFalse(a.allClose(try a.reshape([1, 2])))
        XCTAssertFalse(try Tensor([.nan], shape: [1]).allClose(Tensor([.nan], shape: [1])))
    }
}
