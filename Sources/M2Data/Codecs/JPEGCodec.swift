import CJPEG
import Foundation

/// JPEG decoding and encoding through libjpeg(-turbo), safe against bad files.
///
/// libjpeg's fatal errors call `error_exit`, which must not return; the codec runs libjpeg
/// inside ``GuardedCall`` so the handler can abandon the decode and report a
/// ``DataError`` instead of exiting the process. Corrupt-data warnings (a truncated file,
/// a bad Huffman code) are errors too, except the harmless "extraneous bytes" warning.
public enum JPEGCodec {
    /// The largest image decoded, in pixels (refuses absurd headers before allocating).
    public static let maxPixels = 1 << 28

    /// Shared between Swift and libjpeg's callbacks; plain memory only.
    struct Job {
        var data: UnsafePointer<UInt8>?
        var size: Int = 0
        var minimumSide: Int = 0
        var quality: Int32 = 90
        var width = 0, height = 0, channels = 0
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize: UInt = 0
        var failed = false
        var warning = false
        var message: UnsafeMutablePointer<CChar>
        var decoder: UnsafeMutablePointer<jpeg_decompress_struct>
        var encoder: UnsafeMutablePointer<jpeg_compress_struct>
        var errors: UnsafeMutablePointer<jpeg_error_mgr>
    }

