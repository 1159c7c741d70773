import XCTest
import M2Tensor

/// `conv2dInference`: the graph-free convolution with a fused shortcut and ReLU gives what the
/// separate ops give, on the direct-kernel and the im2col geometries, and refuses what it
/// cannot do.
final class Conv2DInferenceTests: XCTestCase {
    func testMatchesSeparateOps() throws {
        // (channels in, out, side, kernel, stride, padding): direct 3×3, strided 3×3 (im2col), 1×1 shortcut.
        for (ci, co, side, k, s, p) in [(4, 8, 12, 3, 1, 1), (4, 8, 12, 3, 2, 1), (8, 4, 12, 1, 2, 0)] {
            let x = try randn([3, ci, side, side], seed: 1, requiresGrad: false)
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
