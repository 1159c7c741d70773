import XCTest
@testable import M2Tensor

/// ``Kernels/copyRow(_:from:count:)`` copies exactly `n` values for every length (the
/// branches without a loop, up to 32, and the call beyond), and touches nothing after them.
final class RowCopyTests: XCTestCase {
    func testEveryLengthCopiesExactlyItsValues() {
        let src = (0..<48).map { TensorScalar($0) + 0.5 }
        for n in 0...40 {
            var dst = [TensorScalar](repeating: -1, count: 48)
            src.withUnsafeBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { d in Kernels.copyRow(d.baseAddress!, from: s.baseAddress!, count: n) }
            }
            XCTAssertEqual(Array(dst[..<n]), Array(src[..<n]), "n = \(n)")
            XCTAssertEqual(Array(dst[n...]), [TensorScalar](repeating: -1, count: 48 - n), "n = \(n)")
        }
    }
}
