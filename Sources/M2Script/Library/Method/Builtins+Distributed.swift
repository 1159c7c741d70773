import M2MPI
import Momentum2

/// The ranks of a data-parallel run under `mpirun`: `rank()`, `world_size()`.
enum DistributedBuiltins {
    /// The world `mpirun` started, or nil in a single process.
    static func world() throws -> MPIProcessGroup? {
        do { return try MPIProcessGroup.world() } catch { throw RuntimeFailure("cannot start MPI: \(error)") }
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("rank", "", doc: "This process's rank in a data-parallel run under mpirun (0 in a single process); rank 0 writes checkpoints and prints.",
                        example: "if rank() == 0 { print(\"the leader\") }") { _ in .int(try world()?.rank ?? 0) },
        BuiltinFunction("world_size", "", doc: "How many processes train together under mpirun (1 in a single process).",
                        example: "print(world_size())") { _ in .int(try world()?.size ?? 1) },
    ]
}
