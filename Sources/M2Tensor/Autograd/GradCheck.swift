import Foundation

/// Checks analytic gradients against central finite differences, like PyTorch's
/// `torch.autograd.gradcheck`.
///
/// The function's output is reduced to a scalar with a fixed random projection,
/// `L = Σ f(inputs) ⊙ v`. Backward gives ∂L/∂x for every input that requires gradients;
/// for each checked element `x[i]`, `(L(x[i] + ε) − L(x[i] − ε)) / 2ε` estimates the same
/// number. The inputs are perturbed in place and restored, so `f` may also read them through
/// a module or a closure.
///
/// ```swift
/// let w = try Tensor.randn([3, 4], generator: g, requiresGrad: true)
/// let report = try GradCheck.run(inputs: [w]) { xs in try (xs[0] * xs[0]).tanh() }
/// report.passed   // true
/// ```
///
/// Finite differences need Float64 to be tight: the defaults (``Tolerances/standard``) are
/// PyTorch's in the Float64 build, and 1e-2 in Float32, where rounding limits them
/// (docs/numerics.md).
public enum GradCheck {
    /// The step and the tolerances: element `i` passes when
    /// `|analytic − numeric| ≤ absolute + relative · |numeric|`.
    public struct Tolerances: Sendable {
        public var epsilon: Double
        public var absolute: Double
        public var relative: Double

        public init(epsilon: Double, absolute: Double, relative: Double) {
            self.epsilon = epsilon; self.absolute = absolute; self.relative = relative
        }

        /// PyTorch's defaults (ε 1e-6, atol 1e-5, rtol 1e-3) in the Float64 build; ε 1e-2,
        /// atol 1e-2, rtol 1e-2 in Float32, where a smaller ε drowns in rounding.
        public static let standard = MemoryLayout<TensorScalar>.size == 8
            ? Tolerances(epsilon: 1e-6, absolute: 1e-5, relative: 1e-3)
            : Tolerances(epsilon: 1e-2, absolute: 1e-2, relative: 1e-2)
    }

    /// One checked element.
    public struct Element: Sendable {
        /// Which of the inputs, and the element's index in it.
        public var input: Int
        public var index: [Int]
        public var analytic: Double
        public var numeric: Double
        /// `|analytic − numeric| − (absolute + relative · |numeric|)`: positive means failed.
        public var excess: Double
    }

    /// What a check found.
    public struct Report: Sendable, CustomStringConvertible {
        /// How many elements were compared.
        public var checked: Int
        /// How many of them were outside the tolerance.
        public var failures: Int
        /// The largest `|analytic − numeric|`.
        public var maxAbsoluteError: Double
        /// The element furthest outside (or least inside) the tolerance.
        public var worst: Element?
        public var tolerances: Tolerances

        public var passed: Bool { failures == 0 }

        public var description: String {
            var s = "gradcheck: \(passed ? "passed" : "FAILED"), \(checked) elements, \(failures) outside, max |analytic − numeric| \(format(maxAbsoluteError))"
            if let w = worst {
                s += "; worst: input \(w.input) \(w.index): analytic \(format(w.analytic)), numeric \(format(w.numeric))"
            }
            return s
        }

        private func format(_ x: Double) -> String { String(format: "%.6g", x) }
    }

