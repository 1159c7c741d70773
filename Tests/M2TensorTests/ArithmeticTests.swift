import XCTest
import M2Tensor

/// Elementwise arithmetic: values, NumPy broadcasting (including its edge cases), strided
/// operands and gradients.
final class ArithmeticTests: XCTestCase {
    let a = try! Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])

    func testValues() throws {
        let b = try Tensor([6, 5, 4, 3, 2, 1], shape: [2, 3])
        XCTAssertEqual(try (a + b).scalars, [7, 7, 7, 7, 7, 7])
        XCTAssertEqual(try (a - b).scalars, [-5, -3, -1, 1, 3, 5])
        XCTAssertEqual(try (a * b).scalars, [6, 10, 12, 12, 10, 6])
        assertClose(try a / b, [1.0 / 6, 0.4, 0.75, 4.0 / 3, 2.5, 6], shape: [2, 3])
        XCTAssertEqual(try (-a).scalars, [-1, -2, -3, -4, -5, -6])
        XCTAssertEqual(try (a + 1).scalars, [2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try (10 - a).scalars, [9, 8, 7, 6, 5, 4])
        XCTAssertEqual(try (a - 1).scalars, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try (2 * a).scalars, [2, 4, 6, 8, 10, 12])
        XCTAssertEqual(try (a * 0.5).scalars, [0.5, 1, 1.5, 2, 2.5, 3])
        XCTAssertEqual(try (a / 2).scalars, [0.5, 1, 1.5, 2, 2.5, 3])
        assertClose(try 6 / a, [6, 3, 2, 1.5, 1.2, 1], shape: [2, 3])
        assertClose(try a.pow(2), [1, 4, 9, 16, 25, 36], shape: [2, 3])
        assertClose(try a.pow(b), [1, 32, 81, 64, 25, 6], shape: [2, 3])
        XCTAssertEqual(try a.maximum(b).scalars, [6, 5, 4, 4, 5, 6])
        XCTAssertEqual(try a.minimum(b).scalars, [1, 2, 3, 3, 2, 1])
        XCTAssertEqual(try (a / 0).scalars, [TensorScalar](repeating: .infinity, count: 6))
    }

    func testBroadcastingShapesAndValues() throws {
        let col = try Tensor([10, 20], shape: [2, 1]), row = try Tensor([1, 2, 3], shape: [3])
        XCTAssertEqual(try (a + row).scalars, [2, 4, 6, 5, 7, 9])
        XCTAssertEqual(try (a + col).scalars, [11, 12, 13, 24, 25, 26])
        // Size-1 dimensions on both sides.
        let outer = try col + row
        XCTAssertEqual(outer.shape, [2, 3])
        XCTAssertEqual(outer.scalars, [11, 12, 13, 21, 22, 23])
        XCTAssertEqual(try (Tensor([1, 2], shape: [1, 2, 1]) * Tensor([1, 10, 100], shape: [3, 1, 1, 1])).shape, [3, 1, 2, 1])
        // Rank mismatch: [2, 3] against [4, 1, 3].
        let c = try Tensor.arange(0, 12).reshape([4, 1, 3])
        let s = try a + c
        XCTAssertEqual(s.shape, [4, 2, 3])
        XCTAssertEqual(try s.value(at: [3, 1, 2]), 6 + 11)
        // Scalars: rank 0 with anything, and with each other.
        XCTAssertEqual(try (a * Tensor(scalar: 2)).scalars, [2, 4, 6, 8, 10, 12])
        let scalarSum = try Tensor(scalar: 2) + Tensor(scalar: 3)
        XCTAssertEqual(scalarSum.shape, [])
        XCTAssertEqual(try scalarSum.item(), 5)
        XCTAssertEqual(try (Tensor(scalar: 1) + Tensor([1], shape: [1, 1, 1])).shape, [1, 1, 1])
        // Zero-size dimensions broadcast against 1 and stay empty.
        XCTAssertEqual(try (Tensor.zeros([0, 3]) + row).shape, [0, 3])
        XCTAssertEqual(try (Tensor.zeros([2, 0]) + Tensor.zeros([2, 1])).shape, [2, 0])
        XCTAssertEqual(try (Tensor.zeros([0]) * Tensor(scalar: 3)).shape, [0])
        XCTAssertEqual(try (Tensor.zeros([1, 0]) - Tensor.zeros([3, 1])).shape, [3, 0])
        XCTAssertEqual(try (Tensor.zeros([0, 3]) + row).scalars, [])
    }

    func testBroadcastingMismatchThrows() throws {
        assertThrowsTensorError(["add", "[2, 3]", "[2]"]) { try a + Tensor.zeros([2]) }
        assertThrowsTensorError(["sub", "[2, 3]", "[3, 3]"]) { try a - Tensor.zeros([3, 3]) }
        assertThrowsTensorError(["mul", "[0]", "[2]"]) { try Tensor.zeros([0]) * Tensor.zeros([2]) }
        assertThrowsTensorError(["div", "[4, 2, 3]"]) { try Tensor.zeros([4, 2, 3]) / Tensor.zeros([4, 3, 3]) }
        assertThrowsTensorError(["pow", "[2, 3]", "[2]"]) { try a.pow(Tensor.ones([2])) }
        assertThrowsTensorError(["maximum", "[2, 3]", "[4]"]) { try a.maximum(Tensor.ones([4])) }
        assertThrowsTensorError(["minimum", "[2, 3]", "[4]"]) { try a.minimum(Tensor.ones([4])) }
    }

    func testGradientsByFiniteDifferences() throws {
        let shapes: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1], [1, 3]), ([4, 1, 3], [2, 3]), ([], [2, 2]), ([3], [])]
        for (i, (sa, sb)) in shapes.enumerated() {
            let x = try randn(sa, seed: UInt64(i)), y = try randn(sb, seed: UInt64(10 + i))
            try checkGradients([x, y], "add \(sa) \(sb)") { t in try t[0] + t[1] }
            try checkGradients([x, y], "sub \(sa) \(sb)") { t in try t[0] - t[1] }
            try checkGradients([x, y], "mul \(sa) \(sb)") { t in try t[0] * t[1] }
            let d = try Tensor(try randnAwayFromZero(sb, seed: UInt64(20 + i), margin: 0.5).scalars, shape: sb, requiresGrad: true)
            try checkGradients([x, d], eps: 1e-3, "div \(sa) \(sb)") { t in try t[0] / t[1] }
            let p = try Tensor.uniform(sa, low: 0.5, high: 2, generator: RandomGenerator(seed: UInt64(30 + i)), requiresGrad: true)
            try checkGradients([p, y], eps: 1e-3, "pow \(sa) \(sb)") { t in try t[0].pow(t[1]) }
            let m = try distinctValues(sb, seed: UInt64(40 + i))
            try checkGradients([x, m], eps: 1e-3, "maximum \(sa) \(sb)") { t in try t[0].maximum(t[1]) }
            try checkGradients([x, m], eps: 1e-3, "minimum \(sa) \(sb)") { t in try t[0].minimum(t[1]) }
        }
        let x = try randn([2, 3], seed: 50)
        try checkGradients([x]) { t in try -t[0] }
        try checkGradients([x]) { t in try (3 - t[0]) * 2 + t[0] / 4 - 1 }
        let pos = try Tensor.uniform([2, 3], low: 0.5, high: 2, generator: RandomGenerator(seed: 51), requiresGrad: true)
        try checkGradients([pos], eps: 1e-3) { t in try 1 / t[0] }
        try checkGradients([pos], eps: 1e-3) { t in try t[0].pow(-1.5) }
    }

    func testGradientOfBroadcastOperandsIsSummed() throws {
        let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], requiresGrad: true)
        let row = try Tensor([1, 1, 1], shape: [1, 3], requiresGrad: true)
        let s = Tensor(scalar: 2, requiresGrad: true)
        try (x * row * s).sum().backward()
        XCTAssertEqual(row.grad?.shape, [1, 3])
        XCTAssertEqual(row.grad?.scalars, [10, 14, 18])
        XCTAssertEqual(s.grad?.shape, [])
        XCTAssertEqual(try s.grad?.item(), 21)
        XCTAssertEqual(x.grad?.scalars, [TensorScalar](repeating: 2, count: 6))
        // A zero-size operand contributes nothing and gets an empty gradient.
        let empty = try Tensor.zeros([0, 3], requiresGrad: true)
        let bias = try Tensor.ones([3], requiresGrad: true)
        try (empty + bias).sum().backward()
        XCTAssertEqual(bias.grad?.scalars, [0, 0, 0])
        XCTAssertEqual(empty.grad?.shape, [0, 3])
    }

    func testStridedOperands() throws {
        let base = try Tensor.arange(0, 24).reshape([4, 6])
        let transposed = try base.transpose()                                           // [6, 4]
        let stepped = try base.index([.slice(start: nil, end: nil, step: 2), .slice(start: 5, end: nil, step: -2)])  // [2, 3]
        let expanded = try Tensor([1, 2, 3], shape: [3, 1]).expand(to: [3, 4])
        let reversed = try base.index([.slice(start: nil, end: nil, step: -1)]).transpose()  // [6, 4]
        for (x, y) in [(transposed, reversed), (stepped, stepped), (expanded, try transposed.index([.slice(start: 0, end: 3, step: nil)]))] {
            XCTAssertFalse(x.isContiguous)
            let (xc, yc) = (try x.copy(), try y.copy())
            XCTAssertEqual(try (x + y).scalars, try (xc + yc).scalars)
            XCTAssertEqual(try (x - y).scalars, try (xc - yc).scalars)
            XCTAssertEqual(try (x * y).scalars, try (xc * yc).scalars)
            XCTAssertEqual(try (x / (y + 1)).scalars, try (xc / (yc + 1)).scalars)
            XCTAssertEqual(try x.maximum(y).scalars, try xc.maximum(yc).scalars)
            XCTAssertEqual(try (x * 3).scalars, try (xc * 3).scalars)
            XCTAssertEqual(try (-x).scalars, try (-xc).scalars)
        }
        XCTAssertEqual(stepped.scalars, [5, 3, 1, 17, 15, 13])
        // Broadcasting a strided view against a strided view of another rank.
        let col = try base.index([.all, .slice(start: 0, end: 1, step: nil)])    // [4, 1], stride 6
        XCTAssertEqual(try (col + stepped.index([.at(0)])).scalars, try (col.copy() + stepped.index([.at(0)]).copy()).scalars)
    }

    func testInPlaceHelpers() throws {
        let t = try Tensor.zeros([2, 3])
        try t.addInPlace(Tensor([1, 2, 3], shape: [3]), scale: 2)
        XCTAssertEqual(t.scalars, [2, 4, 6, 2, 4, 6])
        try t.scaleInPlace(0.5)
        XCTAssertEqual(t.scalars, [1, 2, 3, 1, 2, 3])
        try t.copyValues(from: Tensor.arange(0, 6).reshape([3, 2]).transpose())
        XCTAssertEqual(t.scalars, [0, 2, 4, 1, 3, 5])
        try t.fill(7)
        XCTAssertEqual(t.scalars, [TensorScalar](repeating: 7, count: 6))
        assertThrowsTensorError(["addInPlace", "[2, 3]", "[2]"]) { try t.addInPlace(Tensor.zeros([2])) }
        assertThrowsTensorError(["addInPlace", "[2, 3]", "[4, 2, 3]"]) { try t.addInPlace(Tensor.zeros([4, 2, 3])) }
        assertThrowsTensorError(["addInPlace", "contiguous"]) { try t.transpose().addInPlace(Tensor.zeros([3, 2])) }
        assertThrowsTensorError(["copy", "[2, 3]", "[3, 2]"]) { try t.copyValues(from: Tensor.zeros([3, 2])) }
        assertThrowsTensorError(["fill", "contiguous"]) { try t.transpose().fill(1) }
        assertThrowsTensorError(["scaleInPlace", "contiguous"]) { try t.transpose().scaleInPlace(1) }
    }
}
