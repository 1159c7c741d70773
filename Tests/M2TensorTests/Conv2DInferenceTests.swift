import XCTest
import M2Tensor

/// `conv2dInference`: the graph-free convolution with a fused shortcut and ReLU gives what the
/// separate ops give, on the Winograd, direct-kernel and im2col geometries, and refuses what it
/// cannot do.
final class Conv2DInferenceTests: XCTestCase {
    /// (batch, channels in, out, side, kernel, stride, padding): direct 3×3, strided 3×3 and 1×1
    /// shortcut (im2col, one image per chunk and several), Winograd 3×3 with tiles overhanging.
    static let geometries = [(3, 4, 8, 12, 3, 1, 1), (3, 4, 8, 12, 3, 2, 1), (3, 8, 4, 12, 1, 2, 0), (40, 4, 8, 4, 3, 2, 1),
                             (40, 8, 4, 6, 1, 1, 0), (5, 32, 32, 10, 3, 1, 1)]

    /// One case of ``geometries``: the operands, a residual of the output's shape, and a label.
    struct Case {
        let x: Tensor, w: Tensor, b: Tensor, r: Tensor, stride: Int, padding: Int, label: String

        func fused(adding residual: Bool = false, relu: Bool = false) throws -> Tensor {
            try conv2dInference(x, w, bias: b, stride: stride, padding: padding, adding: residual ? r : nil, relu: relu)
        }
    }

    /// The cases of ``geometries`` with operands drawn from `seed` on.
    static func cases(seed: UInt64) throws -> [Case] {
        try geometries.map { n, ci, co, side, k, s, p in
            let x = try randn([n, ci, side, side], seed: seed, requiresGrad: false)
            let w = try randn([co, ci, k, k], seed: seed + 1, scale: 0.3, requiresGrad: false)
            let b = try randn([co], seed: seed + 2, requiresGrad: false)
            let r = try randn(conv2dInference(x, w, bias: b, stride: s, padding: p).shape, seed: seed + 3, requiresGrad: false)
            return Case(x: x, w: w, b: b, r: r, stride: s, padding: p, label: "\(n)×\(ci)→\(co) \(side)² k\(k) s\(s) p\(p)")
        }
    }

    func testMatchesSeparateOps() throws {
        for c in try Self.cases(seed: 1) {
            let plain = try conv2d(c.x, c.w, bias: c.b, stride: c.stride, padding: c.padding)
            assertClose(try c.fused(), plain, rtol: 1e-6, atol: 1e-6, c.label)
            assertClose(try c.fused(relu: true), try plain.relu(), rtol: 1e-6, atol: 1e-6, "\(c.label) relu")
            assertClose(try c.fused(adding: true, relu: true), try (plain + c.r).relu(), rtol: 1e-6, atol: 1e-6, "\(c.label) residual + relu")
            assertClose(try c.fused(adding: true), try plain + c.r, rtol: 1e-6, atol: 1e-6, "\(c.label) residual")
        }
    }

    /// The shortcut and the ReLU run in the kernels' output pass (`ConvEpilogue`) with the
    /// separate pass's sums, so the bits are those of the convolution followed by the ops.
    func testFusedTailGivesTheSameBits() throws {
        for c in try Self.cases(seed: 5) {
            let conv = try c.fused()
            XCTAssertEqual(try c.fused(adding: true, relu: true).scalars, try (conv + c.r).relu().scalars, c.label)
            XCTAssertEqual(try c.fused(adding: true).scalars, try (conv + c.r).scalars, c.label)
            XCTAssertEqual(try c.fused(relu: true).scalars, try conv.relu().scalars, c.label)
        }
    }

    /// A 16-channel 3×3 layer runs on the direct kernel when training and on Winograd in
    /// inference (`Winograd.inferenceMinChannels`): the same convolution within Winograd's
    /// rounding (a few parts in 10⁶ of the largest value, `WinogradTests`). Nine images of 16
    /// tiles make three inference chunks (`Winograd.inferenceChunkTiles`), the last one short.
    func testNarrowLayersAgreeAcrossKernels() throws {
        let x = try randn([9, 16, 14, 14], seed: 9, requiresGrad: false)
        let w = try randn([16, 16, 3, 3], seed: 10, scale: 0.3, requiresGrad: false)
        let b = try randn([16], seed: 11, requiresGrad: false)
        let plain = try conv2d(x, w, bias: b, padding: 1)
        let largest = plain.scalars.map(abs).max() ?? 1
        assertClose(try conv2dInference(x, w, bias: b, padding: 1), plain, rtol: 0, atol: 2e-5 * largest, "16→16 14² k3")
    }

    func testRefusesBadOperands() throws {
        let x = try Tensor.zeros([2, 3, 8, 8]), w = try Tensor.zeros([4, 3, 3, 3])
        assertThrowsTensorError(["conv2d_inference residual", "[2, 4, 8, 8]", "[2, 4, 4, 4]"]) {
            try conv2dInference(x, w, padding: 1, adding: Tensor.zeros([2, 4, 4, 4]))
        }
        assertThrowsTensorError(["conv2d_inference", "expected 3 input channels, got 2"]) { try conv2dInference(Tensor.zeros([2, 2, 8, 8]), w) }
        let trainable = try Tensor.zeros([4, 3, 3, 3], requiresGrad: true)
        assertThrowsTensorError(["conv2d_inference", "withNoGrad"]) { try conv2dInference(x, trainable) }
        XCTAssertNoThrow(try withNoGrad { try conv2dInference(x, trainable) })
    }
}
