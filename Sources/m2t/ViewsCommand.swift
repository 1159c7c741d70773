import ArgumentParser
import Foundation
import M2Script

/// `m2t views`: a PNG grid of originals and their two augmented views.
struct ViewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "views",
        abstract: "Write a PNG of original images and the two views the student and teacher are given.")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Rows (images) in the grid.") var count = 8
    @Option(help: "Seed of the augmentations.") var seed: UInt64 = 0
    @Option(help: "Magnification (default: to about 96 pixels).") var scale: Int?
    @Option(name: .shortAndLong, help: "The PNG to write.") var out = "views.png"

    func run() throws {
        let source = try dataOptions.source()
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
