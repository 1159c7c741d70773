import XCTest
@testable import M2Data

/// What `m2t bench` times in the data pipeline is the real work: distinct images, decoded
/// JPEGs, two views of the promised size, every sample counted. (The throughput figures
/// themselves are `m2t bench`'s, not a test's: a test cannot hold a machine to a speed.)
final class DataBenchmarkTests: XCTestCase {
    func testSyntheticImagesDifferBySeed() {
        let a = DataBenchmark.syntheticImage(width: 32, height: 32, seed: 1)
        let b = DataBenchmark.syntheticImage(width: 32, height: 32, seed: 2)
        XCTAssertNotEqual(a.pixels, b.pixels)
        XCTAssertEqual(a.pixels, DataBenchmark.syntheticImage(width: 32, height: 32, seed: 1).pixels)
        XCTAssertGreaterThan(Set(a.pixels).count, 50, "a smooth image with noise, not a flat one")
    }

    /// The JPEG loader decodes the files it wrote and serves two different 224×224 views.
    func testJPEGLoaderDecodesAndAugments() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-jpeg-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let loader = try DataBenchmark.jpegLoader(in: dir, imageCount: 3, width: 50, height: 40, batchSize: 2, workers: 1)
        XCTAssertEqual(loader.dataset.count, 3)
        let image = try loader.dataset.image(at: 0)
        XCTAssertEqual([image.width, image.height, image.channels], [50, 40, 3])
        let (x1, x2, _) = try XCTUnwrap(try loader.nextPair())
        XCTAssertEqual(x1.shape, [2, 3, 224, 224])
        XCTAssertNotEqual(x1.scalars, x2.scalars)
    }

    /// The measurement counts every sample it serves over at least the time asked for.
    func testMeasurementCountsWholeBatches() throws {
        let store = try DataBenchmark.syntheticStore(count: 40, side: 8)
        let loader = try DataLoader(dataset: store, batchSize: 8, views: .pair(.cifar()), seed: 1, workers: 1)
        let m = try DataBenchmark.measure(loader, seconds: 0.05)
        XCTAssertGreaterThanOrEqual(m.seconds, 0.05)
        XCTAssertGreaterThan(m.samples, 0)
        XCTAssertEqual(m.samples % 8, 0)
        XCTAssertEqual(m.rate, Double(m.samples) / m.seconds, accuracy: 1e-9)
    }
}
