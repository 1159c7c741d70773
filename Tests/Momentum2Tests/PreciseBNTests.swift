import Foundation
import XCTest
import Momentum2

/// Precise BN: running statistics become the average of batch statistics over a dataset;
/// weights, modes and the training flag are left as they were.
final class PreciseBNTests: XCTestCase {
    func dataset() throws -> ImageStore {
        let g = RandomGenerator(seed: 5)
        let pixels = (0..<(40 * 144)).map { _ in UInt8(g.nextInt(256)) }
        return try ImageStore(width: 12, height: 12, channels: 1, pixels: pixels, labels: (0..<40).map { $0 % 2 }, classNames: ["a", "b"])
    }

    func testStatisticsAreTheAverageOfBatchStatistics() throws {
        let data = try dataset()
        let pipeline = try ViewPipeline.evaluation(size: 12, channels: 1, normalize: Normalize(mean: [0.5], std: [0.25]))
        let net = try ResNet(.init(depth: 18, width: 4, inChannels: 1, stem: .small, seed: 3))
        let bn1 = try XCTUnwrap(net.submodule("bn1") as? BatchNorm)
        let conv1 = try XCTUnwrap(net.submodule("conv1") as? Conv2d)
        bn1.useMomentumStatistics(totalIterations: 10)
        net.eval()
        let weightsBefore = conv1.weight.scalars

        // By hand: the mean of conv1's output over the 40 images (two equal batches, so the
        // average of the batch means is the mean whatever the order).
        let (flat, _) = try Features.extract(Flatten(), dataset: data, pipeline: pipeline)
        let x = try flat.reshape([40, 1, 12, 12])
        var means = [TensorScalar](repeating: 0, count: 4)
        for (start, n) in [(0, 20), (20, 20)] {
            let y = try withNoGrad { try conv1(x.indexSelect(axis: 0, indices: Array(start..<(start + n)))) }
            let m = try y.mean(axes: [0, 2, 3]).scalars
            for c in 0..<4 { means[c] += m[c] / 2 }
        }

        let batches = try PreciseBN.recompute(net, dataset: data, pipeline: pipeline, images: 40, batch: 20)
        XCTAssertEqual(batches, 2)
        let ordered = try XCTUnwrap(net.namedModules().compactMap { $0.1 as? BatchNorm }.first)
        XCTAssertTrue(ordered === bn1)
        for (a, b) in zip(bn1.runningMean.scalars, means) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(b))) }
        XCTAssertEqual(conv1.weight.scalars, weightsBefore)
        XCTAssertEqual(bn1.mode, .momentum)
        XCTAssertFalse(net.isTraining)

        // The batch statistics do not depend on the running ones: doing it again changes nothing.
        let once = net.stateDict().map { $0.1.scalars }
        try PreciseBN.recompute(net, dataset: data, pipeline: pipeline, images: 40, batch: 20)
        XCTAssertEqual(net.stateDict().map { $0.1.scalars }, once)
        XCTAssertThrowsError(try PreciseBN.recompute(net, dataset: data, pipeline: pipeline, images: 0))
    }
}
