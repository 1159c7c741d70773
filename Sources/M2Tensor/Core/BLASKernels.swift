import CBLAS

/// The kernel family OpenBLAS runs on this CPU.
///
/// Debian's OpenBLAS is built for every x86-64 family and picks its kernels when it loads:
/// Haswell or Zen on CPUs with AVX2, SkylakeX or Cooperlake on CPUs with AVX-512. Two
/// families may round the last bit of a product differently, and a training run grows that
/// into other digits: on one Zen 4 machine the default demo's teacher read 83.24% with the
/// Zen and Haswell kernels and 84.34% with Cooperlake's (docs/results.md). The
/// environment variable `OPENBLAS_CORETYPE` chooses the family instead; the library reads it
/// as it loads, so it must be set before the process starts. `make demo` sets it to Haswell
/// on every CPU with AVX2.
public enum BLASKernels {
    /// OpenBLAS's name for the family in use (`"Haswell"`, `"Zen"`, `"Cooperlake"`, …).
    public static var name: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// A line for a run's log: the family, and how to choose another.
    public static var note: String { "BLAS kernels: \(name) (OPENBLAS_CORETYPE chooses them)" }
}
