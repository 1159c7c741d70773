import Foundation
import XCTest
@testable import M2Data

final class DataLoaderTests: XCTestCase {
    func store(count: Int = 40) throws -> ImageStore {
        let images = (0..<count).map { syntheticImage(width: 32, height: 32, channels: 3, seed: $0) }
        return try ImageStore(images: images, labels: (0..<count).map { $0 % 10 }, classNames: CIFARReader.cifar10ClassNames)
    }

    func bytes(_ batches: [Batch]) -> [[TensorScalar]] { batches.flatMap { $0.views.map(\.scalars) } }

    func testShapesLabelsAndDropLast() throws {
        let ds = try store(count: 23)
        let loader = try DataLoader(dataset: ds, batchSize: 5, views: .pair(.cifar()), seed: 7, workers: 2)
        XCTAssertEqual(loader.batchesPerEpoch, 4)
        let epoch = try loader.epoch()
        XCTAssertEqual(epoch.count, 4)
        XCTAssertEqual(epoch[0].views.map(\.shape), [[5, 3, 32, 32], [5, 3, 32, 32]])
        XCTAssertEqual(epoch[0].labels, epoch[0].indices.map { $0 % 10 })
        XCTAssertEqual(Set(epoch.flatMap(\.indices)).count, 20)
        XCTAssertEqual(loader.state.epoch, 1)
        let keep = try DataLoader(dataset: ds, batchSize: 5, views: .pair(.cifar()), dropLast: false, seed: 7, workers: 1)
        let all = try keep.epoch()
        XCTAssertEqual(all.map(\.labels.count), [5, 5, 5, 5, 3])
        XCTAssertEqual(Set(all.flatMap(\.indices)), Set(0..<23))
    }

    func testSameSeedIsByteIdenticalForAnyThreadCount() throws {
        let ds = try store()
        var runs = [[[TensorScalar]]]()
        for workers in [0, 1, 2, 3] {
            let loader = try DataLoader(dataset: ds, batchSize: 8, views: .pair(.cifar()), seed: 42, workers: workers, prefetch: 2)
            runs.append(bytes(try loader.epoch() + loader.epoch()))
        }
        for r in runs.dropFirst() { XCTAssertEqual(r, runs[0]) }
        let other = try DataLoader(dataset: ds, batchSize: 8, views: .pair(.cifar()), seed: 43, workers: 2)
        XCTAssertNotEqual(bytes(try other.epoch()), Array(runs[0].prefix(10)))
    }

    func testEpochsReshuffleAndTwoViewsDiffer() throws {
        let loader = try DataLoader(dataset: try store(), batchSize: 40, views: .pair(.cifar()), seed: 1, workers: 1)
        let e0 = try XCTUnwrap(loader.next())
        XCTAssertNil(try loader.next())
        let e1 = try XCTUnwrap(loader.next())
        XCTAssertNotEqual(e0.indices, e1.indices)
        XCTAssertNotEqual(e0.views[0].scalars, e0.views[1].scalars)
        let plain = try DataLoader(dataset: try store(), batchSize: 10, views: .pair(.cifar()), shuffle: false, seed: 1, workers: 0)
        XCTAssertEqual(try plain.next()?.indices, Array(0..<10))
    }

    func testResumeMidEpochContinuesIdentically() throws {
        let ds = try store()
        let reference = try DataLoader(dataset: ds, batchSize: 6, views: .pair(.cifar()), seed: 9, workers: 2)
        let full = try reference.epoch() + reference.epoch()
        let first = try DataLoader(dataset: ds, batchSize: 6, views: .pair(.cifar()), seed: 9, workers: 2)
        let head = [try XCTUnwrap(first.next()), try XCTUnwrap(first.next())]
        let saved = try JSONDecoder().decode(LoaderState.self, from: JSONEncoder().encode(first.state))
        XCTAssertEqual(saved, LoaderState(seed: 9, epoch: 0, position: 2, batchSize: 6, datasetCount: 40))
        let resumed = try DataLoader(dataset: ds, batchSize: 6, views: .pair(.cifar()), seed: 0, workers: 1)
        try resumed.restore(saved)
        let tail = try resumed.epoch() + resumed.epoch()
        XCTAssertEqual(bytes(head + tail), bytes(full))
        XCTAssertThrowsError(try DataLoader(dataset: ds, batchSize: 5, views: .pair(.cifar()), seed: 9).restore(saved))
    }

    func testSingleViewNormalizesAndNextPairRefuses() throws {
        let ds = try store(count: 4)
        let eval = try ViewPipeline.evaluation(size: 32, channels: 3, normalize: Normalize(mean: [0.5], std: [0.5]))
        let loader = try DataLoader(dataset: ds, batchSize: 4, views: .single(eval), shuffle: false, seed: 0, workers: 0)
        assertDataError("use views: .pair") { _ = try loader.nextPair() }
        let b = try XCTUnwrap(loader.next())
        let im = try ds.image(at: 0)
        XCTAssertEqual(try b.x.value(at: [0, 1, 2, 3]), TensorScalar(Float(im[2, 3, 1]) / 255 * 2 - 1), accuracy: 1e-5)
    }

    func testUnreadableImageSurfacesAsAnError() throws {
        let root = try makeTempDirectory(self)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        for i in 0..<4 { try PNGCodec.write(syntheticImage(width: 8, height: 8, channels: 3, seed: i), to: root.appendingPathComponent("a/\(i).png")) }
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: root.appendingPathComponent("a/9.png"))
        let folder = try ImageFolder(root: root, options: .init(preload: false))
        let p = try TwoViewPipeline.smallImage(size: 8, channels: 3, normalize: .imageNet)
        let loader = try DataLoader(dataset: folder, batchSize: 5, views: .pair(p), seed: 0, workers: 2)
        assertDataError("9.png") { _ = try loader.epoch() }
    }
}

/// The ranks of a data-parallel run each get a slice of every batch; together, the batch
/// one process gets, with the same views.
final class DataLoaderShardTests: XCTestCase {
    func testShardsMakeUpTheBatch() throws {
        let ds = try DataBenchmark.syntheticStore(count: 40, side: 8)
        let whole = try DataLoader(dataset: ds, batchSize: 8, views: .pair(.cifar()), seed: 5, workers: 1)
        let parts = try (0..<2).map { try DataLoader(dataset: ds, batchSize: 8, views: .pair(.cifar()), seed: 5, workers: 1, shard: ($0, 2)) }
        for _ in 0..<3 {
            let (a1, a2, labels) = try XCTUnwrap(try whole.nextPair())
            let p = try parts.map { try XCTUnwrap(try $0.nextPair()) }
            XCTAssertEqual(p[0].x1.shape, [4, 3, 32, 32])
            XCTAssertEqual(p[0].labels + p[1].labels, labels)
            XCTAssertEqual(p[0].x1.scalars + p[1].x1.scalars, a1.scalars)
            XCTAssertEqual(p[0].x2.scalars + p[1].x2.scalars, a2.scalars)
        }
        XCTAssertEqual(parts[0].state, whole.state, "the position is global: a run resumes with another number of ranks")
        XCTAssertThrowsError(try DataLoader(dataset: ds, batchSize: 9, views: .pair(.cifar()), seed: 5, shard: (0, 2))) {
            XCTAssertTrue("\($0)".contains("does not split into 2"), "\($0)")
        }
    }
}