    /// Decodes a JPEG held in memory to gray (1 channel) or RGB (3 channels).
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - path: the file it came from, for messages.
    ///   - minimumSide: when positive, lets libjpeg decode at 1/2, 1/4 or 1/8 scale as long
    ///     as the shorter side stays at least this long (much faster for small targets).
    /// - Throws: ``DataError/notAnImage(path:reason:)`` or ``DataError/corrupt(path:reason:)``
    ///   with libjpeg's message.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>", minimumSide: Int = 0) throws -> Image {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw DataError.notAnImage(path: path, reason: "no JPEG start-of-image marker")
        }
        let job = makeJob()
        defer { freeJob(job) }
        job.pointee.minimumSide = minimumSide
        jpeg_CreateDecompress(job.pointee.decoder, JPEG_LIB_VERSION, MemoryLayout<jpeg_decompress_struct>.size)
        job.pointee.decoder.pointee.err = installHandlers(job)
        job.pointee.decoder.pointee.client_data = UnsafeMutableRawPointer(job)
        let ran = bytes.withUnsafeBufferPointer { buf -> Bool in
            job.pointee.data = buf.baseAddress
            job.pointee.size = buf.count
            return GuardedCall.run(decodeBody, UnsafeMutableRawPointer(job))
        }
        jpeg_destroy_decompress(job.pointee.decoder)
        defer { free(job.pointee.output) }
        guard ran else { throw DataError.notAnImage(path: path, reason: "the JPEG decoder could not be started") }
        if job.pointee.failed || job.pointee.warning {
            let text = String(cString: job.pointee.message)
            throw job.pointee.warning && !job.pointee.failed
                ? DataError.corrupt(path: path, reason: "JPEG: \(text)")
                : DataError.notAnImage(path: path, reason: "JPEG: \(text)")
        }
        guard let output = job.pointee.output, job.pointee.width > 0, job.pointee.height > 0 else {
            throw DataError.notAnImage(path: path, reason: "JPEG: image size out of range")
        }
        let (w, h, c) = (job.pointee.width, job.pointee.height, job.pointee.channels)
        return try Image(width: w, height: h, channels: c, pixels: Array(UnsafeBufferPointer(start: output, count: w * h * c)))
    }

    /// Reads and decodes a JPEG file.
    public static func read(_ url: URL, minimumSide: Int = 0) throws -> Image {
        try decode(readFileBytes(url), path: url.path, minimumSide: minimumSide)
    }

    /// Encodes an 8-bit gray or RGB image as baseline JPEG.
    /// - Parameter quality: 1–100.
    public static func encode(_ image: Image, quality: Int = 90) throws -> [UInt8] {
        let job = makeJob()
        defer { freeJob(job) }
        job.pointee.quality = Int32(min(max(quality, 1), 100))
        job.pointee.width = image.width
        job.pointee.height = image.height
        job.pointee.channels = image.channels
        jpeg_CreateCompress(job.pointee.encoder, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)
        job.pointee.encoder.pointee.err = installHandlers(job)
        job.pointee.encoder.pointee.client_data = UnsafeMutableRawPointer(job)
        let ran = image.pixels.withUnsafeBufferPointer { buf -> Bool in
            job.pointee.data = buf.baseAddress
            return GuardedCall.run(encodeBody, UnsafeMutableRawPointer(job))
        }
        jpeg_destroy_compress(job.pointee.encoder)
        defer { free(job.pointee.output) }
        guard ran, !job.pointee.failed, let output = job.pointee.output else {
            throw DataError.writeFailed(path: "<jpeg>", reason: "JPEG: \(String(cString: job.pointee.message))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(job.pointee.outputSize)))
    }

    /// Encodes an image and writes it to `url`.
    public static func write(_ image: Image, to url: URL, quality: Int = 90) throws {
        try writeFileAtomically(try encode(image, quality: quality), to: url)
    }

    // MARK: - libjpeg plumbing

    private static func makeJob() -> UnsafeMutablePointer<Job> {
        let job = UnsafeMutablePointer<Job>.allocate(capacity: 1)
        let message = UnsafeMutablePointer<CChar>.allocate(capacity: Int(JMSG_LENGTH_MAX))
        message.initialize(repeating: 0, count: Int(JMSG_LENGTH_MAX))
        let decoder = UnsafeMutablePointer<jpeg_decompress_struct>.allocate(capacity: 1)
        decoder.initialize(to: jpeg_decompress_struct())
        let encoder = UnsafeMutablePointer<jpeg_compress_struct>.allocate(capacity: 1)
        encoder.initialize(to: jpeg_compress_struct())
        let errors = UnsafeMutablePointer<jpeg_error_mgr>.allocate(capacity: 1)
        errors.initialize(to: jpeg_error_mgr())
        job.initialize(to: Job(message: message, decoder: decoder, encoder: encoder, errors: errors))
        return job
    }

    private static func freeJob(_ job: UnsafeMutablePointer<Job>) {
        job.pointee.message.deallocate()
        job.pointee.decoder.deallocate()
        job.pointee.encoder.deallocate()
        job.pointee.errors.deallocate()
        job.deallocate()
    }

    private static func installHandlers(_ job: UnsafeMutablePointer<Job>) -> UnsafeMutablePointer<jpeg_error_mgr> {
        let err = jpeg_std_error(job.pointee.errors)!
        err.pointee.error_exit = errorExit
        err.pointee.emit_message = emitMessage
        err.pointee.output_message = { _ in }
        return err
    }

    /// A fatal error: record libjpeg's message and leave the guarded body for good.
    private static let errorExit: @convention(c) (j_common_ptr?) -> Void = { cinfo in
        if let cinfo, let raw = cinfo.pointee.client_data {
            let job = raw.assumingMemoryBound(to: Job.self)
            cinfo.pointee.err.pointee.format_message(cinfo, job.pointee.message)
            job.pointee.failed = true
        }
        guard let frame = GuardedCall.currentFrame() else { fatalError("libjpeg error outside a guarded call") }
        GuardedCall.abandon(frame)
    }

    /// Warnings (level < 0) about corrupt data are kept; trace messages are ignored.
    private static let emitMessage: @convention(c) (j_common_ptr?, Int32) -> Void = { cinfo, level in
        guard level < 0, let cinfo, let raw = cinfo.pointee.client_data else { return }
        let job = raw.assumingMemoryBound(to: Job.self)
        let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: Int(JMSG_LENGTH_MAX))
        defer { scratch.deallocate() }
        cinfo.pointee.err.pointee.format_message(cinfo, scratch)
        // Stray bytes between markers are common in real photographs and harmless.
        if strstr(scratch, "extraneous bytes") != nil { return }
        if !job.pointee.warning {
            job.pointee.warning = true
            strncpy(job.pointee.message, scratch, Int(JMSG_LENGTH_MAX) - 1)
        }
    }

    private static let decodeBody: GuardedCall.Body = { raw in
        guard let job = raw?.assumingMemoryBound(to: Job.self) else { return }
        let cinfo = job.pointee.decoder
        jpeg_mem_src(cinfo, job.pointee.data, UInt(job.pointee.size))
        guard jpeg_read_header(cinfo, 1) == JPEG_HEADER_OK else { return }
        let w = Int(cinfo.pointee.image_width), h = Int(cinfo.pointee.image_height)
        guard w > 0, h > 0, w * h <= maxPixels else { return }
        let channels = cinfo.pointee.num_components == 1 ? 1 : 3
        cinfo.pointee.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB
        if job.pointee.minimumSide > 0 {
            var denom: UInt32 = 8
            while denom > 1 && (min(w, h) + Int(denom) - 1) / Int(denom) < job.pointee.minimumSide { denom /= 2 }
            cinfo.pointee.scale_num = 1
            cinfo.pointee.scale_denom = denom
        }
        guard jpeg_start_decompress(cinfo) != 0 else { return }
        let ow = Int(cinfo.pointee.output_width), oh = Int(cinfo.pointee.output_height)
        guard Int(cinfo.pointee.output_components) == channels, ow > 0, oh > 0 else { return }
        guard let out = malloc(ow * oh * channels)?.assumingMemoryBound(to: UInt8.self) else { return }
        job.pointee.output = out
        while cinfo.pointee.output_scanline < cinfo.pointee.output_height {
            var row: JSAMPROW? = out + Int(cinfo.pointee.output_scanline) * ow * channels
            if jpeg_read_scanlines(cinfo, &row, 1) == 0 { return }
        }
        _ = jpeg_finish_decompress(cinfo)
        job.pointee.width = ow
        job.pointee.height = oh
        job.pointee.channels = channels
    }

    private static let encodeBody: GuardedCall.Body = { raw in
        guard let job = raw?.assumingMemoryBound(to: Job.self) else { return }
        let cinfo = job.pointee.encoder
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        jpeg_mem_dest(cinfo, &buffer, &size)
        let (w, h, c) = (job.pointee.width, job.pointee.height, job.pointee.channels)
        cinfo.pointee.image_width = JDIMENSION(w)
        cinfo.pointee.image_height = JDIMENSION(h)
        cinfo.pointee.input_components = Int32(c)
        cinfo.pointee.in_color_space = c == 1 ? JCS_GRAYSCALE : JCS_RGB
        jpeg_set_defaults(cinfo)
        jpeg_set_quality(cinfo, job.pointee.quality, 1)
        jpeg_start_compress(cinfo, 1)
        guard let data = job.pointee.data else { return }
        while cinfo.pointee.next_scanline < cinfo.pointee.image_height {
            var row: JSAMPROW? = UnsafeMutablePointer(mutating: data + Int(cinfo.pointee.next_scanline) * w * c)
            _ = jpeg_write_scanlines(cinfo, &row, 1)
        }
        jpeg_finish_compress(cinfo)
        job.pointee.output = buffer
        job.pointee.outputSize = size
    }
}
