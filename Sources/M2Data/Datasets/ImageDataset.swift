/// A collection of images with optional class labels, indexed from 0.
///
/// Loaders and view pipelines read datasets through this protocol; implementations must be
/// safe to read from several threads at once (reads only).
public protocol ImageDataset: Sendable {
    /// Number of items.
    var count: Int { get }
    /// Class names, index = label; empty for an unlabeled dataset.
    var classNames: [String] { get }
    /// The image at `index` (in `0..<count`).
    /// - Throws: ``DataError`` when the image cannot be produced (e.g. a lazily decoded file).
    func image(at index: Int) throws -> Image
    /// The label of item `index`, or `-1` when the dataset is unlabeled.
    func label(at index: Int) -> Int
}

extension ImageDataset {
    /// Number of classes (0 for an unlabeled dataset).
    public var classCount: Int { classNames.count }

    /// Checks that `index` is inside the dataset.
    func checkIndex(_ index: Int, op: String) throws {
        guard index >= 0 && index < count else {
            throw DataError.invalidArgument(op: op, reason: "index \(index) is outside 0..<\(count)")
        }
    }
}
