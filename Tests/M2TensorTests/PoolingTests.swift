import XCTest
import M2Tensor

/// Max, average and global average pooling: reference vectors, small hand-computed cases
/// and finite differences.
final class PoolingTests: XCTestCase {
    func testMaxPoolMatchesReferenceVectors() throws {
        let c = try Fixture.load("layers")["max_pool2d"]
        let x = try c.tensor("input", requiresGrad: true)
        let y = try maxPool2d(x, kernel: c.int("kernel"), stride: c.int("stride"), padding: c.int("padding"))
        assertClose(y, try c.tensor("output"))
        try y.backward(c.tensor("grad_output"))
        assertClose(try XCTUnwrap(x.grad), try c.tensor("grad_input"))
    }

    func testGlobalAvgPoolMatchesAdaptiveAvgPoolVectors() throws {
        let c = try Fixture.load("layers")["adaptive_avg_pool2d_1"]
        let x = try c.tensor("input", requiresGrad: true)
        let y = try globalAvgPool(x)
        assertClose(y, try c.tensor("output"))
        try y.backward(c.tensor("grad_output"))
        assertClose(try XCTUnwrap(x.grad), try c.tensor("grad_input"))
    }

    func testSmallCasesByHand() throws {
        let x = try Tensor((1...16).map(TensorScalar.init), shape: [1, 1, 4, 4])
        assertClose(try maxPool2d(x, kernel: 2), [6, 8, 14, 16], shape: [1, 1, 2, 2])
        assertClose(try avgPool2d(x, kernel: 2), [3.5, 5.5, 11.5, 13.5], shape: [1, 1, 2, 2])
        // Padding is −∞ for max pooling and counts as zeros in the average's divisor.
        assertClose(try maxPool2d(x, kernel: 3, stride: 2, padding: 1), [6, 8, 14, 16], shape: [1, 1, 2, 2])
        assertClose(try avgPool2d(x, kernel: 3, stride: 2, padding: 1), [14.0 / 9, 30.0 / 9, 57.0 / 9, 99.0 / 9], shape: [1, 1, 2, 2])
        let negative = try x * -1
        assertClose(try maxPool2d(negative, kernel: 3, stride: 2, padding: 1), [-1, -2, -5, -6], shape: [1, 1, 2, 2])
        assertClose(try globalAvgPool(x), [8.5], shape: [1, 1])
    }

    func testGradientsByFiniteDifferences() throws {
        for (i, (k, s, p)) in [(3, 2, 1), (2, 2, 0), (3, 1, 1), (2, 1, 0)].enumerated() {
            let x = try distinctValues([2, 2, 5, 6], seed: UInt64(i), spacing: 0.05)
            try checkGradients([x], eps: 1e-2, "max_pool k\(k) s\(s) p\(p)") { t in try maxPool2d(t[0], kernel: k, stride: s, padding: p) }
            let y = try randn([2, 2, 5, 6], seed: UInt64(10 + i))
            try checkGradients([y], "avg_pool k\(k) s\(s) p\(p)") { t in try avgPool2d(t[0], kernel: k, stride: s, padding: p) }
        }
        let z = try randn([2, 3, 3, 4], seed: 20)
        try checkGradients([z]) { t in try globalAvgPool(t[0]) }
    }

    func testNonContiguousInputs() throws {
        let base = try randn([2, 3, 8, 10], seed: 30, requiresGrad: false)
        let views = [
            try base.index([.all, .all, .slice(start: nil, end: nil, step: 2), .slice(start: 1, end: nil, step: 2)]),
            try base.transpose(2, 3),
            try base.index([.all, .slice(start: nil, end: nil, step: -1)]),
        ]
        for v in views {
            XCTAssertFalse(v.isContiguous)
            let c = try v.copy()
            assertClose(try maxPool2d(v, kernel: 3, stride: 2, padding: 1), try maxPool2d(c, kernel: 3, stride: 2, padding: 1))
            assertClose(try avgPool2d(v, kernel: 2), try avgPool2d(c, kernel: 2))
            assertClose(try globalAvgPool(v), try globalAvgPool(c))
        }
        let leaf = try randn([2, 2, 4, 6], seed: 31)
        try checkGradients([leaf]) { t in try avgPool2d(t[0].transpose(2, 3), kernel: 2, stride: 1) }
    }

    func testRejectsBadArguments() throws {
        let x = try Tensor.zeros([1, 2, 4, 4])
        assertThrowsTensorError(["max_pool2d", "padding 2", "kernel 3"]) { try maxPool2d(x, kernel: 3, padding: 2) }
        assertThrowsTensorError(["max_pool2d", "[2, 4, 4]"]) { try maxPool2d(Tensor.zeros([2, 4, 4]), kernel: 2) }
        assertThrowsTensorError(["max_pool2d", "5x5"]) { try maxPool2d(x, kernel: 5) }
        assertThrowsTensorError(["avg_pool2d", "stride 0"]) { try avgPool2d(x, kernel: 2, stride: 0) }
        assertThrowsTensorError(["avg_pool2d", "kernel 0"]) { try avgPool2d(x, kernel: 0) }
        assertThrowsTensorError(["global_avg_pool", "[1, 2]"]) { try globalAvgPool(Tensor.zeros([1, 2])) }
        assertThrowsTensorError(["global_avg_pool", "[1, 2, 0, 3]"]) { try globalAvgPool(Tensor.zeros([1, 2, 0, 3])) }
    }
}
