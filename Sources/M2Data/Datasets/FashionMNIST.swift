import Foundation

/// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 70,000 28×28 grayscale clothing images in
/// ten classes, the embedded default dataset.
///
/// Debian's `dataset-fashion-mnist` installs the four IDX `.gz` files under
/// ``defaultDirectory``; any directory holding the same file names (gzip or raw) works.
///
/// ```swift
/// let train = try FashionMNIST.load(split: .train)   // 60,000 images, labels 0–9
/// ```
public enum FashionMNIST {
    /// Which half of the dataset.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training images.
        case train
        /// 10,000 test images.
        case test
    }

    /// `/usr/share/datasets/fashion-mnist`.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// The ten class names, index = label.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Per-channel mean and standard deviation of the training images (for ``Normalize``).
    public static let mean: [Float] = [0.2860]
    /// See ``mean``.
    public static let std: [Float] = [0.3530]

    /// Loads one split from `directory`, preferring `.gz` files and falling back to raw.
    /// - Throws: ``DataError`` naming the file when it is missing or malformed.
    public static func load(split: Split, directory: URL = defaultDirectory) throws -> ImageStore {
        let prefix = split == .train ? "train" : "t10k"
        func find(_ stem: String) -> URL {
            let gz = directory.appendingPathComponent(stem + ".gz")
            if FileManager.default.fileExists(atPath: gz.path) { return gz }
            return directory.appendingPathComponent(stem)
        }
        return try IDXReader.dataset(images: find("\(prefix)-images-idx3-ubyte"),
                                     labels: find("\(prefix)-labels-idx1-ubyte"),
                                     classNames: classNames)
    }
}
