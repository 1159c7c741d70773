import Foundation
import XCTest
@testable import M2Data

/// A fresh temporary directory, removed when the test ends.
func makeTempDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("m2data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// A smooth, deterministic test picture (gradients plus a pattern keyed by `seed`).
func syntheticImage(width: Int, height: Int, channels: Int, seed: Int = 0) -> Image {
    var pixels = [UInt8](repeating: 0, count: width * height * channels)
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<channels {
                let v = (x * 200 / max(width - 1, 1) * (c + 1) + y * 200 / max(height - 1, 1) * (3 - c)) / 4 + (seed * 13) % 50
                pixels[(y * width + x) * channels + c] = UInt8(min(v, 255))
            }
        }
    }
    return try! Image(width: width, height: height, channels: channels, pixels: pixels)
}

/// Asserts two float arrays agree within `atol + rtol * |expected|` element-wise.
func assertClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-5,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "counts differ", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > atol + rtol * abs(e) {
        XCTFail("element \(i): \(a) vs \(e)", file: file, line: line)
        return
    }
}

/// Asserts that `body` throws a ``DataError`` whose message contains `fragment`.
func assertDataError(_ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected a DataError mentioning \"\(fragment)\"", file: file, line: line)
    } catch let error as DataError {
        XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" does not mention \"\(fragment)\"", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// Skips a test that needs Debian's `dataset-fashion-mnist` when it is absent — except under
/// `CI=true`, where `make test` has installed it and its absence is a failure.
func requireFashionMNIST() throws {
    guard !FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory.appendingPathComponent("train-images-idx3-ubyte.gz").path) else { return }
    if ProcessInfo.processInfo.environment["CI"] == "true" { throw DataError.unreadable(path: FashionMNIST.defaultDirectory.path, reason: "Fashion-MNIST is missing under CI=true (make deps installs dataset-fashion-mnist)") }
    throw XCTSkip("dataset-fashion-mnist is not installed")
}
