import XCTest
@testable import M2Data

final class DataBenchmarkTests: XCTestCase {
    func testTwoViewThroughputIsMeasured() throws {
        let pairs = DataBenchmark.twoViewThroughput(seconds: 1.5)
        print("two-view 32×32 RGB throughput: \(Int(pairs)) pairs/s with \(Parallel.threads) threads")
        XCTAssertGreaterThan(pairs, 100)
    }

    func testJPEGTwoViewThroughputIsMeasured() throws {
        let images = try DataBenchmark.jpegTwoViewThroughput(seconds: 1.5, imageCount: 16)
        print("JPEG 500×375 decode + two 224×224 views: \(Int(images)) images/s with \(Parallel.threads) threads")
        XCTAssertGreaterThan(images, 1)
    }
}
