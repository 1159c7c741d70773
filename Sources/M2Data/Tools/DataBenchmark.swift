import Foundation

/// Throughput of the data pipeline, for `m2t bench`.
public enum DataBenchmark {
    /// Pairs of augmented views per second for 32×32 RGB images (the CIFAR two-view preset),
    /// with `workers` loader threads (all cores by default).
    /// - Parameters:
    ///   - seconds: how long to measure, after one warm-up batch.
    ///   - batchSize: samples per batch.
    ///   - workers: loader threads.
    /// - Returns: pairs per second; 0 if the pipeline could not be built.
    public static func twoViewThroughput(seconds: Double = 2, batchSize: Int = 256, workers: Int = Parallel.threads) -> Double {
        guard let store = try? syntheticStore(count: 4096, side: 32),
              let pipeline = try? TwoViewPipeline.cifar(),
              let loader = try? DataLoader(dataset: store, batchSize: batchSize, views: .pair(pipeline), seed: 1, workers: workers)
        else { return 0 }
        return (try? measure(loader, seconds: seconds).rate) ?? 0
    }

    /// Images per second for JPEG decoding plus both Momentum² views at 224×224, with
    /// `workers` loader threads, on `imageCount` JPEGs of `width × height` written to a
    /// temporary directory (removed afterwards).
    /// - Returns: images per second (each image yields two views).
    /// - Throws: ``DataError`` when the temporary files cannot be written or read.
    public static func jpegTwoViewThroughput(seconds: Double = 2, imageCount: Int = 64, width: Int = 500, height: Int = 375,
                                             batchSize: Int = 32, workers: Int = Parallel.threads) throws -> Double {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-jpeg-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let loader = try jpegLoader(in: dir, imageCount: imageCount, width: width, height: height, batchSize: batchSize, workers: workers)
        return try measure(loader, seconds: seconds).rate
    }

    /// Writes `imageCount` synthetic JPEGs of `width × height` under `dir/class0` and returns
    /// a loader of their two Momentum² views at 224×224, decoding as it goes.
    static func jpegLoader(in dir: URL, imageCount: Int, width: Int, height: Int, batchSize: Int, workers: Int) throws -> DataLoader {
        let classDir = dir.appendingPathComponent("class0")
        do { try FileManager.default.createDirectory(at: classDir, withIntermediateDirectories: true) } catch {
            throw DataError.writeFailed(path: classDir.path, reason: error.localizedDescription)
        }
        for i in 0..<max(imageCount, 1) {
            let im = syntheticImage(width: width, height: height, seed: UInt64(i))
            try JPEGCodec.write(im, to: classDir.appendingPathComponent(String(format: "%05d.jpg", i)), quality: 90)
        }
        let folder = try ImageFolder(root: dir, options: .init(preload: false))
        return try DataLoader(dataset: folder, batchSize: min(batchSize, folder.count), views: .pair(.momentum2(size: 224)),
                              seed: 1, workers: workers)
    }

    /// Samples per second served by `loader` over at least `seconds` after one warm-up batch,
    /// looping over epochs; with the samples counted and the seconds taken.
    static func measure(_ loader: DataLoader, seconds: Double) throws -> (rate: Double, samples: Int, seconds: Double) {
        guard loader.batchesPerEpoch > 0 else { return (0, 0, 0) }
        _ = try loader.next()  // warm-up: threads started, buffers pooled
        let start = DispatchTime.now().uptimeNanoseconds
        var samples = 0
        var elapsed = 0.0
        repeat {
            guard let b = try loader.next() else { continue }
            samples += b.labels.count
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        } while elapsed < seconds
        return (Double(samples) / elapsed, samples, elapsed)
    }

    /// Random-looking but smooth RGB images: seeded noise over gradients.
    static func syntheticImage(width: Int, height: Int, seed: UInt64) -> Image {
        let rng = RandomGenerator(seed: seed)
        var im = Image(uncheckedWidth: width, height: height, channels: 3)
        let phase = (rng.uniform(0, 6), rng.uniform(0, 6), rng.uniform(0, 6))
        for y in 0..<height {
            for x in 0..<width {
                let u = Float(x) / Float(width), v = Float(y) / Float(height)
                let base = (sin(7 * u + phase.0) + 1) * 60 + (cos(5 * v + phase.1) + 1) * 50
                for c in 0..<3 {
                    let noise = rng.uniform(-12, 12)
                    let value = base + Float(c) * 20 * sin(3 * (u + v) + phase.2) + noise
                    im[y, x, c] = UInt8(min(max(value, 0), 255))
                }
            }
        }
        return im
    }

    static func syntheticStore(count: Int, side: Int) throws -> ImageStore {
        let images = (0..<count).map { syntheticImage(width: side, height: side, seed: UInt64($0)) }
        return try ImageStore(images: images, labels: (0..<count).map { $0 % 10 }, classNames: CIFARReader.cifar10ClassNames)
    }
}
