import M2Data
import M2Tensor

/// What `show(…)` hands to a ``PlotSink``: tensors drawn as an 8-bit image — one image, or
/// a grid of a batch (views, convolution filters), each scaled from its own minimum (black)
/// to its maximum (white) and magnified with nearest-neighbour pixels.
public struct Picture {
    /// The pixels (gray or RGB).
    public let image: Image
    /// An optional caption.
    public let title: String?
    /// What was drawn: `8 images 28×28, gray`.
    public let summary: String

    /// Most images in one grid, and columns per grid row.
    static let maxImages = 256, columns = 8

    /// Draws `x`: `[H, W]`, `[C, H, W]` or `[N, C, H, W]` with C = 1 (gray) or 3 (RGB).
    /// - Parameters:
    ///   - scale: magnification; nil picks one so each image is about 96 pixels wide (at most 16×).
    /// - Throws: ``RuntimeFailure`` for other shapes, too many images or a too large picture.
    public init(_ x: Tensor, title: String? = nil, scale: Int? = nil) throws {
        var shape = x.shape
        if shape.count == 2 { shape = [1, 1] + shape } else if shape.count == 3 { shape = [1] + shape }
        guard shape.count == 4, shape.allSatisfy({ $0 > 0 }), shape[1] == 1 || shape[1] == 3 else {
            throw RuntimeFailure("show: expected [H, W], [C, H, W] or [N, C, H, W] with C = 1 or 3, got \(x.shape) (one channel of filters: w[:, 0:1])")
        }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        guard n <= Picture.maxImages else { throw RuntimeFailure("show: at most \(Picture.maxImages) images at once, got \(n)") }
        let zoom = scale ?? max(1, min(96 / max(h, w), 16))
        guard (1...64).contains(zoom) else { throw RuntimeFailure("show: scale must be between 1 and 64") }
        let cols = min(n, Picture.columns), rows = (n + cols - 1) / cols, gap = n > 1 ? 2 : 0
        let cellW = w * zoom, cellH = h * zoom
        let width = cols * cellW + (cols - 1) * gap, height = rows * cellH + (rows - 1) * gap
        guard width * height <= 4096 * 4096 else { throw RuntimeFailure("show: a \(width)×\(height) picture is too large; pass a smaller scale") }
        let values = x.scalars.map(Value.widen)
        var pixels = [UInt8](repeating: 255, count: width * height * c)
        let plane = h * w
        for i in 0..<n {
            let chunk = values[(i * c * plane)..<((i + 1) * c * plane)].filter(\.isFinite)
            let lo = chunk.min() ?? 0, hi = chunk.max() ?? 0
            let x0 = (i % cols) * (cellW + gap), y0 = (i / cols) * (cellH + gap)
            for y in 0..<cellH {
                for xx in 0..<cellW {
                    for ch in 0..<c {
                        let v = values[i * c * plane + ch * plane + (y / zoom) * w + xx / zoom]
                        let level = hi > lo && v.isFinite ? (v - lo) / (hi - lo) : 0.5
                        pixels[((y0 + y) * width + x0 + xx) * c + ch] = UInt8((min(max(level, 0), 1) * 255).rounded())
                    }
                }
            }
        }
        image = try Image(width: width, height: height, channels: c, pixels: pixels)
        self.title = title
        summary = (n > 1 ? "\(n) images" : "image") + " \(h)×\(w), " + (c == 1 ? "gray" : "RGB") + (title.map { ": \($0)" } ?? "")
    }

    /// The picture as PNG bytes.
    public func png() throws -> [UInt8] { try PNGCodec.encode(image) }
}
