import XCTest
import M2Tensor

/// `batchNorm`: the training-mode reference vectors with their running-stat update, the
/// mixed-statistics formula in its three regimes, and finite differences for each.
final class BatchNormTests: XCTestCase {
    func testMatchesReferenceVectors() throws {
        let cases = try Fixture.load("batchnorm").list("cases")
        XCTAssertEqual(cases.count, 2)
        for c in cases {
            let x = try c.tensor("input", requiresGrad: true)
            let w = try c.tensor("weight", requiresGrad: true)
            let b = try c.tensor("bias", requiresGrad: true)
            let eps = TensorScalar(try c.double("eps")), momentum = TensorScalar(try c.double("momentum"))
            let bn = try batchNorm(x, weight: w, bias: b, eps: eps)
            let label = "input \(x.shape)"
            assertClose(bn.output, try c.tensor("output"), "\(label) output")
            try bn.output.backward(c.tensor("grad_output"))
            assertClose(try XCTUnwrap(x.grad), try c.tensor("grad_input"), atol: 1e-5, "\(label) grad_input")
            assertClose(try XCTUnwrap(w.grad), try c.tensor("grad_weight"), "\(label) grad_weight")
            assertClose(try XCTUnwrap(b.grad), try c.tensor("grad_bias"), "\(label) grad_bias")

            // Running statistics start at 0 / 1 and take one step with the unbiased variance.
            let n = TensorScalar(bn.countPerChannel)
            XCTAssertEqual(bn.countPerChannel, x.count / x.shape[1])
            let mean = try XCTUnwrap(bn.batchMean), variance = try XCTUnwrap(bn.batchVariance)
            let runningMean = mean.map { (1 - momentum) * 0 + momentum * $0 }
            let runningVar = variance.map { (1 - momentum) * 1 + momentum * $0 * n / (n - 1) }
            assertClose(runningMean, try c.tensor("running_mean_after").scalars, "\(label) running_mean")
            assertClose(runningVar, try c.tensor("running_var_after").scalars, "\(label) running_var")
        }
    }

    /// The formula of ``BatchNormOutput`` written with elementary ops.
    func reference(_ x: Tensor, _ w: Tensor, _ b: Tensor, alpha: TensorScalar, factor: TensorScalar, rm: Tensor, rv: Tensor, eps: TensorScalar) throws -> Tensor {
        let axes = x.rank == 4 ? [0, 2, 3] : [0]
        let statShape = x.rank == 4 ? [1, x.shape[1], 1, 1] : [1, x.shape[1]]
        let mean = try x.mean(axes: axes, keepdims: true)
        let variance = try x.variance(axes: axes, unbiased: false, keepdims: true)
        let mu = try mean * alpha + rm.reshape(statShape) * (1 - alpha)
        let v = try variance * (alpha * factor) + rv.reshape(statShape) * (1 - alpha)
        return try (x - mu) / (v + eps).sqrt() * w.reshape(statShape) + b.reshape(statShape)
    }

    /// α = 1 (training), α = 0 (running statistics only) and 0 < α < 1 with the unbiased
    /// factor n/(n−1), for 4-D and 2-D inputs.
    let regimes: [(alpha: TensorScalar, unbiased: Bool)] = [(1, false), (0, false), (0.3, true), (0.7, false)]

    func testForwardMatchesFormulaInEveryRegime() throws {
        for shape in [[4, 3, 2, 3], [6, 5]] {
            let C = shape[1]
            let x = try randn(shape, seed: 1, scale: 2, requiresGrad: false) + 0.5
            let w = try randn([C], seed: 2, requiresGrad: false)
            let b = try randn([C], seed: 3, requiresGrad: false)
            let rm = try randn([C], seed: 4, requiresGrad: false)
            let rv = try Tensor.uniform([C], low: 0.5, high: 2, generator: RandomGenerator(seed: 5))
            let n = TensorScalar(x.count / C)
            for r in regimes {
                let f: TensorScalar = r.unbiased ? n / (n - 1) : 1
                let bn = try batchNorm(x, weight: w, bias: b, eps: 1e-3, batchWeight: r.alpha, varianceFactor: f, runningMean: rm, runningVariance: rv)
                assertClose(bn.output, try reference(x, w, b, alpha: r.alpha, factor: f, rm: rm, rv: rv, eps: 1e-3), atol: 1e-5, "shape \(shape) regime \(r)")
                XCTAssertEqual(bn.countPerChannel, Int(n))
                if r.alpha == 0 {
                    XCTAssertNil(bn.batchMean); XCTAssertNil(bn.batchVariance)
                } else {
                    let axes = shape.count == 4 ? [0, 2, 3] : [0]
                    assertClose(try XCTUnwrap(bn.batchMean), try x.mean(axes: axes).scalars)
                    assertClose(try XCTUnwrap(bn.batchVariance), try x.variance(axes: axes, unbiased: false).scalars)
                }
            }
        }
    }

