import Foundation

/// Limited-memory BFGS for smooth convex functions of a vector, full batch, in Double
/// (Nocedal & Wright, *Numerical Optimization*, Algorithms 7.4 and 7.5).
///
/// Each iteration moves along `d = −H·g`, where `H` (the inverse-Hessian estimate) is built by
/// the two-loop recursion from the last ``memory`` steps `s = x' − x` and gradient changes
/// `y = g' − g`, starting from `H₀ = γ·M⁻¹` with an optional preconditioner `M⁻¹` and
/// `γ = sᵀy / yᵀM⁻¹y`. The step length comes from backtracking (from 1, by quadratic
/// interpolation) until `f(x + t·d) ≤ f(x) + 10⁻⁴·t·gᵀd`. On a convex function every pair
/// has `sᵀy > 0`, which keeps `H` positive definite without a Wolfe search; a pair that
/// breaks it (rounding) is skipped.
///
/// It stops when `max|gᵢ| ≤` ``gradientTolerance`` (``Stop/converged``), after
/// ``maxIterations`` (``Stop/maxIterations``), or when no step decreases `f` any more
/// (``Stop/stalled``: the objective's own rounding has been reached).
///
/// ```swift
/// let r = try LBFGS(gradientTolerance: 1e-8).minimize(from: [0, 0]) { x in
///     ((x[0] - 1) * (x[0] - 1) + 10 * x[1] * x[1], [2 * (x[0] - 1), 20 * x[1]])
/// }   // r.x ≈ [1, 0]
/// ```
public struct LBFGS: Sendable {
    /// Why ``minimize(from:preconditioner:cancellation:_:)`` stopped.
    public enum Stop: String, Codable, Sendable {
        /// The gradient is within the tolerance.
        case converged
        /// The iteration limit was reached first.
        case maxIterations
        /// No step along the search direction lowered the objective.
        case stalled
    }

    /// Where the search ended.
    public struct Result: Sendable {
        /// The last iterate.
        public var x: [Double]
        /// f(x).
        public var value: Double
        /// `max|∇f(x)ᵢ|`.
        public var gradientNorm: Double
        /// Iterations (accepted steps) taken.
        public var iterations: Int
        /// Evaluations of the objective.
        public var evaluations: Int
        /// Why it stopped.
        public var stop: Stop
    }

    /// Pairs `(s, y)` kept (default 10).
    public var memory: Int
    /// The largest `max|gᵢ|` accepted as converged (default 1e-5).
    public var gradientTolerance: Double
    /// Iterations before giving up (default 1,000).
    public var maxIterations: Int

    /// A minimizer keeping `memory` pairs, stopping at `max|gᵢ| ≤ gradientTolerance` or after
    /// `maxIterations`.
    public init(memory: Int = 10, gradientTolerance: Double = 1e-5, maxIterations: Int = 1000) {
        (self.memory, self.gradientTolerance, self.maxIterations) = (memory, gradientTolerance, maxIterations)
    }

