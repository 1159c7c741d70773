import XCTest
@testable import M2Data

final class ViewsGridTests: XCTestCase {
    func testWritesAGridOfOriginalsAndTwoViews() throws {
        let images = (0..<5).map { syntheticImage(width: 28, height: 28, channels: 1, seed: $0) }
        let ds = try ImageStore(images: images, labels: [0, 1, 2, 3, 4], classNames: FashionMNIST.classNames)
        let url = try makeTempDirectory(self).appendingPathComponent("views.png")
        try writeViewsGrid(dataset: ds, pipeline: .fashionMNIST(), count: 3, seed: 1, scale: 2, to: url)
        let grid = try PNGCodec.read(url)
        XCTAssertEqual(grid.width, 3 * 56 + 4 * 4)
        XCTAssertEqual(grid.height, 3 * 56 + 4 * 4)
        XCTAssertEqual(grid.channels, 3)
        XCTAssertEqual(grid[0, 0, 0], 255)  // border
        assertDataError("positive count") { try writeViewsGrid(dataset: ds, pipeline: .fashionMNIST(), count: 0, to: url) }
    }
}
