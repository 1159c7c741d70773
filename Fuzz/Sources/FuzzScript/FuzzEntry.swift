/// libFuzzer's per-input callback (also exported under the standard name, so the binary works
/// with tools that look for it): runs one input as an M2T program.
/// - Parameters:
///   - data: the input's bytes, read as UTF-8 (invalid sequences become U+FFFD).
///   - size: the number of bytes.
/// - Returns: 0, as libFuzzer requires; a crash or a hang is the failure it looks for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FuzzTarget.run(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}
