import XCTest
@testable import M2Tensor

/// Winograd F(4×4, 3×3) against im2col + GEMM: forward with bias, input and weight gradients,
/// on sizes that are and are not multiples of the 4×4 tile, channel counts that are not
/// multiples of the SIMD width, chunks of several images and a last chunk cut short.
final class WinogradTests: XCTestCase {
    override func tearDown() {
        Winograd.enabled = true
        Winograd.chunkTiles = 512
        Winograd.smallProductWork = 1 << 21
        Winograd.mosaicEnabled = true
    }

    /// The transforms scale values by up to 8² and 1/6², so Float32 results differ from the
    /// direct sum by more than a GEMM's reordering does: measured 2e-6 to 6e-6 of the result's
    /// largest value on these cases. The tolerance is 2e-5 of that scale; in Float64 1e-11.
    func assertMatches(_ a: [TensorScalar], _ b: [TensorScalar], _ message: String) {
        let scale = b.map { Swift.abs($0) }.max() ?? 1
        #if M2T_FLOAT64
        let tol: TensorScalar = 1e-11
        #else
        let tol: TensorScalar = 2e-5
        #endif
        assertClose(a, b, rtol: 0, atol: tol * scale, message)
    }

    /// Both ways of running the 36 products: in place (few columns) and BLAS.
    func testMatchesIm2colGEMM() throws {
        let cases: [(input: [Int], out: Int, tiles: Int)] = [
            ([3, 64, 8, 8], 64, 512), ([2, 64, 7, 7], 72, 512), ([5, 67, 4, 4], 64, 3), ([4, 64, 13, 10], 65, 20), ([1, 128, 5, 6], 64, 512),
            // Mosaics: one chunk; chunks of two with a short last one; two images a row.
            ([32, 32, 5, 5], 40, 512), ([7, 33, 5, 5], 32, 8), ([6, 48, 10, 10], 32, 512),
        ]
        for work in [1 << 30, 0] {
            Winograd.smallProductWork = work
            try matchesIm2colGEMM(cases)
        }
    }

    func matchesIm2colGEMM(_ cases: [(input: [Int], out: Int, tiles: Int)]) throws {
        for (shape, out, tiles) in cases {
            Winograd.chunkTiles = tiles
            let gen = RandomGenerator(seed: UInt64(shape.reduce(0, +) + out))
            let x = try Tensor.randn(shape, generator: gen, requiresGrad: true)
            let w = try Tensor.randn([out, shape[1], 3, 3], std: 0.05, generator: gen, requiresGrad: true)
            let b = try Tensor.randn([out], generator: gen, requiresGrad: true)
            let g = try ConvGeometry(input: shape, outChannels: out, kernelH: 3, kernelW: 3, stride: 1, padding: 1, op: "test")
            let upstream = try Tensor.randn([shape[0], out, shape[2], shape[3]], generator: gen)
            var results: [[[TensorScalar]]] = []
            for winograd in [true, false] {
                Winograd.enabled = winograd
                XCTAssertEqual(Winograd.suits(g), winograd, "\(shape)")
                for t in [x, w, b] { t.grad = nil }
                let y = try conv2d(x, w, bias: b, padding: 1)
                try y.backward(upstream)
                results.append([y.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars])
            }
            for (i, name) in ["y", "dx", "dw", "db"].enumerated() {
                assertMatches(results[0][i], results[1][i], "\(name) for \(shape) → \(out), \(tiles) tiles per chunk, small products below \(Winograd.smallProductWork)")
            }
        }
    }

