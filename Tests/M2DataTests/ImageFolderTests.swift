import Foundation
import XCTest
@testable import M2Data

final class ImageFolderTests: XCTestCase {
    /// `root/cat/{a.png,b.jpg}`, `root/dog/{c.jpeg, d.png (gray)}`.
    func makeFolder() throws -> URL {
        let root = try makeTempDirectory(self)
        let fm = FileManager.default
        for c in ["cat", "dog"] { try fm.createDirectory(at: root.appendingPathComponent(c), withIntermediateDirectories: true) }
        try PNGCodec.write(syntheticImage(width: 40, height: 30, channels: 3, seed: 1), to: root.appendingPathComponent("cat/a.png"))
        try JPEGCodec.write(syntheticImage(width: 30, height: 50, channels: 3, seed: 2), to: root.appendingPathComponent("cat/b.jpg"))
        try JPEGCodec.write(syntheticImage(width: 64, height: 64, channels: 3, seed: 3), to: root.appendingPathComponent("dog/c.jpeg"))
        try PNGCodec.write(syntheticImage(width: 20, height: 20, channels: 1, seed: 4), to: root.appendingPathComponent("dog/d.png"))
        try Data("not an image".utf8).write(to: root.appendingPathComponent("dog/readme.txt"))
        return root
    }

    func testLabelsFromSortedClassFolders() throws {
        let ds = try ImageFolder(root: try makeFolder())
        XCTAssertEqual(ds.classNames, ["cat", "dog"])
        XCTAssertEqual(ds.count, 4)
        XCTAssertEqual(ds.labels, [0, 0, 1, 1])
        XCTAssertEqual(try ds.image(at: 0).width, 40)
        XCTAssertEqual(try ds.image(at: 3).channels, 3)  // gray PNG replicated to RGB
    }

    func testSquareSizingOnLoadAndPacking() throws {
        let ds = try ImageFolder(root: try makeFolder(), options: .init(sizing: .square(16), channels: 1))
        for i in 0..<ds.count {
            let im = try ds.image(at: i)
            XCTAssertEqual([im.width, im.height, im.channels], [16, 16, 1])
        }
        let store = try ds.packed()
        XCTAssertEqual(store.count, 4)
        let short = try ImageFolder(root: try makeFolder(), options: .init(sizing: .shorterSide(15)))
        XCTAssertEqual(try short.image(at: 1).width, 15)
        XCTAssertEqual(try short.image(at: 1).height, 25)
    }

    func testUnlabeledAndLazyFolders() throws {
        let root = try makeFolder()
        let ds = try ImageFolder.unlabeled(root: root, options: .init(sizing: .square(8), preload: false))
        XCTAssertEqual(ds.count, 4)
        XCTAssertEqual(ds.classNames, [])
        XCTAssertEqual(ds.label(at: 0), -1)
        XCTAssertEqual(try ds.image(at: 2).width, 8)
    }

    func testBadImagesFailNamingTheFileOrAreSkipped() throws {
        let root = try makeFolder()
        let bad = root.appendingPathComponent("dog/broken.jpg")
        let jpeg = try JPEGCodec.encode(syntheticImage(width: 32, height: 32, channels: 3))
        try Data(jpeg.prefix(jpeg.count / 2)).write(to: bad)
        try Data("<html>".utf8).write(to: root.appendingPathComponent("cat/page.png"))
        assertDataError("page.png") { _ = try ImageFolder(root: root) }
        let skipping = try ImageFolder(root: root, options: .init(skipBadFiles: true))
        XCTAssertEqual(skipping.count, 4)
        XCTAssertEqual(skipping.skipped.count, 2)
        XCTAssertTrue(skipping.skipped.map(\.description).joined().contains("broken.jpg"))
        let lazy = try ImageFolder(root: root, options: .init(preload: false))
        let brokenIndex = try XCTUnwrap(lazy.files.firstIndex { $0.lastPathComponent == "broken.jpg" })
        assertDataError("broken.jpg") { _ = try lazy.image(at: brokenIndex) }
        assertDataError("outside") { _ = try lazy.image(at: 99) }
    }

    func testMissingOrEmptyRoots() throws {
        assertDataError("/nonexistent/root") { _ = try ImageFolder(root: URL(fileURLWithPath: "/nonexistent/root")) }
        let empty = try makeTempDirectory(self)
        assertDataError("no class folders") { _ = try ImageFolder(root: empty) }
    }

    func testNonImageFileRecognizedBySignature() throws {
        let dir = try makeTempDirectory(self)
        let url = dir.appendingPathComponent("x.jpg")
        try PNGCodec.write(syntheticImage(width: 4, height: 4, channels: 3), to: url)  // PNG named .jpg
        XCTAssertEqual(try ImageFile.read(url).width, 4)
        try Data().write(to: url)
        assertDataError("empty file") { _ = try ImageFile.read(url) }
    }
}
