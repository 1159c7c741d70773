import XCTest
@testable import Momentum2

/// `Features.extract` with batches in flight on two lanes: the features and labels of every
/// image once, in dataset order, with the bits of one lane.
final class FeaturesTests: XCTestCase {
    /// 45 images (five batches of 8 and a last one of 5), image i filled with the value 5·i.
    func dataset() throws -> ImageStore {
        let n = 45
        let pixels = (0..<n).flatMap { i in [UInt8](repeating: UInt8(5 * i), count: 144) }
        return try ImageStore(width: 12, height: 12, channels: 1, pixels: pixels, labels: (0..<n).map { $0 % 3 }, classNames: ["a", "b", "c"])
    }

    func extract(_ module: Module, lanes: Int, _ data: ImageStore) throws -> (Tensor, [Int]) {
        let saved = Features.lanes
        defer { Features.lanes = saved }
        Features.lanes = lanes
        let pipeline = try ViewPipeline.evaluation(size: 12, channels: 1, normalize: Normalize(mean: [0.5], std: [0.25]))
        return try Features.extract(module, dataset: data, pipeline: pipeline, batch: 8)
    }

    func testEveryImageOnceInOrder() throws {
        let data = try dataset()
        let (flat, labels) = try extract(Flatten(), lanes: 2, data)
        XCTAssertEqual(flat.shape, [45, 144])
        XCTAssertEqual(labels, (0..<45).map { $0 % 3 })
        // Row i is image i: constant, and rising with i.
        let firsts = (0..<45).map { flat.scalars[$0 * 144] }
        XCTAssertEqual(firsts, firsts.sorted())
        XCTAssertEqual(Set(firsts).count, 45)
    }

    func testTwoLanesGiveTheBitsOfOne() throws {
        let data = try dataset()
        let net = try ResNet(.init(depth: 18, width: 4, inChannels: 1, stem: .small, seed: 3))
        let (one, labelsOne) = try extract(net, lanes: 1, data)
        let (two, labelsTwo) = try extract(net, lanes: 2, data)
        XCTAssertEqual(one.shape, [45, net.featureDimension])
        XCTAssertEqual(one.scalars, two.scalars)
        XCTAssertEqual(labelsOne, labelsTwo)
    }

    /// A forward that fails ends both lanes with its error (the other lane stops asking for
    /// batches rather than running the rest of the dataset).
    func testAFailingForwardEndsBothLanes() throws {
        let threeChannels = try ResNet(.init(depth: 18, width: 4, inChannels: 3, stem: .small, seed: 3))
        XCTAssertThrowsError(try extract(threeChannels, lanes: 2, dataset())) { error in
            XCTAssertTrue("\(error)".contains("channel"), "\(error)")
        }
    }

    func testRefusesAnEmptyDataset() throws {
        let empty = try ImageStore(width: 12, height: 12, channels: 1, pixels: [], labels: [], classNames: ["a"])
        XCTAssertThrowsError(try extract(Flatten(), lanes: 2, empty))
    }
}
