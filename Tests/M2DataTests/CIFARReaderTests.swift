import Foundation
import XCTest
@testable import M2Data

final class CIFARReaderTests: XCTestCase {
    func testRoundTripPlanesToInterleaved() throws {
        let dir = try makeTempDirectory(self)
        let images = (0..<3).map { syntheticImage(width: 32, height: 32, channels: 3, seed: $0) }
        let url = dir.appendingPathComponent("data_batch_1.bin")
        try Data(CIFARReader.encode(images, labels: [7, 0, 9])).write(to: url)
        let ds = try CIFARReader.read([url, url])
        XCTAssertEqual(ds.count, 6)
        XCTAssertEqual(ds.labels, [7, 0, 9, 7, 0, 9])
        XCTAssertEqual(try ds.image(at: 4), images[1])
        XCTAssertEqual(ds.classNames[7], "horse")
    }

    func testCIFAR100KeepsFineLabels() throws {
        let dir = try makeTempDirectory(self)
        var bytes = [UInt8]()
        for fine in [42, 99] { bytes += [3, UInt8(fine)] + [UInt8](repeating: 5, count: 3072) }
        let url = dir.appendingPathComponent("train.bin")
        try Data(bytes).write(to: url)
        let ds = try CIFARReader.load(directory: dir, variant: .cifar100, train: true)
        XCTAssertEqual(ds.labels, [42, 99])
    }

    func testTruncatedFileAndBadLabel() throws {
        let dir = try makeTempDirectory(self)
        let url = dir.appendingPathComponent("b.bin")
        let good = CIFARReader.encode([syntheticImage(width: 32, height: 32, channels: 3)], labels: [1])
        try Data(good.dropLast(10)).write(to: url)
        assertDataError("b.bin: truncated: expected 3073 bytes, found 3063") { _ = try CIFARReader.read([url]) }
        var bad = good
        bad[0] = 10
        try Data(bad).write(to: url)
        assertDataError("label 10 of item 0 is outside 0..<10") { _ = try CIFARReader.read([url]) }
        assertDataError("no such file") { _ = try CIFARReader.load(directory: dir, train: false) }
    }
}
