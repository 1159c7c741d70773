/// Where a ``DataLoader`` is: enough to continue mid-epoch after a restart and produce the
/// same batches an uninterrupted run would have.
public struct LoaderState: Codable, Equatable, Sendable {
    /// The loader's seed.
    public var seed: UInt64
    /// The current epoch, from 0.
    public var epoch: Int
    /// Batches of the current epoch already handed out.
    public var position: Int
    /// The batch size, checked on restore.
    public var batchSize: Int
    /// The dataset's size, checked on restore.
    public var datasetCount: Int

    /// A state at the start of `epoch`.
    public init(seed: UInt64, epoch: Int = 0, position: Int = 0, batchSize: Int, datasetCount: Int) {
        self.seed = seed
        self.epoch = epoch
        self.position = position
        self.batchSize = batchSize
        self.datasetCount = datasetCount
    }
}
