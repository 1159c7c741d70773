import Foundation

/// Writes a PNG grid showing, for `count` samples, the original image next to its two
/// augmented views (before normalization): one row per sample, columns original · view 1 ·
/// view 2.
///
/// Samples are the first `count` of epoch 0's seeded order, and each view is drawn from the
/// same generator a ``DataLoader`` with this seed uses in epoch 0 — the grid shows exactly
/// what training sees.
/// - Parameters:
///   - dataset: the images.
///   - pipeline: the two view pipelines; ``TwoViewPipeline/momentum2(size:channels:normalize:cropScale:)``
///     and friends.
///   - count: rows, at least 1 (capped at the dataset size).
///   - seed: the loader seed to preview.
///   - scale: pixel magnification (nearest neighbour); `nil` picks one so cells are ≥ 96 px.
///   - url: the PNG file to write (replaced atomically).
/// - Throws: ``DataError`` when an image cannot be read or the file cannot be written.
public func writeViewsGrid(dataset: any ImageDataset, pipeline: TwoViewPipeline, count: Int = 8, seed: UInt64 = 0,
                           scale: Int? = nil, to url: URL) throws {
    guard count > 0, dataset.count > 0 else {
        throw DataError.invalidArgument(op: "writeViewsGrid", reason: "need a positive count and a non-empty dataset")
    }
    let size = pipeline.size
    let zoom = max(1, min(scale ?? max(1, 96 / size), 16))
    let cell = size * zoom, gap = 4
    let rows = min(count, dataset.count)
    let width = 3 * cell + 4 * gap, height = rows * cell + (rows + 1) * gap
    var grid = Image(uncheckedWidth: width, height: height, channels: 3, fill: 255)
    let order = SampleSeed.order(count: dataset.count, seed: seed, epoch: 0, shuffle: true)
    let original = try ViewPipeline.evaluation(size: size, resize: size, channels: pipeline.channels, normalize: .identity)
    for r in 0..<rows {
        let index = order[r]
        let image = try dataset.image(at: index)
        let (v1, v2) = pipeline.augment(image, rng1: SampleSeed.generator(seed: seed, epoch: 0, index: index, view: 0),
                                        rng2: SampleSeed.generator(seed: seed, epoch: 0, index: index, view: 1))
        let plain = original.augment(image, rng: RandomGenerator(seed: 0))
        for (column, view) in [plain, v1, v2].enumerated() {
            let tile = view.toImage().rgb()
            let x0 = gap + column * (cell + gap), y0 = gap + r * (cell + gap)
            for y in 0..<cell {
                for x in 0..<cell {
                    let sy = min(y / zoom, tile.height - 1), sx = min(x / zoom, tile.width - 1)
                    for c in 0..<3 { grid[y0 + y, x0 + x, c] = tile[sy, sx, c] }
                }
            }
        }
    }
    try PNGCodec.write(grid, to: url)
}
