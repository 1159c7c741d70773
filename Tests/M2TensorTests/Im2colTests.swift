import XCTest
@testable import M2Tensor

/// The shifted-plane fast path of im2col/col2im against the row-by-row path, on every tap of
/// same-size stride-1 geometries (square and not, with images narrower than the kernel); the
/// row-by-row path against the definition on strided ones.
final class Im2colTests: XCTestCase {
    private let geometries: [(input: [Int], kernel: Int, padding: Int)] = [
        ([2, 3, 5, 5], 3, 1), ([3, 2, 4, 7], 3, 1), ([1, 2, 6, 3], 5, 2), ([2, 1, 9, 9], 7, 3),
        ([2, 2, 1, 1], 3, 1), ([1, 3, 2, 5], 5, 2), ([2, 2, 3, 3], 1, 0),
    ]

    func testShiftedPathEqualsRowPath() throws {
        for (input, k, p) in geometries {
            let g = try ConvGeometry(input: input, outChannels: 1, kernelH: k, kernelW: k, stride: 1, padding: p, op: "test")
            XCTAssertTrue(g.isSameSizeStride1)
            let x = (0..<(input.reduce(1, *))).map { TensorScalar($0 % 17) - 8 }
            for (first, n) in [(0, g.batch), (g.batch - 1, 1)] {
                let count = g.patchSize * n * g.outPlane
                var fast = [TensorScalar](repeating: .nan, count: count), rows = [TensorScalar](repeating: .nan, count: count)
                x.withUnsafeBufferPointer { xp in
                    fast.withUnsafeMutableBufferPointer { Kernels.im2colShifted(g, xp.baseAddress!, first: first, n: n, $0.baseAddress!) }
                    rows.withUnsafeMutableBufferPointer { Kernels.im2colRows(g, xp.baseAddress!, first: first, n: n, $0.baseAddress!) }
                }
                XCTAssertEqual(fast, rows, "im2col \(input) k\(k) p\(p) images \(first)+\(n)")

                let upstream = (0..<count).map { TensorScalar(($0 * 7) % 13) - 6 }
                var dxFast = [TensorScalar](repeating: 0, count: x.count), dxRows = [TensorScalar](repeating: 0, count: x.count)
                var scratch = upstream
                scratch.withUnsafeMutableBufferPointer { c in
                    dxFast.withUnsafeMutableBufferPointer { Kernels.col2imShifted(g, c.baseAddress!, first: first, n: n, $0.baseAddress!) }
                }
                upstream.withUnsafeBufferPointer { c in
                    dxRows.withUnsafeMutableBufferPointer { Kernels.col2imRows(g, c.baseAddress!, first: first, n: n, $0.baseAddress!) }
                }
                XCTAssertEqual(dxFast, dxRows, "col2im \(input) k\(k) p\(p) images \(first)+\(n)")
            }
        }
    }

    /// The row-by-row path against the definition on strided geometries: stride 2 with rows
    /// of 8 to 14 outputs (the path that moves eight at a time, and the ones after), a 1×1
    /// shortcut, and stride 3.
    func testStridedRowsMatchTheDefinition() throws {
        let cases: [(input: [Int], kernel: Int, stride: Int, padding: Int)] = [
            ([2, 2, 20, 21], 3, 2, 1), ([1, 3, 28, 28], 3, 2, 1), ([2, 2, 28, 28], 1, 2, 0), ([1, 2, 16, 17], 3, 2, 0),
            ([1, 2, 14, 14], 3, 3, 1),
        ]
        for (input, k, s, p) in cases {
            let g = try ConvGeometry(input: input, outChannels: 1, kernelH: k, kernelW: k, stride: s, padding: p, op: "test")
            let x = (0..<(input.reduce(1, *))).map { TensorScalar($0 % 23) - 11 }
            let P = g.outPlane, count = g.patchSize * g.batch * P
            var col = [TensorScalar](repeating: .nan, count: count)
            x.withUnsafeBufferPointer { xp in
                col.withUnsafeMutableBufferPointer { Kernels.im2colRows(g, xp.baseAddress!, first: 0, n: g.batch, $0.baseAddress!) }
            }
            var expected = [TensorScalar](repeating: 0, count: count)
            for img in 0..<g.batch {
                for c in 0..<g.inChannels {
                    for i in 0..<k {
                        for j in 0..<k {
                            for oh in 0..<g.outHeight {
                                for ow in 0..<g.outWidth {
                                    let (ih, iw) = (oh * s - p + i, ow * s - p + j)
                                    guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                                    expected[((c * k + i) * k + j) * g.batch * P + img * P + oh * g.outWidth + ow] =
                                        x[((img * g.inChannels + c) * g.height + ih) * g.width + iw]
                                }
                            }
                        }
                    }
                }
            }
            XCTAssertEqual(col, expected, "im2col \(input) k\(k) s\(s) p\(p)")
        }
    }
}