    func testGradientsByFiniteDifferencesInEveryRegime() throws {
        for shape in [[4, 3, 2, 2], [6, 4]] {
            let C = shape[1]
            let rm = try randn([C], seed: 14, requiresGrad: false)
            let rv = try Tensor.uniform([C], low: 0.5, high: 2, generator: RandomGenerator(seed: 15))
            let n = TensorScalar(shape.reduce(1, *) / C)
            for (i, r) in regimes.enumerated() {
                let x = try randn(shape, seed: UInt64(20 + i))
                let w = try randn([C], seed: UInt64(30 + i))
                let b = try randn([C], seed: UInt64(40 + i))
                let f: TensorScalar = r.unbiased ? n / (n - 1) : 1
                try checkGradients([x, w, b], eps: 5e-3, "shape \(shape) regime \(r)") { t in
                    try batchNorm(t[0], weight: t[1], bias: t[2], batchWeight: r.alpha, varianceFactor: f,
                                  runningMean: rm, runningVariance: rv).output
                }
            }
        }
    }

    func testWithoutAffineParametersAndOnViews() throws {
        let x = try randn([3, 4, 2, 2], seed: 50)
        try checkGradients([x], eps: 5e-3) { t in try batchNorm(t[0], weight: nil, bias: nil).output }
        // An NHWC buffer read as NCHW.
        let nhwc = try randn([3, 2, 2, 4], seed: 51, requiresGrad: false)
        let view = try nhwc.permute([0, 3, 1, 2])
        let w = try randn([4], seed: 52, requiresGrad: false), b = try randn([4], seed: 53, requiresGrad: false)
        assertClose(try batchNorm(view, weight: w, bias: b).output, try batchNorm(view.copy(), weight: w, bias: b).output)
        let leaf = try randn([3, 2, 2, 4], seed: 54)
        try checkGradients([leaf], eps: 5e-3) { t in try batchNorm(t[0].permute([0, 3, 1, 2]), weight: w, bias: b).output }
    }

    func testRejectsBadArguments() throws {
        let x = try Tensor.zeros([2, 3, 4, 4])
        assertThrowsTensorError(["batch_norm", "[2, 3, 4]"]) { try batchNorm(Tensor.zeros([2, 3, 4]), weight: nil, bias: nil) }
        assertThrowsTensorError(["batch_norm weight", "[2, 3, 4, 4]", "[4]"]) { try batchNorm(x, weight: Tensor.ones([4]), bias: nil) }
        assertThrowsTensorError(["batch_norm bias", "[3, 1]"]) { try batchNorm(x, weight: nil, bias: Tensor.ones([3, 1])) }
        assertThrowsTensorError(["batch_norm running_var", "[2]"]) {
            try batchNorm(x, weight: nil, bias: nil, batchWeight: 0.5, runningMean: Tensor.zeros([3]), runningVariance: Tensor.ones([2]))
        }
        assertThrowsTensorError(["batch_norm", "1.5"]) { try batchNorm(x, weight: nil, bias: nil, batchWeight: 1.5) }
        assertThrowsTensorError(["batch_norm", "running statistics"]) { try batchNorm(x, weight: nil, bias: nil, batchWeight: 0.5) }
        assertThrowsTensorError(["batch_norm", "empty batch"]) { try batchNorm(Tensor.zeros([0, 3]), weight: nil, bias: nil) }
    }
}
