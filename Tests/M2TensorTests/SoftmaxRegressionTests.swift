import Foundation
import XCTest
import M2Tensor

/// `SoftmaxRegression`: loss and gradient against a direct sum in Double (sizes that leave
/// remainders in every register block of the thin products, and more than one chunk), the
/// gradient against finite differences, the preconditioner against the matrix it inverts,
/// and typed errors.
final class SoftmaxRegressionTests: XCTestCase {
    func problem(n: Int, d: Int, classes: Int, seed: UInt64) throws -> (SoftmaxRegression, [Double]) {
        let g = RandomGenerator(seed: seed)
        let x = try Tensor.randn([n, d], generator: g)
        let labels = (0..<n).map { _ in g.nextInt(classes) }
        let theta = try Tensor.randn([(d + 1) * classes], std: 0.3, generator: g).scalars.map { Double($0) }
        return (try SoftmaxRegression(features: x, labels: labels, classes: classes), theta)
    }

    /// `(1/n)·Σ [logsumexp(z) − z_y] + (λ/2)‖W‖²` and its gradient, summed plainly in Double.
    func direct(_ p: SoftmaxRegression, _ theta: [Double], l2: Double) -> (Double, [Double]) {
        let (n, d, C) = (p.sampleCount, p.dimension, p.classes)
        let x = p.features.scalars.map { Double($0) }
        var loss = 0.0, grad = [Double](repeating: 0, count: theta.count)
        for i in 0..<n {
            let z = (0..<C).map { c in (0..<d).reduce(theta[d * C + c]) { $0 + x[i * d + $1] * theta[$1 * C + c] } }
            let top = z.max()!, total = z.reduce(0) { $0 + exp($1 - top) }
            loss += log(total) + top - z[p.labels[i]]
            for c in 0..<C {
                let r = (exp(z[c] - top) / total - (c == p.labels[i] ? 1 : 0)) / Double(n)
                for k in 0..<d { grad[k * C + c] += x[i * d + k] * r }
                grad[d * C + c] += r
            }
        }
        var penalty = 0.0
        for i in 0..<(d * C) { penalty += theta[i] * theta[i]; grad[i] += l2 * theta[i] }
        return (loss / Double(n) + l2 / 2 * penalty, grad)
    }

    func testMatchesDirectSum() throws {
        // 9 rows (a 4-row block and one left), 45 features (a 32-wide tile, 13 left, 5 past the
        // last 8), 5 classes (3 + 2); then 300 rows in two chunks, 10 classes (3·3 + 1).
        for (n, d, C) in [(9, 45, 5), (300, 64, 10), (5, 3, 2)] {
            let (p, theta) = try problem(n: n, d: d, classes: C, seed: UInt64(n))
            let (loss, grad) = try p.lossAndGradient(theta, l2: 0.01)
            let (l, g) = direct(p, theta, l2: 0.01)
            XCTAssertEqual(loss, l, accuracy: 1e-5 * abs(l), "\(n)×\(d), \(C) classes")
            let scale = g.map(abs).max()!
            for i in g.indices { XCTAssertEqual(grad[i], g[i], accuracy: 1e-5 * scale, "\(n)×\(d), \(C) classes, θ[\(i)]") }
        }
    }

    func testGradientMatchesFiniteDifferences() throws {
        let (p, theta) = try problem(n: 40, d: 6, classes: 4, seed: 3)
        let (_, grad) = try p.lossAndGradient(theta, l2: 0.1)
        // Central differences; the logits are Float32, so the step stays large.
        let h = 1e-2
        for i in stride(from: 0, to: theta.count, by: 3) {
            var up = theta, down = theta
            up[i] += h; down[i] -= h
            let fd = (try p.lossAndGradient(up, l2: 0.1).loss - p.lossAndGradient(down, l2: 0.1).loss) / (2 * h)
            XCTAssertEqual(grad[i], fd, accuracy: 2e-3 * max(1, abs(fd)), "θ[\(i)]")
        }
    }

    /// `(Σ + λI)·apply(v) = v`, with Σ the second moment of `[x, 1]` written out.
    func testPreconditionerInvertsTheSecondMomentPlusRidge() throws {
        let (p, _) = try problem(n: 50, d: 4, classes: 3, seed: 9)
        let (d, C, n) = (p.dimension, p.classes, p.sampleCount)
        let x = p.features.scalars.map { Double($0) }
        var sigma = [Double](repeating: 0, count: (d + 1) * (d + 1))
        for i in 0..<n {
            let row = (0..<d).map { x[i * d + $0] } + [1]
            for a in 0...d { for b in 0...d { sigma[a * (d + 1) + b] += row[a] * row[b] / Double(n) } }
        }
        let l2 = 0.05
        let v = (0..<((d + 1) * C)).map { Double($0 % 7) - 3 }
        var w = v
        try p.preconditioner().apply(&w, l2: l2)
        for a in 0...d {
            for c in 0..<C {
                let back = (0...d).reduce(l2 * w[a * C + c]) { $0 + sigma[a * (d + 1) + $1] * w[$1 * C + c] }
                XCTAssertEqual(back, v[a * C + c], accuracy: 1e-4, "row \(a), class \(c)")
            }
        }
    }

    func testRefusesBadInput() throws {
        let x = try Tensor.zeros([4, 2])
        assertThrowsTensorError(["softmax_regression", "index 3", "size 3"]) { try SoftmaxRegression(features: x, labels: [0, 1, 2, 3], classes: 3) }
        assertThrowsTensorError(["softmax_regression", "3 labels for 4 rows"]) { try SoftmaxRegression(features: x, labels: [0, 1, 0], classes: 2) }
        assertThrowsTensorError(["softmax_regression", "two classes"]) { try SoftmaxRegression(features: x, labels: [0, 0, 0, 0], classes: 1) }
        assertThrowsTensorError(["softmax_regression", "[4]"]) { try SoftmaxRegression(features: Tensor.zeros([4]), labels: [0, 1, 0, 1], classes: 2) }
        let p = try SoftmaxRegression(features: x, labels: [0, 1, 0, 1], classes: 2)
        assertThrowsTensorError(["θ has 5 values", "6"]) { try p.lossAndGradient([Double](repeating: 0, count: 5), l2: 0) }
        assertThrowsTensorError(["L2 strength", "-1"]) { try p.lossAndGradient([Double](repeating: 0, count: 6), l2: -1) }
        assertThrowsTensorError(["not finite"]) { try p.lossAndGradient([.nan, 0, 0, 0, 0, 0], l2: 0) }
    }
}
