import ArgumentParser
import Foundation
import M2Script

/// `m2t views`: a PNG grid of originals and their two augmented views.
struct ViewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "views",
        abstract: "Write a PNG of original images and the two views the student and teacher are given.")

    @Option(help: "Data: fashion-mnist, cifar10 or folder.") var data = "fashion-mnist"
    @Option(help: "Data directory.") var dataDir: String?
    @Option(help: "Image side for --data folder.") var imageSize = 64
    @Option(help: "Rows (images) in the grid.") var count = 8
    @Option(help: "Seed of the augmentations.") var seed: UInt64 = 0
    @Option(help: "Magnification (default: to about 96 pixels).") var scale: Int?
    @Option(name: .shortAndLong, help: "The PNG to write.") var out = "views.png"

    func run() throws {
        let source: DataSource
        switch data {
        case "fashion-mnist": source = .fashionMNIST(directory: dataDir)
        case "cifar10":
            guard let dataDir else { throw ValidationError("--data cifar10 needs --data-dir") }
            source = .cifar10(directory: dataDir)
        case "folder":
            guard let dataDir else { throw ValidationError("--data folder needs --data-dir") }
            source = .imageFolder(train: dataDir, test: nil, size: imageSize)
        default: throw ValidationError("unknown --data '\(data)': use fashion-mnist, cifar10 or folder")
        }
        guard (1...256).contains(count) else { throw ValidationError("--count must be between 1 and 256") }
        do {
            let loaded = try source.load(testLimit: 1)
            try writeViewsGrid(dataset: loaded.train, pipeline: loaded.views, count: count, seed: seed, scale: scale, to: URL(fileURLWithPath: out))
            print("wrote \(out): \(count) rows of original | view 1 | view 2 (\(loaded.views.name))")
        } catch {
            throw ExitMessage("\(error)")
        }
    }
}
