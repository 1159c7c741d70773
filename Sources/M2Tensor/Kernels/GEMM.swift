import CBLAS

/// A matrix operand for BLAS: a pointer, whether it is read transposed, and its leading
/// dimension. Built from any 2-D view whose rows or columns are unit-stride.
struct MatrixOperand {
    let pointer: UnsafeMutablePointer<TensorScalar>
    let transposed: Bool
    let ld: Int
    /// Keeps a copied operand's storage alive.
    let owner: Tensor

    /// Reads a 2-D view `[rows, cols]` without copying when BLAS can address it directly.
    init(_ t: Tensor) {
        let (r, c) = (t.shape[0], t.shape[1])
        let (s0, s1) = (t.strides[0], t.strides[1])
        if (s1 == 1 || c == 1) && s0 >= Swift.max(c, 1) {
            self.init(pointer: t.base, transposed: false, ld: Swift.max(s0, 1), owner: t)
        } else if (s0 == 1 || r == 1) && s1 >= Swift.max(r, 1) {
            self.init(pointer: t.base, transposed: true, ld: Swift.max(s1, 1), owner: t)
        } else {
            let d = t.contiguousData()
            defer { withExtendedLifetime(d) {} }
            self.init(pointer: d.base, transposed: false, ld: Swift.max(c, 1), owner: d)
        }
    }

    init(pointer: UnsafeMutablePointer<TensorScalar>, transposed: Bool, ld: Int, owner: Tensor) {
        self.pointer = pointer; self.transposed = transposed; self.ld = ld; self.owner = owner
    }
}

extension Kernels {
    /// `C = alpha·A·B + beta·C` in row-major order, single-threaded BLAS.
    @inline(__always)
    static func sgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                      _ alpha: TensorScalar, _ a: UnsafePointer<TensorScalar>, _ lda: Int,
                      _ b: UnsafePointer<TensorScalar>, _ ldb: Int,
                      _ beta: TensorScalar, _ c: UnsafeMutablePointer<TensorScalar>, _ ldc: Int) {
        Parallel.setUpBLAS()
        blasGEMM(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// The BLAS GEMM at ``TensorScalar`` precision (`cblas_sgemm`, or `cblas_dgemm` in the
    /// Float64 build), row-major, on however many threads BLAS is set to.
    @inline(__always)
    static func blasGEMM(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                         _ alpha: TensorScalar, _ a: UnsafePointer<TensorScalar>, _ lda: Int,
                         _ b: UnsafePointer<TensorScalar>, _ ldb: Int,
                         _ beta: TensorScalar, _ c: UnsafeMutablePointer<TensorScalar>, _ ldc: Int) {
        #if M2T_FLOAT64
        let gemm = cblas_dgemm
        #else
        let gemm = cblas_sgemm
        #endif
        gemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
             Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C[m×n] = A[m×k]·B[k×n] (+ beta·C)`, cut along the larger of m, n into
    /// ``Parallel/pieces`` blocks (a BLAS result depends on the block an element is computed
    /// in, so the cut never depends on the thread count), run on the threads.
    static func gemm(_ a: MatrixOperand, _ b: MatrixOperand, _ c: UnsafeMutablePointer<TensorScalar>, m: Int, n: Int, k: Int, beta: TensorScalar = 0) {
        guard m > 0 && n > 0 else { return }
        if k == 0 {
            if beta == 0 { c.update(repeating: 0, count: m * n) }
            return
        }
        let flops = m * n * k
        let parts = flops < 1 << 18 ? 1 : Parallel.pieces
        if n >= m {
            Parallel.forRanges(parts, costPerItem: 1 << 20) { _, r in
                for p in r {
                    let j0 = n * p / parts, j1 = n * (p + 1) / parts
                    guard j1 > j0 else { continue }
                    let bp = b.transposed ? b.pointer + j0 * b.ld : b.pointer + j0
                    sgemm(a.transposed, b.transposed, m, j1 - j0, k, 1, a.pointer, a.ld, bp, b.ld, beta, c + j0, n)
                }
            }
        } else {
            Parallel.forRanges(parts, costPerItem: 1 << 20) { _, r in
                for p in r {
                    let i0 = m * p / parts, i1 = m * (p + 1) / parts
                    guard i1 > i0 else { continue }
                    let ap = a.transposed ? a.pointer + i0 : a.pointer + i0 * a.ld
                    sgemm(a.transposed, b.transposed, i1 - i0, n, k, 1, ap, a.ld, b.pointer, b.ld, beta, c + i0 * n, n)
                }
            }
        }
    }
}
