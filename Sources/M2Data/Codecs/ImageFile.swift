import Foundation

/// Reads an image file of any supported format, recognized by its signature (not its
/// extension): PNG or JPEG.
public enum ImageFile {
    /// File extensions looked for in image folders (case-insensitive).
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Decodes a PNG or JPEG file.
    /// - Parameter minimumSide: lets JPEG decoding downscale by 2/4/8 while the shorter side
    ///   stays at least this long (0: full size).
    /// - Throws: ``DataError`` naming the file.
    public static func read(_ url: URL, minimumSide: Int = 0) throws -> Image {
        let bytes = try readFileBytes(url)
        if bytes.count >= 8 && Array(bytes[0..<8]) == PNGCodec.signature {
            return try PNGCodec.decode(bytes, path: url.path)
        }
        if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 {
            return try JPEGCodec.decode(bytes, path: url.path, minimumSide: minimumSide)
        }
        throw DataError.notAnImage(path: url.path, reason: bytes.isEmpty ? "empty file" : "neither a PNG nor a JPEG signature")
    }
}
