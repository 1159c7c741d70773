import Foundation
import XCTest
@testable import M2Data

final class ResamplingTests: XCTestCase {
    func ramp(_ w: Int, _ h: Int) -> FloatImage {
        try! FloatImage(width: w, height: h, channels: 1, data: (0..<(w * h)).map { Float($0 % w) / Float(w) })
    }

    func testSameSizeBoxIsIdentity() {
        let im = ramp(7, 5)
        XCTAssertEqual(Resampling.resize(im, x: 0, y: 0, width: 7, height: 5, outWidth: 7, outHeight: 5).data, im.data)
    }

    func testUpsamplingIsBilinearWithHalfPixelCentres() {
        // 2 → 4: output centres map to input −0.25, 0.25, 0.75, 1.25 (clamped at the edges),
        // as PIL / align_corners=False: [a, 0.75a+0.25b, 0.25a+0.75b, b].
        let im = try! FloatImage(width: 2, height: 1, channels: 1, data: [0, 1])
        let out = Resampling.resize(im, x: 0, y: 0, width: 2, height: 1, outWidth: 4, outHeight: 1)
        assertClose(out.data, [0, 0.25, 0.75, 1])
    }

    func testDownsamplingAntialiasesLikePillow() {
        // 6 → 3, scale 2: the triangle widens to support 2. Output 1's centre is input 3.0;
        // inputs 1…4 (centres 1.5…4.5) weigh 0.25, 0.75, 0.75, 0.25 (÷ 2).
        let im = try! FloatImage(width: 6, height: 1, channels: 1, data: [0, 1, 2, 3, 4, 5])
        let out = Resampling.resize(im, x: 0, y: 0, width: 6, height: 1, outWidth: 3, outHeight: 1)
        let w: [Float] = [0.75, 0.75, 0.25]  // output 0: inputs 0, 1, 2 (input −1 is off the edge)
        let first = (0 * w[0] + 1 * w[1] + 2 * w[2]) / w.reduce(0, +)
        assertClose(out.data, [first, (1 * 0.25 + 2 * 0.75 + 3 * 0.75 + 4 * 0.25) / 2, 5 - first], atol: 1e-5)
    }

    func testCropBoxIsSampledInside() {
        let im = ramp(10, 10)
        let out = Resampling.resize(im, x: 4, y: 0, width: 2, height: 10, outWidth: 2, outHeight: 10)
        assertClose(Array(out.data[0..<2]), [0.4, 0.5])
    }
}

final class GeometryTransformTests: XCTestCase {
    func testRandomResizedCropStaysInsideAndFollowsScale() throws {
        let rrc = try RandomResizedCrop(size: 8, scale: (0.2, 1))
        let rng = RandomGenerator(seed: 3)
        for _ in 0..<500 {
            let b = rrc.cropBox(width: 28, height: 20, rng: rng)
            XCTAssertTrue(b.x >= 0 && b.y >= 0 && b.w > 0 && b.h > 0 && b.x + b.w <= 28 && b.y + b.h <= 20)
            XCTAssertGreaterThanOrEqual(Float(b.w * b.h), 0.2 * 560 * 0.8)
        }
        var im = FloatImage(width: 28, height: 20, channels: 3)
        rrc.apply(&im, rng: rng)
        XCTAssertEqual([im.width, im.height, im.channels], [8, 8, 3])
    }

    func testRandomResizedCropFallsBackToACentreCrop() throws {
        // No crop of area ≥ 0.99 with ratio 3–4 fits a square: the fallback crops to ratio 3.
        let rrc = try RandomResizedCrop(size: 4, scale: (0.99, 1), ratio: (3, 4))
        let b = rrc.cropBox(width: 30, height: 30, rng: RandomGenerator(seed: 1))
        XCTAssertEqual(b.w, 30)
        XCTAssertEqual(b.h, 10)
        XCTAssertEqual(b.y, 10)
    }

    func testInvalidParametersThrow() {
        XCTAssertThrowsError(try RandomResizedCrop(size: 0))
        XCTAssertThrowsError(try RandomResizedCrop(size: 8, scale: (0.5, 0.2)))
        XCTAssertThrowsError(try GaussianBlur(kernelSize: 4, probability: 1))
        XCTAssertThrowsError(try HorizontalFlip(probability: 1.5))
        XCTAssertThrowsError(try ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.7))
        XCTAssertThrowsError(try Normalize(mean: [0, 0], std: [1]))
        XCTAssertThrowsError(try Normalize(mean: [0], std: [0]))
    }

    func testFlipResizeAndCenterCrop() throws {
        var im = try FloatImage(width: 3, height: 2, channels: 1, data: [1, 2, 3, 4, 5, 6])
        try HorizontalFlip(probability: 1).apply(&im, rng: RandomGenerator(seed: 0))
        XCTAssertEqual(im.data, [3, 2, 1, 6, 5, 4])
        var wide = FloatImage(width: 40, height: 20, channels: 1)
        try Resize(shorterSide: 10).apply(&wide, rng: RandomGenerator(seed: 0))
        XCTAssertEqual([wide.width, wide.height], [20, 10])
        var square = try FloatImage(width: 4, height: 4, channels: 1, data: (0..<16).map(Float.init))
        try CenterCrop(size: 2).apply(&square, rng: RandomGenerator(seed: 0))
        XCTAssertEqual(square.data, [5, 6, 9, 10])
    }
}

