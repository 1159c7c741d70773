import XCTest
@testable import M2Tensor

/// ``Kernels/smallGEMM(_:_:_:_:_:_:_:_:_:accumulate:)`` against a plain triple loop: every
/// column tail (blocks of 24, 16 and 8, single lanes), row counts that are not multiples of
/// 4, strided operands, and accumulating into `c`.
final class SmallGEMMTests: XCTestCase {
    func testMatchesTheTripleLoop() throws {
        let gen = RandomGenerator(seed: 11)
        for (m, n, k) in [(4, 24, 16), (5, 47, 3), (1, 1, 1), (9, 64, 33), (16, 8, 0), (7, 100, 20), (12, 41, 9)] {
            for accumulate in [false, true] {
                let (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
                let a = try Tensor.randn([m * lda], generator: gen).scalars
                let b = try Tensor.randn([Swift.max(k, 1) * ldb], generator: gen).scalars
                let start = try Tensor.randn([m * ldc], generator: gen).scalars
                var expected = start
                for i in 0..<m {
                    for j in 0..<n {
                        var s = accumulate ? start[i * ldc + j] : 0
                        for p in 0..<k { s += a[i * lda + p] * b[p * ldb + j] }
                        expected[i * ldc + j] = s
                    }
                }
                var c = start
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            Kernels.smallGEMM(m, n, k, a.baseAddress!, lda, b.baseAddress!, ldb, c.baseAddress!, ldc, accumulate: accumulate)
                        }
                    }
                }
                // Outside the m × n block, c is untouched.
                assertClose(c, expected, rtol: 1e-5, atol: 1e-5, "m \(m) n \(n) k \(k) accumulate \(accumulate)")
            }
        }
    }
}
