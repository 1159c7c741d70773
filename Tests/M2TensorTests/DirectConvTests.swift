import XCTest
@testable import M2Tensor

/// The direct kernel against im2col + GEMM on geometries it takes: forward with bias, input
/// and weight gradients, on odd widths (padded rows not a multiple of the register block),
/// 3×3 and 5×5, several images per thread. Winograd, which would take the 32-channel 3×3
/// cases first, is off.
final class DirectConvTests: XCTestCase {
    override func setUp() { Winograd.enabled = false }
    override func tearDown() { (DirectConv.enabled, Winograd.enabled) = (true, true) }

    func testMatchesIm2colGEMM() throws {
        let cases: [(input: [Int], out: Int, k: Int)] = [([3, 16, 14, 13], 8, 3), ([2, 5, 12, 17], 4, 5), ([5, 32, 14, 14], 16, 3), ([1, 1, 28, 28], 16, 3), ([2, 64, 12, 12], 8, 3), ([3, 32, 10, 10], 32, 3), ([2, 8, 11, 10], 4, 3)]
        for (shape, out, k) in cases {
            let gen = RandomGenerator(seed: UInt64(shape.reduce(0, +)))
            let x = try Tensor.randn(shape, generator: gen, requiresGrad: true)
            let w = try Tensor.randn([out, shape[1], k, k], generator: gen, requiresGrad: true)
            let b = try Tensor.randn([out], generator: gen, requiresGrad: true)
            DirectConv.enabled = true
            let g = try ConvGeometry(input: shape, outChannels: out, kernelH: k, kernelW: k, stride: 1, padding: k / 2, op: "test")
            XCTAssertTrue(DirectConv.suits(g), "\(shape)")
            let upstream = try Tensor.randn([shape[0], out, shape[2], shape[3]], generator: gen)
            var results: [[[TensorScalar]]] = []
            for direct in [true, false] {
                DirectConv.enabled = direct
                for t in [x, w, b] { t.grad = nil }
                let y = try conv2d(x, w, bias: b, padding: k / 2)
                try y.backward(upstream)
                results.append([y.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars])
            }
            for (i, name) in ["y", "dx", "dw", "db"].enumerated() {
                assertClose(results[0][i], results[1][i], rtol: 1e-4, atol: 1e-4, "\(name) for \(shape) → \(out), k\(k)")
            }
        }
    }

    func testEmptyBatchGoesThroughTheGEMMPath() throws {
        let x = try Tensor.zeros([0, 16, 14, 14], requiresGrad: true)
        let w = try Tensor.randn([16, 16, 3, 3], generator: RandomGenerator(seed: 3), requiresGrad: true)
        let y = try conv2d(x, w, padding: 1)
        XCTAssertEqual(y.shape, [0, 16, 14, 14])
        try y.sum().backward()
        XCTAssertEqual(w.grad?.scalars, [TensorScalar](repeating: 0, count: 16 * 16 * 9))
    }
}
