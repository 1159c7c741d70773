import XCTest
@testable import M2Tensor

/// The shifted-plane fast path of im2col/col2im against the row-by-row path, on every tap of
/// same-size stride-1 geometries (square and not, with images narrower than the kernel).
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
}
