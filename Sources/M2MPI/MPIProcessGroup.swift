import CMPI
import Foundation
import M2Tensor

/// The processes `mpirun` started, as a ``ProcessGroup`` over MPI's world communicator (Open
/// MPI from Debian).
///
/// ```sh
/// mpirun -np 2 m2t pretrain --steps 300      # two ranks train one model
/// ```
///
/// Without `mpirun` nothing of MPI is touched: ``world()`` is nil and the program is the
/// single process it always was. Waits poll the request and sleep between polls, so a rank
/// that waits for another (at a barrier, for a slower peer) leaves its core to the work.
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int
    /// This rank's position among the ranks on its machine, and how many there are.
    public let localRank: Int, localSize: Int
    private let comm: MPI_Comm?

    /// Whether this process was started by `mpirun` (Open MPI's or PMIx's environment).
    public static var isLaunchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil
    }

    nonisolated(unsafe) private static var shared: Result<MPIProcessGroup?, Error>?
    private static let lock = NSLock()

    /// The world of an `mpirun` launch, initializing MPI on first use; nil without `mpirun`
    /// or with one rank (a world of one is the single-process program, bit for bit). Each
    /// rank's kernels get the machine's cores divided by the ranks on it, and no more than
    /// the cores mpirun bound it to (`M2T_THREADS` overrides).
    /// - Throws: ``CommunicationError`` when MPI cannot start.
    public static func world() throws -> MPIProcessGroup? {
        lock.lock()
        defer { lock.unlock() }
        if let shared { return try shared.get() }
        let made = Result { () throws -> MPIProcessGroup? in
            guard isLaunchedByMPI else { return nil }
            let group = try MPIProcessGroup()
            // The machine's cores shared among the ranks on it, within the rank's binding,
            // unless M2T_THREADS says.
            if ProcessInfo.processInfo.environment["M2T_THREADS"] == nil {
                let share = max(1, ProcessInfo.processInfo.activeProcessorCount / group.localSize)
                Parallel.threads = min(share, Parallel.usableCores)
            }
            return group.size > 1 ? group : nil
        }
        shared = made
        return try made.get()
    }

    private init() throws {
        var provided: Int32 = 0
        try Self.check(MPI_Init_thread(nil, nil, m2t_mpi_thread_serialized(), &provided), "MPI_Init_thread")
        // Every call must be able to come from whichever thread runs the training loop.
        guard provided >= m2t_mpi_thread_serialized() else {
            throw CommunicationError("this MPI library does not allow calls from several threads (MPI_THREAD_SERIALIZED)")
        }
        atexit { _ = MPI_Finalize() }
        let world = m2t_mpi_comm_world()
        _ = MPI_Comm_set_errhandler(world, m2t_mpi_errors_return())
        var r: Int32 = 0, s: Int32 = 0
        try Self.check(MPI_Comm_rank(world, &r), "MPI_Comm_rank")
        try Self.check(MPI_Comm_size(world, &s), "MPI_Comm_size")
        var local: MPI_Comm? = world
        try Self.check(MPI_Comm_split_type(world, m2t_mpi_comm_type_shared(), r, m2t_mpi_info_null(), &local), "MPI_Comm_split_type")
        var lr: Int32 = 0, ls: Int32 = 0
        try Self.check(MPI_Comm_rank(local, &lr), "MPI_Comm_rank")
        try Self.check(MPI_Comm_size(local, &ls), "MPI_Comm_size")
        _ = MPI_Comm_free(&local)
        (comm, rank, size, localRank, localSize) = (world, Int(r), Int(s), Int(lr), Int(ls))
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<TensorScalar>) throws {
        try startAllReduceSum(values).wait()
    }

    public func allReduceSum(doubles values: UnsafeMutableBufferPointer<Double>) throws {
        try start(values.baseAddress, values.count, m2t_mpi_double()).wait()
    }

    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<TensorScalar>) throws -> PendingReduction {
        try start(values.baseAddress, values.count, MemoryLayout<TensorScalar>.size == 8 ? m2t_mpi_double() : m2t_mpi_float())
    }

    private func start(_ pointer: UnsafeMutableRawPointer?, _ count: Int, _ type: MPI_Datatype) throws -> MPIRequest {
        guard count <= Int(Int32.max) else { throw CommunicationError("a reduction of \(count) values is larger than MPI's count limit") }
        var request: MPI_Request? = m2t_mpi_request_null()
        try Self.check(MPI_Iallreduce(m2t_mpi_in_place(), pointer, Int32(count), type, m2t_mpi_sum(), comm, &request), "MPI_Iallreduce")
        return MPIRequest(request)
    }

    public func broadcast(_ bytes: inout [UInt8], from root: Int) throws {
        var count = UInt64(bytes.count)
        // The buffers of a non-blocking call stay pinned until it completes: wait inside.
        try withUnsafeMutablePointer(to: &count) { c in
            var request: MPI_Request? = m2t_mpi_request_null()
            try Self.check(MPI_Ibcast(c, 1, m2t_mpi_uint64(), Int32(root), comm, &request), "MPI_Ibcast")
            try MPIRequest(request).wait()
        }
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
        guard count > 0 else { return }
        guard count <= UInt64(Int32.max) else { throw CommunicationError("a broadcast of \(count) bytes is larger than MPI's count limit") }
        try bytes.withUnsafeMutableBytes { b in
            var request: MPI_Request? = m2t_mpi_request_null()
            try Self.check(MPI_Ibcast(b.baseAddress, Int32(count), m2t_mpi_byte(), Int32(root), comm, &request), "MPI_Ibcast")
            try MPIRequest(request).wait()
        }
    }

    public func allGather(_ value: UInt64) throws -> [UInt64] {
        var mine = value
        var all = [UInt64](repeating: 0, count: size)
        try withUnsafeMutablePointer(to: &mine) { m in
            try all.withUnsafeMutableBufferPointer { a in
                var request: MPI_Request? = m2t_mpi_request_null()
                try Self.check(MPI_Iallgather(m, 1, m2t_mpi_uint64(), a.baseAddress, 1, m2t_mpi_uint64(), comm, &request), "MPI_Iallgather")
                try MPIRequest(request).wait()
            }
        }
        return all
    }

    public func barrier() throws {
        var request: MPI_Request? = m2t_mpi_request_null()
        try Self.check(MPI_Ibarrier(comm, &request), "MPI_Ibarrier")
        try MPIRequest(request).wait()
    }

    /// Ends every rank of the job at once (MPI_Abort): for an error one rank found that the
    /// others cannot see, so that no rank waits forever on a collective.
    public func abort(code: Int32 = 1) -> Never {
        _ = MPI_Abort(comm, code)
        exit(code)
    }

    static func check(_ code: Int32, _ call: String) throws {
        guard code != m2t_mpi_success() else { return }
        var text = [CChar](repeating: 0, count: 1024)  // ≥ MPI_MAX_ERROR_STRING (256 in Open MPI)
        var length: Int32 = 0
        _ = MPI_Error_string(code, &text, &length)
        throw CommunicationError("\(call): \(String(cString: text))")
    }
}

/// A non-blocking MPI request, completed by polling: spin briefly, then sleep between polls.
final class MPIRequest: PendingReduction {
    private var request: MPI_Request?
    private var done = false

    init(_ request: MPI_Request?) { self.request = request }

    func test() throws -> Bool {
        guard !done else { return true }
        var flag: Int32 = 0
        try MPIProcessGroup.check(MPI_Test(&request, &flag, m2t_mpi_status_ignore()), "MPI_Test")
        done = flag != 0
        return done
    }

    func wait() throws {
        var polls = 0
        while try !test() {
            polls += 1
            if polls > 200 { usleep(polls > 2_000 ? 500 : 50) }
        }
    }
}
