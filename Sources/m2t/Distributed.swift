import Foundation
import M2MPI
import M2Script

/// The command line's side of a data-parallel run under `mpirun` (docs/distributed.md).
enum Distributed {
    /// The ranks `mpirun` started, or nil for a single process (no MPI is touched then).
    static func world() throws -> MPIProcessGroup? {
        do { return try MPIProcessGroup.world() } catch { throw ExitMessage("cannot start MPI: \(error)") }
    }

    /// `error` with its rank in front under `mpirun` (`[rank 1] …`), as is.
    static func prefixed(_ error: ExitMessage) -> ExitMessage {
        guard MPIProcessGroup.isLaunchedByMPI, let world = try? MPIProcessGroup.world() else { return error }
        return ExitMessage("[rank \(world.rank)] \(error.description)")
    }

    /// With `M2T_RANK_STATE=DIR`, every rank writes its student and teacher to
    /// `DIR/rank-N.safetensors` after training: the tests compare them byte for byte.
    static func writeRankState(_ m2: Momentum2Teacher) throws {
        guard let dir = ProcessInfo.processInfo.environment["M2T_RANK_STATE"], !dir.isEmpty else { return }
        let rank = (try? MPIProcessGroup.world())??.rank ?? 0
        try SafeTensors.write(m2.student.stateDict(prefix: "student.") + m2.teacher.stateDict(prefix: "teacher."),
                              to: URL(fileURLWithPath: dir).appendingPathComponent("rank-\(rank).safetensors"))
    }
}
