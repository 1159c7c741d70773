import Foundation

/// The linear probe: multinomial logistic regression on standardized frozen features, solved
/// to its optimum, its L2 strength chosen on held-out training data (as the linear
/// evaluations of SimCLR and BYOL on small data sets do).
///
/// The classifier minimizes the convex ``SoftmaxRegression`` objective
/// `(1/n)·Σ cross-entropy + (λ/2)·‖W‖²` (bias unpenalized) by preconditioned ``LBFGS`` until
/// `max|∂f/∂θᵢ| ≤` ``gradientTolerance``, so its answer depends on the data and λ, not on an
/// optimizer's schedule (tightening the tolerance tenfold moved no top-1 on Fashion-MNIST by
/// more than 0.04 points, docs/results.md).
///
/// Choosing λ: a seeded 10% of the training split is held out, and the other 90% is fitted
/// for the λs of ``l2Grid`` from the largest down, each fit starting from the previous
/// solution. The λ with the best held-out top-1 wins (a tie goes to the larger λ); the search
/// stops once ``patience`` λs in a row have done no better than the best. Then the whole
/// training split is fitted with that λ, starting from its solution. With one λ in the grid
/// nothing is held out.
public struct LogisticProbe: LinearProbe {
    /// λ from 10⁻¹ down to 10⁻⁶, a decade apart.
    public static let standardGrid: [Double] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]

    /// The L2 strengths tried (default ``standardGrid``); one value: that λ, no held-out split.
    public var l2Grid: [Double]
    /// The part of the training split held out to choose λ (default 0.1).
    public var heldOutFraction = 0.1
    /// Seed of the held-out split.
    public var seed: UInt64 = 0
    /// `max|∂f/∂θᵢ|` at which a fit stops (default 10⁻⁴, scikit-learn's for the same solver).
    public var gradientTolerance = 1e-4
    /// Iterations per fit before giving up (default 1,000).
    public var maxIterations = 1000
    /// λs in a row no better than the best before the search stops (default 1): held-out
    /// accuracy rises and then falls as λ shrinks, and the small λs are the slow fits. On
    /// Fashion-MNIST no λ past the first one that did no better was ever the best (the
    /// teacher's and the random-init network's curves rise to the end of the grid or tie;
    /// raw pixels' peaks at 10⁻² and falls: 86.35%, 86.32%, 85.78% held out), and a second
    /// one cost the raw-pixel probe a 152-iteration fit, a quarter of its time
    /// (docs/method.md).
    public var patience = 1

    /// A probe choosing λ from `l2Grid` on a held-out part of the training split drawn with `seed`.
    public init(l2Grid: [Double] = LogisticProbe.standardGrid, seed: UInt64 = 0) {
        (self.l2Grid, self.seed) = (l2Grid, seed)
    }

    /// Fits on `train` features and reports top-1/top-5 on `test`.
    public func evaluate(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int], classes: Int, cancellation: CancellationToken?) throws -> ProbeResult {
        let start = Date()
        try ProbeSupport.validate(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, classes: classes)
        guard !l2Grid.isEmpty, l2Grid.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "the L2 strengths must be positive and finite, got \(l2Grid)")
        }
        guard heldOutFraction > 0, heldOutFraction < 1, gradientTolerance >= 0, maxIterations >= 0, patience >= 1 else {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "needs a held-out fraction in (0, 1), a non-negative tolerance and iteration limit, and a patience of at least 1")
        }
        let n = train.shape[0]
        let held = l2Grid.count > 1 ? Int((Double(n) * heldOutFraction).rounded()) : 0
        if l2Grid.count > 1, held < 1 || held >= n {
            throw TensorError.invalidArgument(op: "linear_eval", reason: "choosing λ needs a held-out part and a fitted part: \(n) training samples are too few")
        }
        // Rows in a seeded order: the held-out part is the last `held`, both parts are views.
        let order = RandomGenerator(seed: seed).permutation(n)
        let (x, xt) = try { () throws -> (Tensor, Tensor) in
            let (xs, xt) = try ProbeSupport.standardize(train: train, test: test)
            return (try xs.indexSelect(axis: 0, indices: order), xt)
        }()
        let labels = order.map { trainLabels[$0] }
        let whole = try SoftmaxRegression(features: x, labels: labels, classes: classes)
        let preconditioner = try whole.preconditioner()
        var theta = [Double](repeating: 0, count: whole.parameterCount)
        var iterations = 0
        func fit(_ objective: SoftmaxRegression, _ l2: Double) throws {
            let solver = LBFGS(gradientTolerance: gradientTolerance, maxIterations: maxIterations)
            let r = try solver.minimize(from: theta, preconditioner: { preconditioner.apply(&$0, l2: l2) }, cancellation: cancellation) {
                let (loss, gradient) = try objective.lossAndGradient($0, l2: l2)
                return (loss, gradient)
            }
            (theta, iterations) = (r.x, iterations + r.iterations)
        }

        var chosen = l2Grid[0]
        var curve: [HeldOutPoint] = []
        if held > 0 {
            let fitted = try SoftmaxRegression(features: x.index([.slice(start: 0, end: n - held, step: 1)]),
                                               labels: Array(labels[..<(n - held)]), classes: classes)
            let heldOut = try x.index([.slice(start: n - held, end: n, step: 1)]), heldOutLabels = Array(labels[(n - held)...])
            var best: (top1: Double, theta: [Double])?
            var worse = 0
            for l2 in l2Grid.sorted(by: >) where worse < patience {
                try fit(fitted, l2)
                let top1 = ProbeSupport.accuracy(logits: try SoftmaxRegression.logits(heldOut, theta, classes: classes), labels: heldOutLabels).top1
                curve.append(HeldOutPoint(l2: l2, top1: top1))
                if top1 > best?.top1 ?? -1 {
                    (best, chosen, worse) = ((top1, theta), l2, 0)
                } else {
                    worse += 1
                }
            }
            if let best { theta = best.theta }
        }
        try fit(whole, chosen)

        let (t1, t5) = ProbeSupport.accuracy(logits: try SoftmaxRegression.logits(xt, theta, classes: classes), labels: testLabels)
        let (tr1, _) = ProbeSupport.accuracy(logits: try SoftmaxRegression.logits(x, theta, classes: classes), labels: labels)
        return ProbeResult(probe: .lbfgs, top1: t1, top5: t5, trainTop1: tr1, l2: chosen, heldOut: curve.isEmpty ? nil : curve,
                           iterations: iterations, seconds: Date().timeIntervalSince(start))
    }
}
