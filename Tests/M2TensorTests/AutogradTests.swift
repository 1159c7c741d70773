import Foundation
import XCTest
import M2Tensor

/// Reverse-mode autodiff: accumulation, shared subexpressions, detach, no-grad mode,
/// explicit upstream gradients, freeing the graph and very deep graphs.
final class AutogradTests: XCTestCase {
    func testGradientsAccumulateAcrossBackwardCalls() throws {
        let x = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        try (x * x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [2, 4, 6])
        try (x * x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [4, 8, 12])
        try (x * 3).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [7, 11, 15])
        x.zeroGrad()
        XCTAssertNil(x.grad)
        try x.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [1, 1, 1])
    }

    func testUpstreamGradientIsNeverModified() throws {
        // The first gradient a leaf receives may be the caller's tensor itself; later
        // accumulation must not write into it.
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let g = try Tensor([1, 10], shape: [2])
        try x.backward(g)
        XCTAssertEqual(x.grad?.scalars, [1, 10])
        try (x * 2).backward(g)
        XCTAssertEqual(x.grad?.scalars, [3, 30])
        try (x + 0).backward(g)
        XCTAssertEqual(x.grad?.scalars, [4, 40])
        XCTAssertEqual(g.scalars, [1, 10])
        // The same for a gradient shared between two leaves by an add.
        let a = try Tensor([0, 0], shape: [2], requiresGrad: true), b = try Tensor([0, 0], shape: [2], requiresGrad: true)
        try (a + b).sum().backward()
        try (a * 5).sum().backward()
        XCTAssertEqual(a.grad?.scalars, [6, 6])
        XCTAssertEqual(b.grad?.scalars, [1, 1])
    }

    func testLeavesOwnTheirGradients() throws {
        // An add hands the same gradient to both operands, and a leaf's first gradient may be
        // the caller's upstream tensor: updating one gradient in place (as an optimizer
        // does) must not change another.
        let a = try Tensor([1, 2], requiresGrad: true), b = try Tensor([3, 4], requiresGrad: true)
        try (a + b).sum().backward()
        try XCTUnwrap(a.grad).scaleInPlace(10)
        XCTAssertEqual(a.grad?.scalars, [10, 10])
        XCTAssertEqual(b.grad?.scalars, [1, 1])
        let x = try Tensor([1, 2], requiresGrad: true)
        let g = try Tensor([5, 6])
        try (x + 0).backward(g)
        try XCTUnwrap(x.grad).addInPlace(Tensor([1, 1]))
        XCTAssertEqual(x.grad?.scalars, [6, 7])
        XCTAssertEqual(g.scalars, [5, 6])
        try g.fill(0)
        XCTAssertEqual(x.grad?.scalars, [6, 7])
    }

    func testExplicitUpstreamGradient() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        let y = try x * x
        try y.backward(Tensor([1, 0, 0.5, -1], shape: [2, 2]))
        XCTAssertEqual(x.grad?.scalars, [2, 0, 3, -8])
        // A strided upstream gradient is read in logical order.
        let z = try Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        try (z * 1).backward(Tensor([1, 2, 3, 4], shape: [2, 2]).transpose())
        XCTAssertEqual(z.grad?.scalars, [1, 3, 2, 4])
        assertThrowsTensorError(["backward", "[2, 2]", "[4]"]) { try (x * 1).backward(Tensor.zeros([4])) }
        assertThrowsTensorError(["backward", "gradient must be given", "[2, 2]"]) { try (x * 1).backward() }
        assertThrowsTensorError(["backward", "does not require gradients"]) { try Tensor.ones([1]).backward() }
    }

    func testDiamondsAndSharedSubexpressions() throws {
        let x = try Tensor([0.5, -1, 2], shape: [3], requiresGrad: true)
        let a = try x * 2
        let z = try (a.exp() + a * a).sum()
        try z.backward()
        let expected = x.scalars.map { v in (Foundation.exp(2 * v) + 4 * v) * 2 }
        assertClose(try XCTUnwrap(x.grad).scalars, expected)
        // The same leaf used many times in one expression, and an op reading one tensor twice.
        let t = try randn([2, 3], seed: 1)
        try checkGradients([t]) { v in
            let s = try v[0].sigmoid()
            return try s * s + (s * v[0]).sum(axes: [1], keepdims: true) - v[0] / (s + 1)
        }
        try checkGradients([t]) { v in try v[0] + v[0] }
        try checkGradients([t]) { v in try v[0].matmul(v[0].T) + v[0].sum() }
    }

    func testDetach() throws {
        let x = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        let d = x.detach()
        XCTAssertFalse(d.requiresGrad)
        XCTAssertNil(d.gradFn)
        XCTAssertTrue(d.storage === x.storage)
        try (x * d).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [1, 2, 3])  // d is a constant
        let y = try x * 2
        let yd = y.detach()
        XCTAssertNotNil(y.gradFn)
        XCTAssertNil(yd.gradFn)
        assertThrowsTensorError(["backward"]) { try yd.sum().backward() }
    }

    func testNoGradMode() throws {
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        XCTAssertTrue(GradMode.isEnabled)
        let y = try withNoGrad { () throws -> Tensor in
            XCTAssertFalse(GradMode.isEnabled)
            let inner = try withNoGrad { try x * 2 }
            XCTAssertFalse(GradMode.isEnabled)  // nesting keeps it off
            return try inner + x
        }
        XCTAssertTrue(GradMode.isEnabled)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
        XCTAssertEqual(y.scalars, [3, 6])
        assertThrowsTensorError(["backward", "does not require gradients"]) { try y.sum().backward() }
        // Mode is restored when the body throws.
        XCTAssertThrowsError(try withNoGrad { try x + Tensor.zeros([3]) })
        XCTAssertTrue(GradMode.isEnabled)
        // Ops on tensors that don't require gradients record nothing.
        let c = try Tensor.ones([2]) * 3
        XCTAssertFalse(c.requiresGrad)
        XCTAssertNil(c.gradFn)
        XCTAssertTrue(c.isLeaf)
    }

    func testGraphIsFreedAfterBackward() throws {
        let x = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        weak var weakIntermediate: Tensor?
        var loss: Tensor
        do {
            let intermediate = try x.exp() * x
            weakIntermediate = intermediate
            loss = try intermediate.sum()
        }
        XCTAssertNotNil(weakIntermediate, "the graph keeps its nodes until backward")
        XCTAssertEqual(loss.gradFn?.name, "sum")
        try loss.backward()
        XCTAssertNil(loss.gradFn)
        XCTAssertNil(loss.grad, "only leaves keep gradients")
        XCTAssertNil(weakIntermediate, "backward releases the intermediate tensors")
        XCTAssertNotNil(x.grad)
        // A non-leaf that is kept by the caller loses its grad and node too.
        let y = try x * 2
        try (y * y).sum().backward()
        XCTAssertNil(y.grad)
        XCTAssertNil(y.gradFn)
    }

    func testBackwardThroughAFreedGraphThrows() throws {
        let x = try Tensor([1, 2], requiresGrad: true)
        let y = try x * 2
        let loss = try (y * y).sum()
        try loss.backward()
        XCTAssertEqual(x.grad?.scalars, [8, 16])
        // Reusing the freed intermediate must not silently treat it as a leaf.
        assertThrowsTensorError(["backward", "already freed", "[2]"]) { try (y * 3).sum().backward() }
        assertThrowsTensorError(["backward", "already freed", "[]"]) { try loss.backward() }
        XCTAssertEqual(x.grad?.scalars, [8, 16])
        XCTAssertNil(y.grad)
        // Its values stay usable, and a recomputed graph works.
        XCTAssertEqual(try y.detach().sum().item(), 6)
        try (x * 2).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [10, 18])
    }

    func testDeepChainDoesNotOverflowTheStack() throws {
        let depth = 20_000
        let x = try Tensor([0.5, -0.25], shape: [2], requiresGrad: true)
        var y = x
        for i in 0..<depth { y = i % 2 == 0 ? try y + 0.001 : try y * 1.0 }
        try y.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [1, 1])
        assertClose(y.scalars, [0.5 + 10, -0.25 + 10], rtol: 1e-4)
        // Dropping a deep graph without running backward must not overflow either (it did,
        // freeing node by node recursively, before GraphRelease).
        var z = x
        for _ in 0..<300_000 { z = try z * 1.0 }
        XCTAssertNotNil(z.gradFn)
        z = x
        XCTAssertTrue(z.isLeaf)
    }

    func testNodesAreNamedAfterTheirOps() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        XCTAssertEqual(try (x + x).gradFn?.name, "add")
        XCTAssertEqual(try (x * x).gradFn?.name, "mul")
        XCTAssertEqual(try x.matmul(x).gradFn?.name, "matmul")
        XCTAssertEqual(try x.sum().gradFn?.name, "sum")
        XCTAssertEqual(try x.transpose().gradFn?.name, "permute")
        XCTAssertEqual(try x.index([.at(0)]).gradFn?.name, "index")
        XCTAssertTrue(x.isLeaf)
        XCTAssertFalse(try (x + 1).isLeaf)
    }
}
