/// Why training stopped.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss of step `step` was `value` (NaN or infinite); that step's optimizer update was
    /// not applied.
    case nonFiniteLoss(step: Int, value: TensorScalar)
    /// A checkpoint was refused: not an m2t checkpoint, corrupt, written by the other precision,
    /// or not matching the method.
    case badCheckpoint(reason: String)
    /// The ranks of a data-parallel run no longer hold the same model at step `step`: their
    /// checksums, in rank order.
    case ranksDiverged(step: Int, checksums: [UInt64])
    /// A data-parallel run cannot be set up as asked (a batch that does not split evenly
    /// over the ranks, a resume that conflicts with the checkpoint).
    case invalidDistributedSetup(reason: String)

    /// The message, e.g. `checkpoint refused: …`.
    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, value): return "the loss became \(value) at step \(step); training stopped (the last good checkpoint is kept)"
        case let .badCheckpoint(reason): return "checkpoint refused: \(reason)"
        case let .ranksDiverged(step, checksums):
            return "the ranks hold different models at step \(step) (checksums \(checksums.map { String($0, radix: 16) }.joined(separator: ", ")) in rank order); training stopped"
        case let .invalidDistributedSetup(reason): return reason
        }
    }
}
