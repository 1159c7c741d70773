import XCTest
import M2Tensor

/// `matmul`: 1-D, 2-D and batched with broadcasting, strided operands through the BLAS
/// layouts, gradients and refusals.
final class MatmulTests: XCTestCase {
    /// A direct triple loop over dense `[b, m, k]·[b, k, n]`.
    func naive(_ a: [TensorScalar], _ b: [TensorScalar], batch: Int, m: Int, k: Int, n: Int) -> [TensorScalar] {
        var out = [TensorScalar](repeating: 0, count: batch * m * n)
        for p in 0..<batch { for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for q in 0..<k { s += Double(a[(p * m + i) * k + q]) * Double(b[(p * k + q) * n + j]) }
            out[(p * m + i) * n + j] = TensorScalar(s)
        } } }
        return out
    }

    func testShapesAndValues() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = try Tensor([1, 0, -1, 2, 0.5, 1], shape: [3, 2])
        assertClose(try a.matmul(b), [0.5, 7, 2, 16], shape: [2, 2])
        let v = try Tensor([1, 1, 1], shape: [3])
        assertClose(try v.matmul(v), [3], shape: [])
        assertClose(try a.matmul(v), [6, 15], shape: [2])
        assertClose(try Tensor([1, -1], shape: [2]).matmul(a), [-3, -3, -3], shape: [3])
        XCTAssertEqual(try Tensor.zeros([2, 3, 4]).matmul(Tensor.zeros([4, 5])).shape, [2, 3, 5])
        XCTAssertEqual(try Tensor.zeros([4]).matmul(Tensor.zeros([2, 4, 5])).shape, [2, 5])
        XCTAssertEqual(try Tensor.zeros([2, 1, 3, 4]).matmul(Tensor.zeros([5, 4, 2])).shape, [2, 5, 3, 2])
        XCTAssertEqual(try Tensor.zeros([2, 3, 4]).matmul(Tensor.zeros([4])).shape, [2, 3])
        // Empty dimensions: an inner size of 0 gives zeros.
        XCTAssertEqual(try Tensor.ones([2, 0]).matmul(Tensor.ones([0, 3])).scalars, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try Tensor.ones([0, 2]).matmul(Tensor.ones([2, 3])).shape, [0, 3])
        XCTAssertEqual(try Tensor.ones([2, 2, 0]).matmul(Tensor.ones([0, 3])).scalars, [TensorScalar](repeating: 0, count: 12))
    }

    func testLargeAndBatchedAgainstNaive() throws {
        // Large enough to be split over the threads.
        let (m, k, n) = (70, 90, 80)
        let a = try randn([m, k], seed: 1, requiresGrad: false), b = try randn([k, n], seed: 2, requiresGrad: false)
        assertClose(try a.matmul(b).scalars, naive(a.scalars, b.scalars, batch: 1, m: m, k: k, n: n), rtol: 1e-4, atol: 1e-4)
        let bt = try b.T.copy()  // [n, k]; a tall-and-narrow product goes down the other split
        assertClose(try bt.matmul(a.T).scalars, naive(bt.scalars, try a.T.copy().scalars, batch: 1, m: n, k: k, n: m), rtol: 1e-4, atol: 1e-4)
        let x = try randn([3, 4, 5], seed: 3, requiresGrad: false), y = try randn([5, 6], seed: 4, requiresGrad: false)
        let yb = try y.unsqueeze(0).expand(to: [3, 5, 6]).copy()
        assertClose(try x.matmul(y).scalars, naive(x.scalars, yb.scalars, batch: 3, m: 4, k: 5, n: 6), rtol: 1e-4, atol: 1e-4)
    }

    func testStridedOperands() throws {
        let a = try randn([4, 6], seed: 5, requiresGrad: false), b = try randn([6, 5], seed: 6, requiresGrad: false)
        let ref = try a.matmul(b)
        let aT = try a.T.copy().T            // column-major storage
        let bT = try b.T.copy().T
        assertClose(try aT.matmul(bT), ref)
        assertClose(try aT.matmul(b), ref)
        assertClose(try a.matmul(bT), ref)
        // Steps: every other column of a wider matrix, rows read backwards, broadcast rows.
        let wide = try randn([4, 12], seed: 7, requiresGrad: false)
        let stepped = try wide.index([.all, .slice(start: nil, end: nil, step: 2)])
        assertClose(try stepped.matmul(b), try stepped.copy().matmul(b))
        let reversed = try a.index([.slice(start: nil, end: nil, step: -1)])
        assertClose(try reversed.matmul(b), try reversed.copy().matmul(b))
        let row = try randn([1, 6], seed: 8, requiresGrad: false).expand(to: [4, 6])
        assertClose(try row.matmul(b), try row.copy().matmul(b))
        let col = try randn([6, 1], seed: 9, requiresGrad: false).expand(to: [6, 5])
        assertClose(try a.matmul(col), try a.matmul(col.copy()))
        let newAxisRow = try randn([6], seed: 10, requiresGrad: false).index([.newAxis])
        assertClose(try newAxisRow.matmul(b), try newAxisRow.copy().matmul(b))
        // A sub-block whose rows have a stride larger than their length.
        let block = try randn([8, 9], seed: 11, requiresGrad: false).index([.slice(start: 1, end: 5, step: nil), .slice(start: 2, end: 8, step: nil)])
        assertClose(try block.matmul(b), try block.copy().matmul(b))
        assertClose(try b.T.matmul(block.T), try b.T.copy().matmul(block.T.copy()))
        // Batched, with permuted batches.
        let batched = try randn([4, 3, 6], seed: 12, requiresGrad: false).permute([1, 0, 2])
        assertClose(try batched.matmul(b), try batched.copy().matmul(b))
    }

    func testGradientsByFiniteDifferences() throws {
        let pairs: [([Int], [Int])] = [([3], [3]), ([3], [3, 4]), ([2, 3], [3]), ([2, 3], [3, 4]), ([2, 2, 3], [3, 4]),
                                       ([3], [2, 3, 4]), ([2, 1, 2, 3], [3, 3, 2]), ([2, 3, 4], [4]), ([1, 2, 3], [2, 3, 2])]
        for (i, (sa, sb)) in pairs.enumerated() {
            let a = try randn(sa, seed: UInt64(i)), b = try randn(sb, seed: UInt64(20 + i))
            try checkGradients([a, b], "matmul \(sa) \(sb)") { t in try t[0].matmul(t[1]) }
        }
        let a = try randn([4, 3], seed: 40), b = try randn([4, 5], seed: 41)
        try checkGradients([a, b], "transposed operands") { t in try t[0].T.matmul(t[1]) }
        try checkGradients([a], "a·aᵀ") { t in try t[0].matmul(t[0].T) }
    }

    func testRefusals() throws {
        assertThrowsTensorError(["matmul", "[2, 3]", "[4, 5]"]) { try Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5])) }
        assertThrowsTensorError(["matmul", "[3]", "[4]"]) { try Tensor.zeros([3]).matmul(Tensor.zeros([4])) }
        assertThrowsTensorError(["matmul", "[2, 3, 4]", "[3, 4, 5]"]) { try Tensor.zeros([2, 3, 4]).matmul(Tensor.zeros([3, 4, 5])) }
        assertThrowsTensorError(["matmul", "[]"]) { try Tensor(scalar: 1).matmul(Tensor.zeros([2])) }
    }
}
