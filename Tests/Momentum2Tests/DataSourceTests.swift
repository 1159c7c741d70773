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

    func testBlurAndSolarizeReachTheViewsAndAreChecked() throws {
        try requireFashionMNIST()
        let source = DataSource.fashionMNIST(directory: nil)
        let paper = try source.load(trainLimit: 8, testLimit: 8)
        XCTAssertTrue(paper.views.view1.description.contains("GaussianBlur(k: 3, sigma: 0.1–2.0, p: 1.0)"), paper.views.view1.description)
        XCTAssertTrue(paper.views.view2.description.contains("Solarize(threshold: 0.5, p: 0.2)"), paper.views.view2.description)
        let plain = try source.load(trainLimit: 8, testLimit: 8, blur: [0, 0], solarize: [0.1, 0.3])
        XCTAssertFalse(plain.views.view1.description.contains("GaussianBlur"))
        XCTAssertFalse(plain.views.view2.description.contains("GaussianBlur"))
        XCTAssertTrue(plain.views.view1.description.contains("Solarize(threshold: 0.5, p: 0.1)"), plain.views.view1.description)
        XCTAssertTrue(plain.views.view2.description.contains("Solarize(threshold: 0.5, p: 0.3)"), plain.views.view2.description)
        XCTAssertThrowsError(try source.load(trainLimit: 8, testLimit: 8, blur: [0.5])) { error in
            XCTAssertTrue("\(error)".contains("blur probabilities"), "\(error)")
        }
        XCTAssertThrowsError(try source.load(trainLimit: 8, testLimit: 8, blur: [1.5, 0])) { error in
            XCTAssertTrue("\(error)".contains("blur probabilities"), "\(error)")
        }
        XCTAssertThrowsError(try source.load(trainLimit: 8, testLimit: 8, solarize: [0, -1])) { error in
            XCTAssertTrue("\(error)".contains("solarize probabilities [0.0, -1.0]"), "\(error)")
        }
    }
}
