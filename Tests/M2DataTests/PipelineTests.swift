import XCTest
@testable import M2Data

final class PipelineTests: XCTestCase {
    func testMomentum2PresetMatchesTheSpec() throws {
        let p = try TwoViewPipeline.momentum2()
        XCTAssertEqual(p.size, 224)
        let v1 = p.view1.description, v2 = p.view2.description
        XCTAssertTrue(v1.contains("RandomResizedCrop(224, scale: 0.08–1.0"))
        XCTAssertTrue(v1.contains("ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, p: 0.8)"))
        XCTAssertTrue(v1.contains("RandomGrayscale(p: 0.2)"))
        XCTAssertTrue(v1.contains("HorizontalFlip(p: 0.5)"))
        XCTAssertTrue(v1.contains("GaussianBlur(k: 23, sigma: 0.1–2.0, p: 1.0)"))
        XCTAssertFalse(v1.contains("Solarize"))
        XCTAssertTrue(v2.contains("GaussianBlur(k: 23, sigma: 0.1–2.0, p: 0.1)"))
        XCTAssertTrue(v2.contains("Solarize(threshold: 0.5, p: 0.2)"))
    }

    func testSmallGrayPresetSkipsSaturationAndHue() throws {
        let p = try TwoViewPipeline.fashionMNIST()
        XCTAssertEqual([p.size, p.channels], [28, 1])
        let d = p.view1.description
        XCTAssertTrue(d.contains("scale: 0.2–1.0"))
        XCTAssertTrue(d.contains("saturation: 0.0, hue: 0.0"))
        XCTAssertFalse(d.contains("Grayscale"))
        XCTAssertTrue(d.contains("GaussianBlur(k: 3"))
    }

    func testBlurAndSolarizeOfProbabilityZeroAreLeftOut() throws {
        let p = try TwoViewPipeline.smallImage(size: 20, channels: 1, normalize: Normalize(mean: [0.5], std: [0.5]),
                                               blur: (0, 0.3), solarize: (0, 0))
        XCTAssertFalse(p.view1.description.contains("GaussianBlur"), p.view1.description)
        XCTAssertTrue(p.view2.description.contains("GaussianBlur(k: 3, sigma: 0.1–2.0, p: 0.3)"), p.view2.description)
        XCTAssertFalse(p.view1.description.contains("Solarize") || p.view2.description.contains("Solarize"), p.view2.description)
        XCTAssertThrowsError(try TwoViewPipeline.smallImage(size: 20, channels: 1, normalize: Normalize(mean: [0.5], std: [0.5]),
                                                            blur: (-0.5, 0)), "a negative probability is an error, not a transform left out")
    }

    func testViewsAreSeededAndDiffer() throws {
        let p = try TwoViewPipeline.cifar()
        let im = syntheticImage(width: 32, height: 32, channels: 3, seed: 1)
        let a = p.augment(im, rng1: RandomGenerator(seed: 1), rng2: RandomGenerator(seed: 2))
        let b = p.augment(im, rng1: RandomGenerator(seed: 1), rng2: RandomGenerator(seed: 2))
        XCTAssertEqual(a.0, b.0)
        XCTAssertEqual(a.1, b.1)
        XCTAssertNotEqual(a.0, a.1)
        XCTAssertEqual([a.0.width, a.0.height, a.0.channels], [32, 32, 3])
    }

    func testChannelConversionAndEvaluationView() throws {
        let eval = try ViewPipeline.evaluation(size: 20, channels: 3, normalize: .identity)
        let gray = syntheticImage(width: 30, height: 24, channels: 1)
        let v = eval.augment(gray, rng: RandomGenerator(seed: 0))
        XCTAssertEqual([v.width, v.height, v.channels], [20, 20, 3])
        XCTAssertEqual(Array(v.data[0..<400]), Array(v.data[400..<800]))
        XCTAssertEqual(try ViewPipeline.evaluation(size: 224, channels: 3, normalize: .imageNet).transforms.first?.description, "Resize(256)")
    }

    func testPipelineWithoutCropIsAnErrorNotACrash() throws {
        let p = try ViewPipeline(transforms: [], normalize: .identity, size: 8, channels: 1)
        let store = try ImageStore(images: [syntheticImage(width: 10, height: 10, channels: 1)], labels: [0], classNames: ["a"])
        let loader = try DataLoader(dataset: store, batchSize: 1, views: .single(p), seed: 0, workers: 0)
        assertDataError("end the pipeline with a crop") { _ = try loader.next() }
    }
}
