import CBLAS

extension SoftmaxRegression {
    /// The inverse of an approximate Hessian of ``SoftmaxRegression``, for preconditioning a
    /// quasi-Newton method: `(Σ + λI)⁻¹` applied to θ seen as a `[d + 1, C]` matrix, where
    /// `Σ = (1/m)·Σᵢ x̃ᵢ·x̃ᵢᵀ` is the second moment of the features with a constant 1
    /// appended (`x̃ = [x, 1]`, so the bias row is preconditioned too).
    ///
    /// The Hessian of the loss is `(1/n)·Σᵢ (diag(pᵢ) − pᵢpᵢᵀ) ⊗ x̃ᵢx̃ᵢᵀ + λI`: its feature
    /// factor is what makes correlated features (raw pixels) ill-conditioned, and `Σ` captures
    /// it; the optimizer's own scaling takes care of the class factor's size. `Σ` is
    /// eigendecomposed once, `Σ = Q·diag(σ)·Qᵀ`, so that every λ costs two small GEMMs:
    /// `(Σ + λI)⁻¹·V = Q·diag(1/(σ + λ))·Qᵀ·V`.
    public struct Preconditioner: Sendable {
        /// d + 1.
        let size: Int
        /// C.
        let classes: Int
        /// Eigenvalues σ of Σ (clamped at 0).
        let values: [Double]
        /// Qᵀ, row-major: the eigenvectors as rows.
        let vectors: [Double]

        /// Replaces `theta` by `(Σ + λI)⁻¹·theta`.
        /// - Parameter l2: λ > 0 keeps the map bounded where Σ is singular (a constant pixel).
        public func apply(_ theta: inout [Double], l2: Double) {
            guard theta.count == size * classes else { return }
            let (n, c) = (Int32(size), Int32(classes))
            var t = [Double](repeating: 0, count: theta.count)
            Parallel.setUpBLAS()
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, c, n, 1, vectors, n, theta, c, 0, &t, c)
            let floor = Swift.max(l2, 1e-12)
            for k in 0..<size {
                let s = 1 / (values[k] + floor)
                for j in 0..<classes { t[k * classes + j] *= s }
            }
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, c, n, 1, vectors, n, t, c, 0, &theta, c)
        }
    }

    /// The preconditioner of this objective, with `Σ` from the first `rows` rows (a
    /// preconditioner needs no exact Σ; the rows should be in random order).
    public func preconditioner(rows: Int = 16_384) throws -> Preconditioner {
        let (d, C) = (dimension, classes)
        let m = Swift.max(1, Swift.min(rows, sampleCount))
        let x = features.base
        // XᵀX over the rows with the engine's GEMM (split over the threads), then the column sums.
        let gram = try Tensor(uninitializedShape: [d, d])
        Kernels.gemm(MatrixOperand(pointer: x, transposed: true, ld: d, owner: features),
                     MatrixOperand(pointer: x, transposed: false, ld: d, owner: features), gram.base, m: d, n: d, k: m)
        var sums = [Double](repeating: 0, count: d)
        for i in 0..<m { for j in 0..<d { sums[j] += Double(x[i * d + j]) } }
        let size = d + 1, inv = 1 / Double(m)
        var sigma = [Double](repeating: 0, count: size * size)
        for i in 0..<d {
            for j in 0..<d { sigma[i * size + j] = Double(gram.base[i * d + j]) * inv }
            sigma[i * size + d] = sums[i] * inv
            sigma[d * size + i] = sums[i] * inv
        }
        sigma[size * size - 1] = 1
        let (values, vectors) = try Kernels.symmetricEigen(sigma, n: size)
        return Preconditioner(size: size, classes: C, values: values.map { Swift.max($0, 0) }, vectors: vectors)
    }
}
