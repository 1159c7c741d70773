import XCTest
import M2Tensor

/// `conv2d`: the reference vectors (forward and all gradients) and finite differences over
/// strides 1/2, paddings 0/1/3 and kernels 1/3/7.
final class Conv2DTests: XCTestCase {
    func testMatchesReferenceVectors() throws {
        let cases = try Fixture.load("conv2d").list("cases")
        XCTAssertEqual(cases.count, 4)
        for (n, c) in cases.enumerated() {
            let x = try c.tensor("input", requiresGrad: true)
            let w = try c.tensor("weight", requiresGrad: true)
            let b = c.has("bias") ? try c.tensor("bias", requiresGrad: true) : nil
            let (stride, padding) = (try c.int("stride"), try c.int("padding"))
            let y = try conv2d(x, w, bias: b, stride: stride, padding: padding)
            let label = "case \(n) (stride \(stride), padding \(padding), weight \(w.shape))"
            assertClose(y, try c.tensor("output"), "\(label) output")
            try y.backward(c.tensor("grad_output"))
            assertClose(try XCTUnwrap(x.grad), try c.tensor("grad_input"), "\(label) grad_input")
            assertClose(try XCTUnwrap(w.grad), try c.tensor("grad_weight"), "\(label) grad_weight")
            if let b {
                XCTAssertTrue(c.has("grad_bias"))
                assertClose(try XCTUnwrap(b.grad), try c.tensor("grad_bias"), "\(label) grad_bias")
            }
        }
    }

    /// A direct sum over the definition, for shapes the vectors don't cover.
    func naiveConv(_ x: Tensor, _ w: Tensor, bias: Tensor?, stride s: Int, padding p: Int) throws -> [TensorScalar] {
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (O, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let (oh, ow) = ((H + 2 * p - kh) / s + 1, (W + 2 * p - kw) / s + 1)
        let (xs, ws, bs) = (x.scalars, w.scalars, bias?.scalars)
        var out = [TensorScalar]()
        for n in 0..<N { for o in 0..<O { for i in 0..<oh { for j in 0..<ow {
            var acc = Double(bs?[o] ?? 0)
            for c in 0..<C { for u in 0..<kh { for v in 0..<kw {
                let (r, q) = (i * s - p + u, j * s - p + v)
                guard r >= 0, r < H, q >= 0, q < W else { continue }
                acc += Double(xs[((n * C + c) * H + r) * W + q]) * Double(ws[((o * C + c) * kh + u) * kw + v])
            } } }
            out.append(TensorScalar(acc))
        } } } }
        return out
    }

    /// (kernel, stride, padding, batch, input size)
    let geometries: [(k: Int, s: Int, p: Int, n: Int, hw: Int)] = [
        (1, 1, 0, 3, 4), (1, 2, 0, 2, 5), (3, 1, 1, 3, 5), (3, 2, 1, 2, 6), (3, 1, 0, 1, 5),
        (3, 2, 0, 3, 7), (7, 2, 3, 2, 9), (7, 1, 3, 1, 6), (3, 1, 3, 1, 3),
    ]

    func testForwardMatchesDefinition() throws {
        for (i, g) in geometries.enumerated() {
            let x = try randn([g.n, 3, g.hw, g.hw + 1], seed: UInt64(10 + i), requiresGrad: false)
            let w = try randn([4, 3, g.k, g.k], seed: UInt64(20 + i), requiresGrad: false)
            let b = try randn([4], seed: UInt64(30 + i), requiresGrad: false)
            for bias in [nil, b] {
                let y = try conv2d(x, w, bias: bias, stride: g.s, padding: g.p)
                XCTAssertEqual(y.shape, [g.n, 4, (g.hw + 2 * g.p - g.k) / g.s + 1, (g.hw + 1 + 2 * g.p - g.k) / g.s + 1])
                assertClose(y.scalars, try naiveConv(x, w, bias: bias, stride: g.s, padding: g.p), rtol: 1e-4, atol: 1e-4, "geometry \(g) bias \(bias != nil)")
            }
        }
    }

    func testGradientsByFiniteDifferences() throws {
        for (i, g) in geometries.enumerated() {
            let x = try randn([g.n, 2, g.hw, g.hw], seed: UInt64(40 + i))
            let w = try randn([3, 2, g.k, g.k], seed: UInt64(50 + i), scale: 0.5)
            let b = try randn([3], seed: UInt64(60 + i))
            try checkGradients([x, w, b], "conv geometry \(g)") { t in
                try conv2d(t[0], t[1], bias: t[2], stride: g.s, padding: g.p)
            }
        }
    }

    func testGradientWithRespectToOneOperandOnly() throws {
        let x = try randn([2, 2, 5, 5], seed: 1)
        let w = try randn([3, 2, 3, 3], seed: 2, requiresGrad: false)
        try checkGradients([x]) { t in try conv2d(t[0], w, padding: 1) }
        let x2 = try randn([2, 2, 5, 5], seed: 3, requiresGrad: false)
        let w2 = try randn([3, 2, 3, 3], seed: 4)
        try checkGradients([w2]) { t in try conv2d(x2, t[0], stride: 2) }
    }

    func testNonContiguousInputs() throws {
        // NHWC storage permuted to NCHW, and a weight read through a transpose.
        let nhwc = try randn([2, 5, 5, 3], seed: 5, requiresGrad: false)
        let x = try nhwc.permute([0, 3, 1, 2])
        XCTAssertFalse(x.isContiguous)
        let wStorage = try randn([4, 3, 3, 3], seed: 6, requiresGrad: false)
        let w = try wStorage.transpose(2, 3).copy().transpose(2, 3)
        XCTAssertFalse(w.isContiguous)
        let y = try conv2d(x, w, stride: 2, padding: 1)
        assertClose(y, try conv2d(x.copy(), w.copy(), stride: 2, padding: 1))
        // Through the graph as well.
        let leaf = try randn([2, 5, 5, 3], seed: 7)
        try checkGradients([leaf]) { t in try conv2d(t[0].permute([0, 3, 1, 2]), w, padding: 1) }
    }

    func testRejectsBadArguments() throws {
        let x = try Tensor.zeros([1, 3, 5, 5])
        assertThrowsTensorError(["conv2d", "[4, 3, 3]"]) { try conv2d(x, Tensor.zeros([4, 3, 3])) }
        assertThrowsTensorError(["conv2d", "[1, 3, 5, 5]", "[4, 2, 3, 3]"]) { try conv2d(x, Tensor.zeros([4, 2, 3, 3])) }
        assertThrowsTensorError(["conv2d", "[3, 5, 5]"]) { try conv2d(Tensor.zeros([3, 5, 5]), Tensor.zeros([4, 3, 3, 3])) }
        assertThrowsTensorError(["conv2d", "7x7", "5x5"]) { try conv2d(x, Tensor.zeros([4, 3, 7, 7])) }
        assertThrowsTensorError(["conv2d", "stride 0"]) { try conv2d(x, Tensor.zeros([4, 3, 3, 3]), stride: 0) }
        assertThrowsTensorError(["conv2d", "padding -1"]) { try conv2d(x, Tensor.zeros([4, 3, 3, 3]), padding: -1) }
        assertThrowsTensorError(["conv2d bias", "[5]"]) { try conv2d(x, Tensor.zeros([4, 3, 3, 3]), bias: Tensor.zeros([5])) }
    }
}