final class ColorTransformTests: XCTestCase {
    func rgb(_ r: Float, _ g: Float, _ b: Float) -> FloatImage {
        try! FloatImage(width: 1, height: 1, channels: 3, data: [r, g, b])
    }

    func testGrayscaleUsesLumaWeights() throws {
        var im = rgb(1, 0, 0)
        try RandomGrayscale(probability: 1).apply(&im, rng: RandomGenerator(seed: 0))
        assertClose(im.data, [0.299, 0.299, 0.299])
    }

    func testHueShiftRotatesPrimaries() {
        var im = rgb(1, 0, 0)
        ColorOps.shiftHue(&im, by: 1.0 / 3)  // red → green
        assertClose(im.data, [0, 1, 0], atol: 1e-5)
        var mixed = rgb(0.2, 0.5, 0.9)
        ColorOps.shiftHue(&mixed, by: 0)
        assertClose(mixed.data, [0.2, 0.5, 0.9], atol: 1e-5)
    }

    func testJitterLeavesGrayImagesGrayAndIsSeeded() throws {
        let jitter = try ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, probability: 1)
        let gray = try FloatImage(width: 4, height: 4, channels: 1, data: (0..<16).map { Float($0) / 16 })
        let a = jitter(gray, rng: RandomGenerator(seed: 5)), b = jitter(gray, rng: RandomGenerator(seed: 5))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, gray)
        XCTAssertTrue(a.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        let noHue = try ColorJitter(brightness: 0, contrast: 0, saturation: 0, hue: 0.1, probability: 1)
        XCTAssertEqual(noHue(gray, rng: RandomGenerator(seed: 1)), gray)  // hue skipped for 1 channel
    }

    func testContrastBlendsTowardTheMean() {
        var im = try! FloatImage(width: 2, height: 1, channels: 1, data: [0.2, 0.6])
        ColorOps.blend(&im, factor: 0.5, with: ColorOps.meanGray(im))
        assertClose(im.data, [0.3, 0.5])
    }

    func testSolarizeAndNormalize() throws {
        var im = try FloatImage(width: 3, height: 1, channels: 1, data: [0.2, 0.5, 0.9])
        try Solarize(threshold: 0.5, probability: 1).apply(&im, rng: RandomGenerator(seed: 0))
        assertClose(im.data, [0.2, 0.5, 0.1])
        try Normalize(mean: [0.5], std: [0.25]).apply(&im, rng: RandomGenerator(seed: 0))
        assertClose(im.data, [-1.2, 0, -1.6])
    }

    func testBlurKernelAndConstantImages() throws {
        XCTAssertEqual(GaussianBlur.kernelSize(forSide: 224), 23)
        XCTAssertEqual(GaussianBlur.kernelSize(forSide: 32), 3)
        XCTAssertEqual(GaussianBlur.kernelSize(forSide: 28), 3)
        let blur = try GaussianBlur(kernelSize: 3, sigma: (1, 1), probability: 1)
        let k = blur.kernel(sigma: 1)
        let e = Float(exp(-0.5))
        assertClose(k, [e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)])
        var flat = try FloatImage(width: 5, height: 4, channels: 3, data: [Float](repeating: 0.3, count: 60))
        blur.apply(&flat, rng: RandomGenerator(seed: 0))
        assertClose(flat.data, [Float](repeating: 0.3, count: 60))
        // An impulse spreads to its neighbours with the kernel's weights (reflect padding).
        var dot = FloatImage(width: 5, height: 5, channels: 1)
        dot[0, 2, 2] = 1
        blur.apply(&dot, rng: RandomGenerator(seed: 0))
        XCTAssertEqual(dot[0, 2, 2], k[1] * k[1], accuracy: 1e-6)
        XCTAssertEqual(dot[0, 2, 3], k[1] * k[2], accuracy: 1e-6)
        XCTAssertEqual(reflect(-1, 5), 1)
        XCTAssertEqual(reflect(5, 5), 3)
        XCTAssertEqual(reflect(-7, 3), 1)
    }
}
