import Foundation

extension Winograd {
    /// Whether images smaller than a few tiles share their tiles in a mosaic
    /// (``Tiling/mosaicColumns``; `M2T_WINOGRAD_MOSAIC=0` turns it off).
    nonisolated(unsafe) static var mosaicEnabled: Bool = ProcessInfo.processInfo.environment["M2T_WINOGRAD_MOSAIC"] != "0"

    /// How a batch is cut into tiles and chunks.
    ///
    /// Each image normally has tiles of its own: `⌈H/4⌉ × ⌈W/4⌉`, the last row and column cut
    /// short when a side is not a multiple of 4. On small images most of a tile is then wasted:
    /// a 5×5 image takes 2 × 2 tiles, 64 outputs for 25. So when it saves at least a tenth of
    /// the tiles, a chunk's images are laid out side by side in a mosaic instead, one zero row
    /// and column between neighbours (the padding both sides need), and the mosaic is tiled as
    /// one image: 32 images of 5×5 take 72 tiles instead of 128, of 10×10 240 instead of 288.
    /// Outputs that fall on a separator are computed and dropped. Which layout a geometry gets
    /// depends on the geometry alone, never on the thread count.
    struct Tiling {
        let batch: Int, height: Int, width: Int
        /// Tiles down and across one image on its own.
        let tilesY: Int, tilesX: Int
        /// Images per chunk: about `tiles` tiles of their own (the geometry alone decides).
        let imagesPerChunk: Int
        /// Images side by side in each row of a chunk's mosaic; 0 when each image has its own tiles.
        let mosaicColumns: Int
        /// Tiles down and across a chunk's mosaic (0 without one).
        let mosaicTilesY: Int, mosaicTilesX: Int
        /// The GEMM columns of a full chunk: its tiles rounded up to whole SIMD groups.
        let columns: Int
        var perImage: Int { tilesY * tilesX }
        var isMosaic: Bool { mosaicColumns > 0 }

        init(_ g: ConvGeometry, tiles: Int = Winograd.chunkTiles) {
            (batch, height, width) = (g.batch, g.height, g.width)
            (tilesY, tilesX) = ((g.height + 3) / 4, (g.width + 3) / 4)
            imagesPerChunk = Swift.max(1, Swift.min(g.batch, tiles / (tilesY * tilesX)))
            let mosaic = Self.mosaic(images: imagesPerChunk, height: height, width: width)
            if Winograd.mosaicEnabled && mosaic.tilesY * mosaic.tilesX * 10 <= imagesPerChunk * tilesY * tilesX * 9 {
                (mosaicColumns, mosaicTilesY, mosaicTilesX) = mosaic
            } else {
                (mosaicColumns, mosaicTilesY, mosaicTilesX) = (0, 0, 0)
            }
            columns = ((mosaicColumns > 0 ? mosaicTilesY * mosaicTilesX : imagesPerChunk * tilesY * tilesX) + 7) / 8 * 8
        }

        /// The mosaic of `n` images of `height × width` with the fewest tiles: images per row,
        /// tiles down and across (the first of equals, so the fewest images per row).
        static func mosaic(images n: Int, height: Int, width: Int) -> (columns: Int, tilesY: Int, tilesX: Int) {
            var best = (columns: 1, tilesY: Int.max / 2, tilesX: 1)
            for c in 1...Swift.max(1, n) {
                let rows = (n + c - 1) / c
                let (y, x) = ((rows * (height + 1) - 1 + 3) / 4, (c * (width + 1) - 1 + 3) / 4)
                if y * x < best.tilesY * best.tilesX { best = (c, y, x) }
            }
            return best
        }

        /// `(first image, images)` of each chunk, in order.
        var chunks: [(Int, Int)] {
            stride(from: 0, to: batch, by: imagesPerChunk).map { ($0, Swift.min(imagesPerChunk, batch - $0)) }
        }

        /// Tiles of a chunk of `n` images (a mosaic always has all of its tiles).
        func tiles(_ n: Int) -> Int { isMosaic ? mosaicTilesY * mosaicTilesX : n * perImage }

        /// SIMD groups of eight tiles in a chunk of `n` images.
        func groups(_ n: Int) -> Int { (tiles(n) + 7) / 8 }

        /// The pixel that output `(a, b)` of tile `i` of a chunk of `n` images computes:
        /// image, row and column, or nil when it falls outside every image.
        func pixel(tile i: Int, _ a: Int, _ b: Int, images n: Int) -> (image: Int, y: Int, x: Int)? {
            if isMosaic {
                let (r, y) = (4 * (i / mosaicTilesX) + a).quotientAndRemainder(dividingBy: height + 1)
                let (c, x) = (4 * (i % mosaicTilesX) + b).quotientAndRemainder(dividingBy: width + 1)
                let image = r * mosaicColumns + c
                guard y < height, x < width, c < mosaicColumns, image < n else { return nil }
                return (image, y, x)
            }
            guard i < n * perImage else { return nil }
            let (image, r) = i.quotientAndRemainder(dividingBy: perImage)
            let (y, x) = (4 * (r / tilesX) + a, 4 * (r % tilesX) + b)
            guard y < height, x < width else { return nil }
            return (image, y, x)
        }