    /// Minimizes `objective` (value and gradient) from `start`.
    /// - Parameters:
    ///   - preconditioner: replaces a vector `v` by `M⁻¹·v` for a symmetric positive definite
    ///     `M` close to the Hessian (nil: the identity).
    ///   - cancellation: polled every iteration; a request throws ``Interrupted``.
    /// - Throws: ``TensorError/invalidArgument(op:reason:)`` for settings out of range, an
    ///   empty start, a gradient of the wrong length or a non-finite value at the start.
    public func minimize(from start: [Double], preconditioner: ((inout [Double]) -> Void)? = nil, cancellation: CancellationToken? = nil,
                         _ objective: ([Double]) throws -> (value: Double, gradient: [Double])) throws -> Result {
        guard memory >= 1, gradientTolerance >= 0, maxIterations >= 0 else {
            throw TensorError.invalidArgument(op: "lbfgs", reason: "needs memory ≥ 1, gradient tolerance ≥ 0 and max iterations ≥ 0")
        }
        guard !start.isEmpty else { throw TensorError.invalidArgument(op: "lbfgs", reason: "the start vector is empty") }
        func evaluate(_ x: [Double]) throws -> (Double, [Double]) {
            let (f, g) = try objective(x)
            guard g.count == x.count else {
                throw TensorError.invalidArgument(op: "lbfgs", reason: "the gradient has \(g.count) values for \(x.count) parameters")
            }
            return (f, g)
        }
        var x = start
        var (f, g) = try evaluate(x)
        guard f.isFinite, g.allSatisfy(\.isFinite) else { throw TensorError.invalidArgument(op: "lbfgs", reason: "the objective is not finite at the start") }
        var evaluations = 1, iterations = 0
        // The pairs, oldest first, with ρ = 1/sᵀy and M⁻¹y (for γ).
        var pairs: [(s: [Double], y: [Double], rho: Double, scaledY: [Double])] = []
        func result(_ stop: Stop) -> Result {
            Result(x: x, value: f, gradientNorm: LBFGS.maxNorm(g), iterations: iterations, evaluations: evaluations, stop: stop)
        }
        while true {
            if LBFGS.maxNorm(g) <= gradientTolerance { return result(.converged) }
            if iterations >= maxIterations { return result(.maxIterations) }
            try cancellation?.check()
            var d = direction(g, pairs: pairs, preconditioner: preconditioner)
            var slope = LBFGS.dot(g, d)
            if !(slope < 0) {
                // Rounding spoilt the estimate: start over from the preconditioned gradient.
                pairs.removeAll()
                d = direction(g, pairs: [], preconditioner: preconditioner)
                slope = LBFGS.dot(g, d)
                guard slope < 0 else { return result(.stalled) }
            }
            // The first step has no curvature yet: at most a unit move of the largest coordinate.
            var t = pairs.isEmpty ? Swift.min(1, 1 / Swift.max(LBFGS.maxNorm(d), 1e-300)) : 1
            var next: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<40 {
                let candidate = zip(x, d).map { $0 + t * $1 }
                let (fc, gc) = try evaluate(candidate)
                evaluations += 1
                if fc.isFinite, fc <= f + 1e-4 * t * slope, gc.allSatisfy(\.isFinite) { next = (candidate, fc, gc); break }
                // The minimum of the quadratic through f(x), its slope and f(x + t·d), kept within [t/10, t/2].
                let q = fc.isFinite ? -slope * t * t / (2 * (fc - f - slope * t)) : t / 10
                t = Swift.min(Swift.max(q, t / 10), t / 2)
            }
            guard let next else { return result(.stalled) }
            let s = zip(next.x, x).map { $0 - $1 }, y = zip(next.g, g).map { $0 - $1 }
            let sy = LBFGS.dot(s, y)
            if sy > 1e-12 * LBFGS.dot(y, y) {
                var scaledY = y
                preconditioner?(&scaledY)
                pairs.append((s, y, 1 / sy, scaledY))
                if pairs.count > memory { pairs.removeFirst() }
            }
            (x, f, g) = next
            iterations += 1
        }
    }

    /// `−H·g` by the two-loop recursion.
    private func direction(_ g: [Double], pairs: [(s: [Double], y: [Double], rho: Double, scaledY: [Double])],
                           preconditioner: ((inout [Double]) -> Void)?) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: pairs.count)
        for i in pairs.indices.reversed() {
            alphas[i] = pairs[i].rho * LBFGS.dot(pairs[i].s, q)
            LBFGS.axpy(-alphas[i], pairs[i].y, &q)
        }
        preconditioner?(&q)
        if let last = pairs.last {
            let gamma = LBFGS.dot(last.s, last.y) / LBFGS.dot(last.y, last.scaledY)
            for i in q.indices { q[i] *= gamma }
        }
        for i in pairs.indices {
            let beta = pairs[i].rho * LBFGS.dot(pairs[i].y, q)
            LBFGS.axpy(alphas[i] - beta, pairs[i].s, &q)
        }
        for i in q.indices { q[i] = -q[i] }
        return q
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for i in y.indices { y[i] += alpha * x[i] }
    }

    static func maxNorm(_ v: [Double]) -> Double { v.reduce(0) { Swift.max($0, abs($1)) } }
}
