import Foundation
import XCTest
@testable import M2Data

final class IDXReaderTests: XCTestCase {
    /// Writes a small IDX pair (optionally gzip-compressed) and returns the two URLs.
    func writePair(count: Int = 5, rows: Int = 4, cols: Int = 3, labels: [UInt8]? = nil, gzip: Bool,
                   in dir: URL) throws -> (URL, URL) {
        let pixels = (0..<(count * rows * cols)).map { UInt8($0 % 256) }
        let images = IDXReader.encode(magic: IDXReader.imageMagic, dimensions: [count, rows, cols], data: pixels)
        let labelBytes = labels ?? (0..<count).map { UInt8($0 % 10) }
        let labelFile = IDXReader.encode(magic: IDXReader.labelMagic, dimensions: [labelBytes.count], data: labelBytes)
        let suffix = gzip ? ".gz" : ""
        let iu = dir.appendingPathComponent("train-images-idx3-ubyte" + suffix)
        let lu = dir.appendingPathComponent("train-labels-idx1-ubyte" + suffix)
        try Data(gzip ? Gzip.compress(images) : images).write(to: iu)
        try Data(gzip ? Gzip.compress(labelFile) : labelFile).write(to: lu)
        return (iu, lu)
    }

    func testReadsGzipAndRawFiles() throws {
        for gzip in [true, false] {
            let dir = try makeTempDirectory(self)
            _ = try writePair(gzip: gzip, in: dir)
            let ds = try FashionMNIST.load(split: .train, directory: dir)
            XCTAssertEqual(ds.count, 5)
            XCTAssertEqual(ds.width, 3)
            XCTAssertEqual(ds.height, 4)
            XCTAssertEqual(ds.channels, 1)
            XCTAssertEqual(ds.labels, [0, 1, 2, 3, 4])
            XCTAssertEqual(try ds.image(at: 1).pixels, (12..<24).map { UInt8($0) })
        }
    }

    func testWrongMagicTruncationAndBadLabelsAreTypedErrors() throws {
        let dir = try makeTempDirectory(self)
        let (iu, lu) = try writePair(gzip: false, in: dir)
        assertDataError("wrong magic number 0x00000801 (expected 0x00000803)") { _ = try IDXReader.readImages(lu) }
        let bytes = try Data(contentsOf: iu)
        try bytes.prefix(bytes.count - 7).write(to: iu)
        assertDataError("truncated") { _ = try IDXReader.readImages(iu) }
        try Data(bytes.prefix(6)).write(to: iu)
        assertDataError("truncated") { _ = try IDXReader.readImages(iu) }
        try Data(bytes + [1, 2]).write(to: iu)
        assertDataError("past the end") { _ = try IDXReader.readImages(iu) }

        let bad = try makeTempDirectory(self)
        _ = try writePair(labels: [0, 1, 12, 3, 4], gzip: true, in: bad)
        assertDataError("label 12 of item 2 is outside 0..<10") { _ = try FashionMNIST.load(split: .train, directory: bad) }

        let short = try makeTempDirectory(self)
        _ = try writePair(labels: [0, 1, 2], gzip: false, in: short)
        assertDataError("3 labels for 5 images") { _ = try FashionMNIST.load(split: .train, directory: short) }
    }

    func testTruncatedGzipAndMissingFiles() throws {
        let dir = try makeTempDirectory(self)
        let (iu, _) = try writePair(gzip: true, in: dir)
        let bytes = try Data(contentsOf: iu)
        try bytes.prefix(bytes.count / 2).write(to: iu)
        assertDataError(iu.lastPathComponent) { _ = try IDXReader.readImages(iu) }
        assertDataError("t10k-images-idx3-ubyte") { _ = try FashionMNIST.load(split: .test, directory: dir) }
    }

    func testGzipRoundTrip() throws {
        let data = (0..<100_000).map { UInt8(($0 * 7) % 251) }
        XCTAssertEqual(try Gzip.decompress(try Gzip.compress(data), path: "x"), data)
    }

    func testRealFashionMNIST() throws {
        try requireFashionMNIST()
        let train = try FashionMNIST.load(split: .train)
        let test = try FashionMNIST.load(split: .test)
        XCTAssertEqual(train.count, 60_000)
        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual([train.width, train.height, train.channels], [28, 28, 1])
        XCTAssertEqual(Set(train.labels), Set(0..<10))
        XCTAssertEqual(Set(test.labels), Set(0..<10))
        XCTAssertEqual(train.labels.filter { $0 == 3 }.count, 6_000)  // balanced classes
        let mean = Float(train.pixels.prefix(784 * 1000).reduce(0) { $0 + Int($1) }) / Float(784 * 1000) / 255
        XCTAssertEqual(mean, FashionMNIST.mean[0], accuracy: 0.02)
    }
}