        /// Where a chunk's output tiles go (``outputs(images:channels:)``).
        struct Outputs {
            /// Per GEMM column whose tile lies wholly inside one image, where the tile's output
            /// `(0, 0)` lies in channel 0 of the chunk (0 for the other columns).
            var starts: [Int]
            /// Per SIMD group, a bit for each of its tiles that lies wholly inside one image
            /// (all eight set: the group is written by whole tiles only).
            var wholeTiles: [UInt8]
            /// Per tile and output `4a + b`, where that output lies in channel 0 of the chunk, or −1.
            var targets: [Int]

            func withPointers<R>(_ body: (UnsafePointer<Int>, UnsafePointer<Int>) throws -> R) rethrows -> R {
                try starts.withUnsafeBufferPointer { s in try targets.withUnsafeBufferPointer { t in try body(s.baseAddress!, t.baseAddress!) } }
            }
        }

        /// Where the outputs of a chunk of `n` images with `channels` channels go, relative to
        /// channel 0 of the chunk's first image.
        func outputs(images n: Int, channels: Int) -> Outputs {
            let tiles = tiles(n), groups = groups(n), image = channels * height * width
            func offset(_ p: (image: Int, y: Int, x: Int)) -> Int { p.image * image + p.y * width + p.x }
            var targets = [Int](repeating: -1, count: 16 * tiles)
            var starts = [Int](repeating: 0, count: 8 * groups), wholeTiles = [UInt8](repeating: 0, count: groups)
            for i in 0..<tiles {
                for q in 0..<16 { if let p = pixel(tile: i, q / 4, q % 4, images: n) { targets[16 * i + q] = offset(p) } }
                let first = pixel(tile: i, 0, 0, images: n), last = pixel(tile: i, 3, 3, images: n)
                if let first, let last, first.image == last.image, last.y == first.y + 3, last.x == first.x + 3 {
                    starts[i] = offset(first)
                    wholeTiles[i / 8] |= 1 << (i % 8)
                }
            }
            return Outputs(starts: starts, wholeTiles: wholeTiles, targets: targets)
        }
    }

    /// One channel of a chunk's images copied into zero-bordered planes, so that every tile
    /// reads a whole window: with `halo` 1 the 6×6 input window of a 4×4 tile (starting a row
    /// and a column before it), with `halo` 0 the 4×4 output-gradient tile itself. A window of
    /// zeros after the last plane serves the tiles that only fill up a SIMD group. A mosaic
    /// (``Tiling/isMosaic``) is one plane.
    struct Planes {
        let height: Int, width: Int, halo: Int, images: Int
        var plane: Int { height * width }
        var zeros: Int { images * plane }
        /// Room for the zero window and for ``WinogradTransforms/gatherPairs(_:_:rows:cols:rowStride:_:)``'s
        /// reads past the last window.
        var count: Int { zeros + 6 * width + 8 }

        init(_ t: Tiling, halo: Int) {
            if t.isMosaic {
                (height, width, self.halo, images) = (4 * t.mosaicTilesY + 2 * halo, 4 * t.mosaicTilesX + 2 * halo, halo, 1)
            } else {
                (height, width, self.halo, images) = (4 * t.tilesY + 2 * halo, 4 * t.tilesX + 2 * halo, halo, t.imagesPerChunk)
            }
        }

        /// Where tile `i` of a chunk of `n` images starts, for each of the chunk's GEMM columns.
        func offsets(_ t: Tiling, images n: Int) -> [Int] {
            (0..<t.groups(n) * 8).map { i in
                guard i < t.tiles(n) else { return zeros }
                if t.isMosaic { return 4 * (i / t.mosaicTilesX) * width + 4 * (i % t.mosaicTilesX) }
                let (img, r) = i.quotientAndRemainder(dividingBy: t.perImage)
                return img * plane + 4 * (r / t.tilesX) * width + 4 * (r % t.tilesX)
            }
        }

        /// Where the interior of image `img` of a chunk starts.
        func origin(_ t: Tiling, image img: Int) -> Int {
            guard t.isMosaic else { return img * plane + halo * width + halo }
            let (r, c) = img.quotientAndRemainder(dividingBy: t.mosaicColumns)
            return (halo + r * (t.height + 1)) * width + halo + c * (t.width + 1)
        }

        /// Copies channel planes `src`, `src + imageStride`, … of `n` images into the interiors;
        /// in a mosaic, clears the places of the chunk's missing images (a short last chunk), which
        /// an earlier chunk may have filled.
        func fill(_ dst: UnsafeMutablePointer<TensorScalar>, from src: UnsafePointer<TensorScalar>, imageStride: Int, images n: Int, _ t: Tiling) {
            for img in 0..<n {
                let s = src + img * imageStride, d = dst + origin(t, image: img)
                for r in 0..<t.height { Kernels.copyRow(d + r * width, from: s + r * t.width, count: t.width) }
            }
            guard t.isMosaic else { return }
            for img in n..<t.imagesPerChunk {
                let d = dst + origin(t, image: img)
                for r in 0..<t.height { (d + r * width).update(repeating: 0, count: t.width) }
            }
        }
    }
}
