import Foundation
import XCTest
@testable import M2Data

final class PNGCodecTests: XCTestCase {
    func testRoundTripRGBAndGray() throws {
        for channels in [1, 3] {
            let im = syntheticImage(width: 17, height: 11, channels: channels, seed: channels)
            let bytes = try PNGCodec.encode(im)
            XCTAssertEqual(Array(bytes[0..<8]), PNGCodec.signature)
            XCTAssertEqual(try PNGCodec.decode(bytes), im)
        }
    }

    func testFileRoundTrip() throws {
        let dir = try makeTempDirectory(self)
        let url = dir.appendingPathComponent("a.png")
        let im = syntheticImage(width: 5, height: 7, channels: 3)
        try PNGCodec.write(im, to: url)
        XCTAssertEqual(try PNGCodec.read(url), im)
    }

    func testCorruptAndTruncatedFilesThrow() throws {
        let bytes = try PNGCodec.encode(syntheticImage(width: 20, height: 20, channels: 3))
        assertDataError("no PNG signature") { _ = try PNGCodec.decode(Array("hello world".utf8), path: "x.png") }
        assertDataError("x.png") { _ = try PNGCodec.decode(Array(bytes[0..<(bytes.count / 2)]), path: "x.png") }
        var flipped = bytes
        for i in 40..<min(60, flipped.count) { flipped[i] ^= 0x5A }
        assertDataError("x.png") { _ = try PNGCodec.decode(flipped, path: "x.png") }
        assertDataError("x.png") { _ = try PNGCodec.decode(Array(bytes[0..<12]), path: "x.png") }
    }

    func testDamagedBytesAnywhereNeverCrash() throws {
        let bytes = try PNGCodec.encode(syntheticImage(width: 24, height: 24, channels: 3))
        for i in stride(from: 8, to: bytes.count, by: 5) {
            var damaged = bytes
            damaged[i] ^= 0xA5
            _ = try? PNGCodec.decode(damaged, path: "x.png")
            _ = try? PNGCodec.decode(Array(bytes[0..<i]), path: "x.png")
        }
    }

    func testMissingFileNamesThePath() {
        assertDataError("nowhere.png") { _ = try PNGCodec.read(URL(fileURLWithPath: "/nonexistent/nowhere.png")) }
    }
}

final class JPEGCodecTests: XCTestCase {
    func testRoundTripIsClose() throws {
        for channels in [1, 3] {
            let im = syntheticImage(width: 40, height: 24, channels: channels)
            let decoded = try JPEGCodec.decode(try JPEGCodec.encode(im, quality: 95))
            XCTAssertEqual(decoded.width, 40)
            XCTAssertEqual(decoded.height, 24)
            XCTAssertEqual(decoded.channels, channels)
            let maxDiff = zip(decoded.pixels, im.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            XCTAssertLessThan(maxDiff, 24)
        }
    }

    func testScaledDecodeKeepsTheMinimumSide() throws {
        let im = syntheticImage(width: 160, height: 96, channels: 3)
        let decoded = try JPEGCodec.decode(try JPEGCodec.encode(im), minimumSide: 20)
        XCTAssertEqual(decoded.height, 24)  // 1/4 scale: 96/4 = 24 ≥ 20, 96/8 = 12 < 20
        XCTAssertEqual(decoded.width, 40)
    }

    func testTruncatedAndCorruptFilesThrowWithoutCrashing() throws {
        let bytes = try JPEGCodec.encode(syntheticImage(width: 64, height: 64, channels: 3))
        assertDataError("no JPEG start-of-image") { _ = try JPEGCodec.decode([1, 2, 3, 4, 5], path: "x.jpg") }
        for cut in [4, 20, 100, bytes.count / 2, bytes.count - 3] {
            assertDataError("x.jpg") { _ = try JPEGCodec.decode(Array(bytes[0..<cut]), path: "x.jpg") }
        }
        // Garbage after the start marker: a fatal libjpeg error (error_exit).
        assertDataError("x.jpg") { _ = try JPEGCodec.decode([0xFF, 0xD8, 0xFF, 0x00, 0x12, 0x34] + Array(repeating: 7, count: 100), path: "x.jpg") }
        // Damaged header bytes in many places: each either decodes or throws, never crashes.
        for i in stride(from: 2, to: min(bytes.count, 600), by: 7) {
            var damaged = bytes
            damaged[i] ^= 0xFF
            _ = try? JPEGCodec.decode(damaged, path: "x.jpg")
        }
    }

    func testManyFailuresInARowLeaveTheDecoderUsable() throws {
        let good = try JPEGCodec.encode(syntheticImage(width: 16, height: 16, channels: 3))
        for _ in 0..<200 { _ = try? JPEGCodec.decode(Array(good[0..<30])) }
        XCTAssertEqual(try JPEGCodec.decode(good).width, 16)
    }
}
