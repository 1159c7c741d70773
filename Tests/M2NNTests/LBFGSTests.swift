import Foundation
import XCTest
import M2NN

/// `LBFGS`: the minimum of convex problems whose answer is known, the preconditioner's
/// effect, why it stops, and typed errors.
final class LBFGSTests: XCTestCase {
    /// A = BᵀB + I (6×6, well away from singular) and b.
    let n = 6
    lazy var a: [Double] = {
        let b = (0..<(n * n)).map { Double(($0 * 7) % 11) / 5 - 1 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            a[i * n + i] = 1
            for j in 0..<n { for k in 0..<n { a[i * n + j] += b[k * n + i] * b[k * n + j] } }
        }
        return a
    }()
    let b: [Double] = [1, -2, 0.5, 3, -1, 2]

    func times(_ m: [Double], _ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { y[i] += m[i * n + j] * x[j] } }
        return y
    }

    /// `½xᵀAx − bᵀx` and `Ax − b`.
    func quadratic(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let ax = times(a, x)
        var value = 0.0
        for i in 0..<n { value += 0.5 * x[i] * ax[i] - b[i] * x[i] }
        return (value, zip(ax, b).map { $0 - $1 })
    }

    /// A⁻¹ by Gauss–Jordan elimination (A is symmetric positive definite: no pivoting needed).
    func inverse(_ m: [Double]) -> [Double] {
        var w = m, inv = (0..<(n * n)).map { $0 % (n + 1) == 0 ? 1.0 : 0 }
        for p in 0..<n {
            let d = w[p * n + p]
            for j in 0..<n { w[p * n + j] /= d; inv[p * n + j] /= d }
            for i in 0..<n where i != p {
                let f = w[i * n + p]
                for j in 0..<n { w[i * n + j] -= f * w[p * n + j]; inv[i * n + j] -= f * inv[p * n + j] }
            }
        }
        return inv
    }

    func testReachesTheMinimumOfAQuadratic() throws {
        let exact = times(inverse(a), b)
        let r = try LBFGS(gradientTolerance: 1e-10).minimize(from: [Double](repeating: 0, count: n)) { quadratic($0) }
        XCTAssertEqual(r.stop, .converged)
        for i in 0..<n { XCTAssertEqual(r.x[i], exact[i], accuracy: 1e-8) }
        XCTAssertLessThanOrEqual(r.gradientNorm, 1e-10)
        // With the exact inverse Hessian as preconditioner, the first step lands on the minimum.
        let inv = inverse(a)
        let p = try LBFGS(gradientTolerance: 1e-10).minimize(from: [Double](repeating: 0, count: n), preconditioner: { $0 = self.times(inv, $0) }) { quadratic($0) }
        XCTAssertLessThanOrEqual(p.iterations, 2)
        XCTAssertLessThan(p.iterations, r.iterations)
        for i in 0..<n { XCTAssertEqual(p.x[i], exact[i], accuracy: 1e-8) }
    }

    /// One-dimensional logistic regression: at the optimum the gradient vanishes; Newton's
    /// method on the same function gives the same point.
    func testReachesTheMinimumOfALogisticLoss() throws {
        let xs: [Double] = [-2, -1, -0.5, 0.3, 1, 2.5], ys: [Double] = [-1, -1, 1, -1, 1, 1]
        let l2 = 0.1
        func f(_ w: Double) -> (Double, Double, Double) {
            var v = l2 / 2 * w * w, g = l2 * w, h = l2
            for (x, y) in zip(xs, ys) {
                let m = y * x * w, s = 1 / (1 + exp(m))
                v += log(1 + exp(-m)) / 6; g += -y * x * s / 6; h += x * x * s * (1 - s) / 6
            }
            return (v, g, h)
        }
        var w = 0.0
        for _ in 0..<50 { let (_, g, h) = f(w); w -= g / h }
        let r = try LBFGS(gradientTolerance: 1e-12).minimize(from: [0]) { let (v, g, _) = f($0[0]); return (v, [g]) }
        XCTAssertEqual(r.stop, .converged)
        XCTAssertEqual(r.x[0], w, accuracy: 1e-9)
    }

    func testStopsAndRefuses() throws {
        let none = try LBFGS(maxIterations: 0).minimize(from: [1, 1, 1, 1, 1, 1]) { quadratic($0) }
        XCTAssertEqual(none.stop, .maxIterations)
        XCTAssertEqual(none.evaluations, 1)
        let token = CancellationToken()
        token.cancel()
        XCTAssertThrowsError(try LBFGS().minimize(from: [1, 1, 1, 1, 1, 1], cancellation: token) { quadratic($0) }) { XCTAssertTrue($0 is Interrupted, "\($0)") }
        for (solver, start, fragment) in [(LBFGS(memory: 0), [1.0], "memory"), (LBFGS(), [], "empty")] {
            XCTAssertThrowsError(try solver.minimize(from: start) { x in (0, x) }) { XCTAssertTrue("\($0)".contains(fragment), "\($0)") }
        }
        XCTAssertThrowsError(try LBFGS().minimize(from: [1, 2]) { _ in (0, [1]) }) { XCTAssertTrue("\($0)".contains("1 values for 2 parameters"), "\($0)") }
        XCTAssertThrowsError(try LBFGS().minimize(from: [1]) { _ in (.nan, [1]) }) { XCTAssertTrue("\($0)".contains("not finite"), "\($0)") }
    }
}