    /// Compares the gradients of `f` with respect to every input that requires gradients.
    ///
    /// - Parameters:
    ///   - inputs: leaf tensors; those with `requiresGrad` are checked, the others held fixed.
    ///   - maxElements: at most this many elements per input are checked, evenly spaced
    ///     (each costs two evaluations of `f`).
    ///   - seed: the projection's seed.
    /// - Throws: ``TensorError/invalidArgument(op:reason:)`` when no input requires gradients
    ///   or one is not a leaf; ``TensorError/noGradient(op:reason:)`` when the output does not
    ///   depend on them; and whatever `f` throws.
    public static func run(inputs: [Tensor], tolerances: Tolerances = .standard, maxElements: Int = 1000, seed: UInt64 = 0,
                           _ f: ([Tensor]) throws -> Tensor) throws -> Report {
        let checked = inputs.indices.filter { inputs[$0].requiresGrad }
        guard !checked.isEmpty else {
            throw TensorError.invalidArgument(op: "gradcheck", reason: "no input requires gradients (create them with requires_grad: true)")
        }
        if let i = inputs.firstIndex(where: { $0.gradFn != nil }) {
            throw TensorError.invalidArgument(op: "gradcheck", reason: "input \(i) is computed from other tensors; pass leaf tensors (detach() it and set requires_grad)")
        }
        if let i = checked.first(where: { k in zip(inputs[k].shape, inputs[k].strides).contains { $0 > 1 && $1 == 0 } }) {
            throw TensorError.invalidArgument(op: "gradcheck", reason: "input \(i) is a broadcast view (its elements share memory); pass a contiguous copy")
        }
        guard tolerances.epsilon > 0, tolerances.epsilon.isFinite, maxElements > 0 else {
            throw TensorError.invalidArgument(op: "gradcheck", reason: "epsilon and max_elements must be positive")
        }
        let output = try f(inputs)
        let projection = try Tensor.randn(output.shape, generator: RandomGenerator(seed: seed))
        let analytic = try gradients(of: output, projection, for: checked.map { inputs[$0] })
        let v = projection.scalars.map { Double($0) }
        // Reduced in Double: in the Float32 build a Float32 sum's rounding would be most
        // of the finite difference's error.
        func loss() throws -> Double {
            let out = try withNoGrad { try f(inputs) }.scalars
            guard out.count == v.count else {
                throw TensorError.invalidArgument(op: "gradcheck", reason: "the function's output changed size between calls")
            }
            var sum = 0.0
            for i in out.indices { sum += Double(out[i]) * v[i] }
            return sum
        }
        var report = Report(checked: 0, failures: 0, maxAbsoluteError: 0, worst: nil, tolerances: tolerances)
        let eps = TensorScalar(tolerances.epsilon)
        for (k, i) in checked.enumerated() {
            let x = inputs[i]
            let stride = max(1, (x.count + maxElements - 1) / maxElements)
            for flat in Swift.stride(from: 0, to: x.count, by: stride) {
                let p = x.storage.pointer + x.offset + storageOffset(of: flat, in: x)
                let saved = p.pointee
                defer { p.pointee = saved }  // also when f throws (or is interrupted)
                p.pointee = saved + eps
                let plus = try loss()
                p.pointee = saved - eps
                let minus = try loss()
                // The step actually taken, after rounding x ± ε to the element type.
                let h = Double(saved + eps) - Double(saved - eps)
                guard h > 0 else {
                    throw TensorError.invalidArgument(op: "gradcheck", reason: "eps \(tolerances.epsilon) is below the precision of input \(i)'s element \(saved); use a larger eps")
                }
                let numeric = (plus - minus) / h
                let a = Double(analytic[k][flat])
                let error = abs(a - numeric)
                let excess = error - (tolerances.absolute + tolerances.relative * abs(numeric))
                report.checked += 1
                if !(excess <= 0) { report.failures += 1 }
                report.maxAbsoluteError = max(report.maxAbsoluteError, error)
                if report.worst.map({ !(excess <= $0.excess) }) ?? true {
                    report.worst = Element(input: i, index: index(of: flat, in: x.shape), analytic: a, numeric: numeric, excess: excess)
                }
            }
        }
        return report
    }

    /// ∂(Σ output ⊙ projection)/∂x for each x, leaving the inputs' own `grad` as it was.
    private static func gradients(of output: Tensor, _ projection: Tensor, for xs: [Tensor]) throws -> [[TensorScalar]] {
        let saved = xs.map(\.grad)
        defer { for (x, g) in zip(xs, saved) { x.grad = g } }
        for x in xs { x.grad = nil }
        try (output * projection).sum().backward()
        return try xs.map { x in
            guard let g = x.grad else { return [TensorScalar](repeating: 0, count: x.count) }
            guard g.shape == x.shape else { throw TensorError.shapeMismatch(op: "gradcheck", lhs: x.shape, rhs: g.shape) }
            return g.scalars
        }
    }

    /// The multi-index of the `flat`-th element (row-major) of a tensor of `shape`.
    private static func index(of flat: Int, in shape: [Int]) -> [Int] {
        var rest = flat, index = [Int](repeating: 0, count: shape.count)
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            index[d] = rest % shape[d]
            rest /= shape[d]
        }
        return index
    }

    /// Where the `flat`-th element (row-major) of `x` sits, in elements from `x.offset`.
    private static func storageOffset(of flat: Int, in x: Tensor) -> Int {
        zip(index(of: flat, in: x.shape), x.strides).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
