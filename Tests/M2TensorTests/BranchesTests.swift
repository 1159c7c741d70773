import Foundation
import XCTest
@testable import M2Tensor

/// Two branches side by side: shared leaves get their gradients at the join, deferred
/// effects run in program order, gradient mode stays per thread.
final class BranchesTests: XCTestCase {
    func testSharedLeafGetsBothGradientsAtTheJoin() throws {
        let w = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        let x1 = try Tensor([1, 0, 2], shape: [3]), x2 = try Tensor([5, 1, 1], shape: [3])
        let (l1, l2) = try Parallel.branches({ () throws -> TensorScalar in
            let l = try (w * w * x1).sum()
            try l.backward()
            XCTAssertNil(w.grad, "a branch does not touch the shared leaf")
            return try l.item()
        }, { () throws -> TensorScalar in
            let l = try (w * x2).sum()
            try l.backward()
            return try l.item()
        })
        XCTAssertEqual(l1, 19)
        XCTAssertEqual(l2, 10)
        // d/dw (w²·x1) + d/dw (w·x2) = 2w·x1 + x2
        XCTAssertEqual(w.grad?.scalars, [7, 1, 13])
        // The gradient is the leaf's own: updating it in place leaves nothing else changed.
        try w.grad?.addInPlace(Tensor.ones([3]))
        XCTAssertEqual(x2.scalars, [5, 1, 1])
    }

    func testGradientsCanBeDiscarded() throws {
        let w = try Tensor([1, 2], shape: [2], requiresGrad: true)
        _ = try Parallel.branches({ try (w * 2).sum().backward() }, { try (w * 3).sum().backward() }, keepGradients: { _, _ in false })
        XCTAssertNil(w.grad)
    }

    /// Effects run at the join, `a`'s before `b`'s, however long each branch took.
    func testDeferredEffectsRunInProgramOrder() throws {
        var log: [String] = []
        _ = try Parallel.branches({
            Thread.sleep(forTimeInterval: 0.05)
            Parallel.deferEffect { log.append("a1") }
            Parallel.deferEffect { log.append("a2") }
        }, {
            Parallel.deferEffect { log.append("b1") }
        })
        XCTAssertEqual(log, ["a1", "a2", "b1"])
        Parallel.deferEffect { log.append("now") }
        XCTAssertEqual(log.last, "now", "outside a branch an effect runs at once")
        // Nested branches hand their effects on to the enclosing join.
        log = []
        _ = try Parallel.branches({
            _ = try Parallel.branches({ Parallel.deferEffect { log.append("a.a") } }, { Parallel.deferEffect { log.append("a.b") } })
            XCTAssertEqual(log, [], "not before the outer join")
        }, {
            Parallel.deferEffect { log.append("b") }
        })
        XCTAssertEqual(log, ["a.a", "a.b", "b"])
    }

    /// `withNoGrad` on one branch does not switch gradients off on the other, and each
    /// branch starts in the caller's mode.
    func testGradientModeIsPerThread() throws {
        let w = try Tensor([1], shape: [1], requiresGrad: true)
        let (a, b) = try Parallel.branches({
            try withNoGrad { () throws -> Bool in
                Thread.sleep(forTimeInterval: 0.05)
                return try (w * 2).requiresGrad
            }
        }, { () throws -> Bool in
            Thread.sleep(forTimeInterval: 0.01)
            return try (w * 2).requiresGrad
        })
        XCTAssertFalse(a)
        XCTAssertTrue(b)
        let inherited = try withNoGrad { try Parallel.branches({ GradMode.isEnabled }, { GradMode.isEnabled }) }
        XCTAssertEqual(inherited.0, false)
        XCTAssertEqual(inherited.1, false)
        XCTAssertTrue(GradMode.isEnabled)
    }

    /// Kernels in a branch use the branch's share of the threads; errors come through.
    func testThreadShareAndErrors() throws {
        let all = Parallel.threads
        let (a, b) = try Parallel.branches({ Parallel.threads }, { Parallel.threads })
        XCTAssertEqual(a, max(1, all / 2))
        XCTAssertEqual(b, max(1, all / 2))
        XCTAssertEqual(Parallel.threads, all)
        XCTAssertThrowsError(try Parallel.branches({ 1 }, { () throws -> Int in throw TensorError.invalidArgument(op: "test", reason: "b failed") }))
        // Nested branches run one after the other on the branch's thread.
        let nested = try Parallel.branches({ try Parallel.branches({ 1 }, { 2 }) }, { 3 })
        XCTAssertEqual(nested.0.0 + nested.0.1 + nested.1, 6)
    }
}
