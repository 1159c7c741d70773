import CPNG
import Foundation

/// PNG decoding and encoding through libpng's simplified API.
///
/// The simplified API (`png_image_*`) reports every failure through its return value and
/// the image's `message`, never through a `longjmp` into Swift frames, so a corrupt file is
/// an error and never a crash.
public enum PNGCodec {
    /// The 8-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The largest image decoded, in pixels (refuses absurd headers before allocating).
    public static let maxPixels = 1 << 28

    /// Decodes a PNG held in memory to 8-bit gray (1 channel) or RGB (3 channels); alpha is
    /// composited onto black, 16-bit samples are reduced to 8.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - path: the file it came from, for messages.
    /// - Throws: ``DataError/notAnImage(path:reason:)`` with libpng's message.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> Image {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw DataError.notAnImage(path: path, reason: "no PNG signature")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let ok = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard ok != 0 else { throw DataError.notAnImage(path: path, reason: "libpng: \(message(of: &image))") }
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width * height <= maxPixels else {
            png_image_free(&image)
            throw DataError.notAnImage(path: path, reason: "image size \(width)×\(height) is out of range")
        }
        let channels = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1
        image.format = channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        var out = Image(uncheckedWidth: width, height: height, channels: channels)
        let done = out.pixels.withUnsafeMutableBytes {
            png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * channels), nil)
        }
        guard done != 0 else { throw DataError.notAnImage(path: path, reason: "libpng: \(message(of: &image))") }
        return out
    }

    /// Reads and decodes a PNG file.
    public static func read(_ url: URL) throws -> Image {
        try decode(readFileBytes(url), path: url.path)
    }

    /// Encodes an 8-bit gray or RGB image as PNG bytes.
    /// - Throws: ``DataError/writeFailed(path:reason:)`` with libpng's message.
    public static func encode(_ im: Image) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(im.width)
        image.height = UInt32(im.height)
        image.format = im.channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        var size: Int = 0
        let stride = Int32(im.width * im.channels)
        let sized = im.pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }
        guard sized != 0, size > 0 else { throw DataError.writeFailed(path: "<png>", reason: "libpng: \(message(of: &image))") }
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { dst in
            im.pixels.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard ok != 0 else { throw DataError.writeFailed(path: "<png>", reason: "libpng: \(message(of: &image))") }
        return Array(out[0..<size])
    }

    /// Encodes an image and writes it to `url` (through a temporary file and a rename).
    public static func write(_ im: Image, to url: URL) throws {
        do {
            try writeFileAtomically(try encode(im), to: url)
        } catch DataError.writeFailed(_, let reason) {
            throw DataError.writeFailed(path: url.path, reason: reason)
        }
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "unknown error" : String(decoding: bytes, as: UTF8.self)
        }
    }
}
