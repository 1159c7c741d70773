// OpenBLAS's CBLAS interface (Debian: libopenblas-dev), including openblas_set_num_threads.
#include <cblas.h>
#include <stddef.h>

// LAPACK's symmetric eigensolver, which libopenblas also exports (Debian ships no LAPACK
// header with it). The Fortran ABI: every argument by pointer, column-major storage, and one
// hidden length per character argument at the end (gfortran passes them as size_t).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
