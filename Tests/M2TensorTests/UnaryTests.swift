import Foundation
import XCTest
import M2Tensor

/// Elementwise math functions: values, strided inputs and gradients.
final class UnaryTests: XCTestCase {
    func testValues() throws {
        let x = try Tensor([-2, -0.5, 0, 0.5, 2], shape: [5])
        assertClose(try x.exp(), [-2, -0.5, 0, 0.5, 2].map { Foundation.exp($0) }, shape: [5])
        assertClose(try x.relu(), [0, 0, 0, 0.5, 2], shape: [5])
        assertClose(try x.sigmoid(), [-2, -0.5, 0, 0.5, 2].map { 1 / (1 + Foundation.exp(-$0)) }, shape: [5])
        assertClose(try x.tanh(), [-2, -0.5, 0, 0.5, 2].map { Foundation.tanh($0) }, shape: [5])
        assertClose(try x.abs(), [2, 0.5, 0, 0.5, 2], shape: [5])
        assertClose(try x.square(), [4, 0.25, 0, 0.25, 4], shape: [5])
        assertClose(try x.clamp(min: -1, max: 1), [-1, -0.5, 0, 0.5, 1], shape: [5])
        assertClose(try x.clamp(min: 0), [0, 0, 0, 0.5, 2], shape: [5])
        assertClose(try x.clamp(max: 0), [-2, -0.5, 0, 0, 0], shape: [5])
        let p = try Tensor([0.25, 1, 4], shape: [3])
        assertClose(try p.sqrt(), [0.5, 1, 2], shape: [3])
        assertClose(try p.log(), [-Foundation.log(4), 0, Foundation.log(4)], shape: [3])
        XCTAssertTrue(try Tensor([-1], shape: [1]).sqrt().scalars[0].isNaN)
        XCTAssertEqual(try Tensor([0], shape: [1]).log().scalars, [-.infinity])
        XCTAssertEqual(try Tensor(scalar: 3).exp().shape, [])
        XCTAssertEqual(try Tensor.zeros([2, 0]).exp().shape, [2, 0])
        assertThrowsTensorError(["clamp", "min 1.0", "max 0.0"]) { try x.clamp(min: 1, max: 0) }
    }

    func testGradientsByFiniteDifferences() throws {
        let x = try randnAwayFromZero([3, 4], seed: 1, margin: 0.1)
        let pos = try Tensor.uniform([3, 4], low: 0.5, high: 3, generator: RandomGenerator(seed: 2), requiresGrad: true)
        try checkGradients([x], eps: 1e-3) { t in try t[0].exp() }
        try checkGradients([pos], eps: 1e-3) { t in try t[0].log() }
        try checkGradients([pos], eps: 1e-3) { t in try t[0].sqrt() }
        try checkGradients([x], eps: 1e-2) { t in try t[0].relu() }
        try checkGradients([x], eps: 1e-2) { t in try t[0].sigmoid() }
        try checkGradients([x], eps: 1e-2) { t in try t[0].tanh() }
        try checkGradients([x], eps: 1e-2) { t in try t[0].abs() }
        try checkGradients([x], eps: 1e-2) { t in try t[0].square() }
        // Bounds away from the values, so that no element crosses one.
        let c = try distinctValues([3, 4], seed: 3, spacing: 0.2)  // -1.2 … 1.0
        try checkGradients([c], eps: 1e-2) { t in try t[0].clamp(min: -0.5, max: 0.5) }
        try checkGradients([c], eps: 1e-2) { t in try t[0].clamp(min: -0.1) }
        // Chained through views.
        try checkGradients([x], eps: 1e-2) { t in try t[0].transpose().tanh().exp() }
    }

    func testGradientAtTheKinks() throws {
        let x = try Tensor([-1, 0, 1], shape: [3], requiresGrad: true)
        try x.relu().sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0, 0, 1])
        x.zeroGrad()
        try x.abs().sum().backward()
        XCTAssertEqual(x.grad?.scalars, [-1, 0, 1])
        x.zeroGrad()
        try x.clamp(min: 0, max: 1).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0, 1, 1])
    }

    func testStridedInputs() throws {
        let base = try randn([4, 6], seed: 4, requiresGrad: false)
        let views = [try base.transpose(), try base.index([.slice(start: 3, end: nil, step: -2), .slice(start: nil, end: nil, step: 3)]),
                     try base.index([.at(1)]).expand(to: [3, 6])]
        for v in views {
            XCTAssertFalse(v.isContiguous)
            let c = try v.copy()
            XCTAssertEqual(try v.exp().scalars, try c.exp().scalars)
            XCTAssertEqual(try v.abs().log().scalars, try c.abs().log().scalars)
            XCTAssertEqual(try v.relu().scalars, try c.relu().scalars)
            XCTAssertEqual(try v.sigmoid().scalars, try c.sigmoid().scalars)
            XCTAssertEqual(try v.tanh().scalars, try c.tanh().scalars)
            XCTAssertEqual(try v.abs().sqrt().scalars, try c.abs().sqrt().scalars)
            XCTAssertEqual(try v.clamp(min: -0.5, max: 0.5).scalars, try c.clamp(min: -0.5, max: 0.5).scalars)
            XCTAssertEqual(try v.square().scalars, try c.square().scalars)
        }
    }
}
