import XCTest
@testable import M2Tensor

/// Every kernel gives the same bits whatever the number of threads: the work is cut into
/// pieces that do not depend on it, and partial sums are added in a fixed order. So a
/// result depends on the seed, not on the machine's cores (or on whether the two views of a
/// step run side by side, one core each).
final class ThreadInvarianceTests: XCTestCase {
    override func tearDown() { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }

    /// The outputs and input gradients of `f` under 1, 2 and 3 threads.
    func assertSameBits(_ name: String, _ shapes: [[Int]], file: StaticString = #filePath, line: UInt = #line,
                        _ f: ([Tensor]) throws -> Tensor) throws {
        var reference: [[TensorScalar]]?
        for threads in [1, 2, 3] {
            Parallel.threads = threads
            let inputs = try shapes.enumerated().map { i, s in try Tensor.randn(s, generator: RandomGenerator(seed: UInt64(i + 1)), requiresGrad: true) }
            let y = try f(inputs)
            try y.backward(Tensor.randn(y.shape, generator: RandomGenerator(seed: 99)))
            let got = [y.scalars] + inputs.map { $0.grad?.scalars ?? [] }
            if let reference {
                for (k, (a, b)) in zip(got, reference).enumerated() {
                    let differ = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(differ, 0, "\(name): \(k == 0 ? "output" : "gradient \(k - 1)") differs in \(differ) of \(a.count) elements with \(threads) threads",
                                   file: file, line: line)
                }
            } else {
                reference = got
            }
        }
    }

    func testConvolutions() throws {
        // Direct kernel (3×3, stride 1, ≤ 64 channels, wide enough), Winograd (3×3, stride 1,
        // ≥ 64 channels; two chunks), im2col (narrow, strided, 1×1).
        try assertSameBits("conv 3×3 direct", [[6, 8, 12, 12], [16, 8, 3, 3]]) { try conv2d($0[0], $0[1], padding: 1) }
        try assertSameBits("conv 3×3 winograd", [[9, 64, 30, 30], [72, 64, 3, 3], [72]]) { try conv2d($0[0], $0[1], bias: $0[2], padding: 1) }
        try assertSameBits("conv 3×3 narrow", [[5, 16, 6, 6], [32, 16, 3, 3]]) { try conv2d($0[0], $0[1], padding: 1) }
        try assertSameBits("conv 3×3 stride 2", [[7, 8, 9, 9], [16, 8, 3, 3], [16]]) { try conv2d($0[0], $0[1], bias: $0[2], stride: 2, padding: 1) }
        try assertSameBits("conv 1×1 stride 2", [[6, 16, 8, 8], [32, 16, 1, 1]]) { try conv2d($0[0], $0[1], stride: 2) }
        try assertSameBits("conv 1×1", [[3, 8, 5, 5], [8, 8, 1, 1]]) { try conv2d($0[0], $0[1]) }
    }

    func testMatrixProducts() throws {
        try assertSameBits("matmul small", [[7, 13], [13, 5]]) { try $0[0].matmul($0[1]) }
        try assertSameBits("matmul wide", [[67, 129], [129, 301]]) { try $0[0].matmul($0[1]) }
        try assertSameBits("matmul tall", [[301, 129], [129, 67]]) { try $0[0].matmul($0[1]) }
        try assertSameBits("linear", [[33, 200], [150, 200], [150]]) { try linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    func testNormalizationAndReductions() throws {
        try assertSameBits("batch norm 2d", [[6, 12, 7, 7], [12], [12]]) { try batchNorm($0[0], weight: $0[1], bias: $0[2]).output }
        try assertSameBits("batch norm 1d", [[40, 300], [300], [300]]) { try batchNorm($0[0], weight: $0[1], bias: $0[2]).output }
        try assertSameBits("sum over batch", [[50, 700]]) { try $0[0].sum(axes: [0]) }
        try assertSameBits("long sum", [[3, 5000]]) { try $0[0].sum(axes: [1]) }
        try assertSameBits("mean over planes", [[4, 9, 11, 11]]) { try $0[0].mean(axes: [2, 3]) }
        try assertSameBits("l2 normalize", [[64, 128]]) { try l2Normalize($0[0], axis: 1) }
    }
}
