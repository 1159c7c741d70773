import CBLAS

extension Kernels {
    /// The eigendecomposition `A = Q·diag(λ)·Qᵀ` of a symmetric `n×n` matrix (LAPACK's
    /// `dsyevd`, divide and conquer), eigenvalues ascending.
    /// - Returns: the eigenvalues and the eigenvectors as the rows of an `n×n` row-major
    ///   matrix (that is, `Qᵀ`).
    static func symmetricEigen(_ a: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        guard n > 0, a.count == n * n, n <= Int(Int32.max / 4) else {
            throw TensorError.invalidArgument(op: "symmetric_eigen", reason: "expected an n×n matrix, got \(a.count) values for n = \(n)")
        }
        guard a.allSatisfy(\.isFinite) else { throw TensorError.invalidArgument(op: "symmetric_eigen", reason: "the matrix has non-finite entries") }
        Parallel.setUpBLAS()
        // Symmetric, so row-major is column-major; the eigenvectors come back as columns
        // (column-major), i.e. as rows of a row-major matrix.
        var m = a, values = [Double](repeating: 0, count: n)
        var (size, lda, info) = (Int32(n), Int32(n), Int32(0))
        var (lwork, liwork) = (Int32(1 + 6 * n + 2 * n * n), Int32(3 + 5 * n))
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_("V", "L", &size, &m, &lda, &values, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else {
            throw TensorError.invalidArgument(op: "symmetric_eigen", reason: "LAPACK dsyevd failed with info \(info)")
        }
        return (values, m)
    }
}
