import XCTest
import M2Data
@testable import Momentum2

/// The training views can be smaller than the images; evaluation keeps the images' size.
final class DataSourceTests: XCTestCase {
    func testViewSizeChangesTheTrainingViewsOnly() throws {
        try requireFashionMNIST()
        let source = DataSource.fashionMNIST(directory: nil)
        let native = try source.load(trainLimit: 8, testLimit: 8)
        XCTAssertEqual(native.views.size, 28)
        let small = try source.load(trainLimit: 8, testLimit: 8, viewSize: 20)
        XCTAssertEqual(small.views.size, 20)
        XCTAssertEqual(small.views.view2.size, 20)
        XCTAssertEqual(small.evaluation.size, 28)
        let (a, b) = small.views.augment(try small.train.image(at: 0), rng1: RandomGenerator(seed: 1), rng2: RandomGenerator(seed: 2))
        XCTAssertEqual([a.width, a.height, a.data.count], [20, 20, 400])
        XCTAssertEqual([b.width, b.height, b.data.count], [20, 20, 400])
        XCTAssertThrowsError(try source.load(trainLimit: 8, testLimit: 8, viewSize: 2)) { error in
            XCTAssertTrue("\(error)".contains("view size 2"), "\(error)")
        }
    }
}