    /// Small images share tiles in a mosaic when that saves a tenth of them; sides that are
    /// multiples of 4 keep tiles of their own.
    func testMosaicTilesSmallImages() throws {
        func tiling(_ batch: Int, _ side: Int, tiles: Int = 512) throws -> Winograd.Tiling {
            Winograd.Tiling(try ConvGeometry(input: [batch, 64, side, side], outChannels: 64, kernelH: 3, kernelW: 3, stride: 1, padding: 1, op: "test"), tiles: tiles)
        }
        let five = try tiling(32, 5), ten = try tiling(32, 10)
        XCTAssertEqual([five.mosaicColumns, five.tiles(32), five.columns], [2, 72, 72])
        XCTAssertEqual(ten.tiles(32), 240)
        XCTAssertEqual(ten.tiles(5), 240, "a mosaic always has all of its tiles")
        XCTAssertFalse(try tiling(32, 3).isMosaic)
        XCTAssertFalse(try tiling(32, 8).isMosaic)
        XCTAssertFalse(try tiling(16, 7, tiles: 64).isMosaic)
        // Every pixel of every image is computed by exactly one tile output, in a short chunk too.
        for n in [32, 5] {
            var seen = Set<[Int]>()
            for i in 0..<five.tiles(n) {
                for q in 0..<16 {
                    guard let p = five.pixel(tile: i, q / 4, q % 4, images: n) else { continue }
                    XCTAssertTrue(seen.insert([p.image, p.y, p.x]).inserted)
                }
            }
            XCTAssertEqual(seen.count, n * 25)
        }
        Winograd.mosaicEnabled = false
        XCTAssertFalse(try tiling(32, 5).isMosaic)
    }

    func testTakesOnlyWide3x3SameSizeStride1() throws {
        func suits(_ input: [Int], _ out: Int, k: Int = 3, stride: Int = 1, padding: Int = 1) throws -> Bool {
            Winograd.suits(try ConvGeometry(input: input, outChannels: out, kernelH: k, kernelW: k, stride: stride, padding: padding, op: "test"))
        }
        XCTAssertTrue(try suits([2, 64, 8, 8], 64))
        XCTAssertTrue(try suits([2, 32, 8, 8], 64))
        XCTAssertFalse(try suits([2, 16, 8, 8], 64))
        XCTAssertFalse(try suits([2, 64, 8, 8], 16))
        XCTAssertFalse(try suits([2, 64, 8, 8], 64, stride: 2))
        XCTAssertFalse(try suits([2, 64, 8, 8], 64, padding: 0))
        XCTAssertFalse(try suits([2, 64, 8, 8], 64, k: 5, padding: 2))
        XCTAssertFalse(try suits([0, 64, 8, 8], 64))
    }

    /// Prepared transforms give the same bits as per-call ones, in this thread and in branches,
    /// and only Winograd's weights are prepared.
    func testPreparedWeightsGiveTheSameBits() throws {
        let gen = RandomGenerator(seed: 21)
        let x = try Tensor.randn([3, 32, 6, 6], generator: gen, requiresGrad: true)
        let w = try Tensor.randn([64, 32, 3, 3], std: 0.05, generator: gen, requiresGrad: true)
        let upstream = try Tensor.randn([3, 64, 6, 6], generator: gen)
        func run() throws -> [[TensorScalar]] {
            for t in [x, w] { t.grad = nil }
            let y = try conv2d(x, w, padding: 1)
            try y.backward(upstream)
            return [y.scalars, x.grad!.scalars, w.grad!.scalars]
        }
        let plain = try run()
        let prepared = try withPreparedWinogradWeights(forward: [w], inputGradient: [w]) { try run() }
        XCTAssertEqual(prepared, plain)
        let branched = try withPreparedWinogradWeights(forward: [w], inputGradient: [w]) {
            try Parallel.branches({ try withNoGrad { try conv2d(x, w, padding: 1).scalars } }, { try withNoGrad { try conv2d(x, w, padding: 1).scalars } })
        }
        XCTAssertEqual(branched.0, plain[0])
        XCTAssertEqual(branched.1, plain[0])

        let narrow = try Tensor.randn([16, 16, 3, 3], generator: gen), pointwise = try Tensor.randn([64, 64, 1, 1], generator: gen)
        let cache = try WinogradPreparedWeights(forward: [w, narrow, pointwise, w], inputGradient: [w])
        XCTAssertEqual(cache.count, 2)
        let g = try ConvGeometry(input: x.shape, outChannels: 64, kernelH: 3, kernelW: 3, stride: 1, padding: 1, op: "test")
        XCTAssertNotNil(cache.transform(of: w.base, g, transposed: false))
        XCTAssertNotNil(cache.transform(of: w.base, g, transposed: true))
        XCTAssertNil(cache.transform(of: narrow.base, g, transposed: false))
    }
}
