// Open MPI (Debian's libopenmpi-dev) for Swift. MPI's handles are macros that take the
// address of library globals, which Swift cannot import; these functions return them.
#include <mpi.h>

static inline MPI_Comm m2t_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype m2t_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype m2t_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype m2t_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype m2t_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op m2t_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Info m2t_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Request m2t_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *m2t_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline void *m2t_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int m2t_mpi_comm_type_shared(void) { return MPI_COMM_TYPE_SHARED; }
static inline int m2t_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int m2t_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int m2t_mpi_success(void) { return MPI_SUCCESS; }
static inline MPI_Errhandler m2t_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
