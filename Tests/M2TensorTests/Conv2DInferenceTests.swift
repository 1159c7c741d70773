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

    func testMatchesSeparateOps() throws {
        for (n, ci, co, side, k, s, p) in Self.geometries {
            let x = try randn([n, ci, side, side], seed: 1, requiresGrad: false)
            let w = try randn([co, ci, k, k], seed: 2, scale: 0.3, requiresGrad: false)
            let b = try randn([co], seed: 3, requiresGrad: false)
            let plain = try conv2d(x, w, bias: b, stride: s, padding: p)
            let r = try randn(plain.shape, seed: 4, requiresGrad: false)
            let label = "\(ci)→\(co) k\(k) s\(s) p\(p)"
            assertClose(try conv2dInference(x, w, bias: b, stride: s, padding: p), plain, rtol: 1e-6, atol: 1e-6, label)
            assertClose(try conv2dInference(x, w, bias: b, stride: s, padding: p, relu: true), try plain.relu(), rtol: 1e-6, atol: 1e-6, "\(label) relu")
            assertClose(try conv2dInference(x, w, bias: b, stride: s, padding: p, adding: r, relu: true), try (plain + r).relu(),
                        rtol: 1e-6, atol: 1e-6, "\(label) residual + relu")
            assertClose(try conv2dInference(x, w, bias: b, stride: s, padding: p, adding: r), try plain + r, rtol: 1e-6, atol: 1e-6, "\(label) residual")
        }
    }

    /// The shortcut and the ReLU run in the kernels' output pass (`ConvEpilogue`) with the
    /// separate pass's sums, so the bits are those of the convolution followed by the ops.
    func testFusedTailGivesTheSameBits() throws {
        for (n, ci, co, side, k, s, p) in Self.geometries {
            let x = try randn([n, ci, side, side], seed: 5, requiresGrad: false)
            let w = try randn([co, ci, k, k], seed: 6, scale: 0.3, requiresGrad: false)
            let b = try randn([co], seed: 7, requiresGrad: false)
            let conv = try conv2dInference(x, w, bias: b, stride: s, padding: p)
            let r = try randn(conv.shape, seed: 8, requiresGrad: false)
            let label = "\(n)×\(ci)→\(co) \(side)² k\(k) s\(s) p\(p)"
            XCTAssertEqual(try conv2dInference(x, w, bias: b, stride: s, padding: p, adding: r, relu: true).scalars, try (conv + r).relu().scalars, label)
            XCTAssertEqual(try conv2dInference(x, w, bias: b, stride: s, padding: p, adding: r).scalars, try (conv + r).scalars, label)
            XCTAssertEqual(try conv2dInference(x, w, bias: b, stride: s, padding: p, relu: true).scalars, try conv.relu().scalars, label)
        }
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
