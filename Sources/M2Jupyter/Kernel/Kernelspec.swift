import Foundation
import M2Data

/// The kernelspec Jupyter finds the kernel by: a folder `kernels/m2t/` holding
/// `kernel.json` (how to start it) and the logos the launcher shows.
public enum Kernelspec {
    /// The kernel's name (`jupyter kernelspec list`, notebooks' metadata).
    public static let name = "m2t"

    /// `kernel.json` for the binary at `executable`: `m2t kernel -f {connection_file}`,
    /// display name "M2T", language `m2t`, interrupted by SIGINT.
    public static func json(executable: String) -> JSON {
        ["argv": [.string(executable), "kernel", "-f", "{connection_file}"],
         "display_name": "M2T", "language": "m2t", "interrupt_mode": "signal",
         "metadata": ["debugger": false]]
    }

    /// Where the kernelspec goes: `DIR/share/jupyter/kernels/m2t` for a prefix; for the user,
    /// `$JUPYTER_DATA_DIR/kernels/m2t` or `~/.local/share/jupyter/kernels/m2t` (Jupyter's
    /// user data directory on Linux, `$XDG_DATA_HOME` honoured).
    public static func directory(prefix: String?, user: Bool) -> URL {
        let env = ProcessInfo.processInfo.environment
        if let prefix { return URL(fileURLWithPath: prefix).appendingPathComponent("share/jupyter/kernels/\(name)") }
        if user {
            if let data = env["JUPYTER_DATA_DIR"], !data.isEmpty { return URL(fileURLWithPath: data).appendingPathComponent("kernels/\(name)") }
            let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
            return URL(fileURLWithPath: base).appendingPathComponent("jupyter/kernels/\(name)")
        }
        return URL(fileURLWithPath: "/usr/local/share/jupyter/kernels/\(name)")
    }

    /// Writes `kernel.json` and the two logos into `directory` (created if needed).
    public static func install(into directory: URL, executable: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try json(executable: executable).encoded(pretty: true).write(to: directory.appendingPathComponent("kernel.json"), options: .atomic)
        for size in [32, 64] {
            try PNGCodec.write(try logo(size: size), to: directory.appendingPathComponent("logo-\(size)x\(size).png"))
        }
    }

    /// The logo: "M²" in white on the project's blue, drawn from a pixel font at 64 × 64 and
    /// averaged down for smaller sizes.
    static func logo(size: Int) throws -> Image {
        let m = ["X.....X", "XX...XX", "X.X.X.X", "X..X..X", "X.....X", "X.....X", "X.....X"]
        let two = [".XX.", "X..X", "..X.", ".X..", "XXXX"]
        var big = [UInt8](repeating: 0, count: 64 * 64 * 3)
        for i in 0..<(64 * 64) { big[i * 3] = 0x00; big[i * 3 + 1] = 0x72; big[i * 3 + 2] = 0xB2 }
        func stamp(_ glyph: [String], x0: Int, y0: Int, scale: Int) {
            for (r, row) in glyph.enumerated() {
                for (c, ch) in row.enumerated() where ch == "X" {
                    for y in 0..<scale { for x in 0..<scale {
                        let p = ((y0 + r * scale + y) * 64 + x0 + c * scale + x) * 3
                        big[p] = 255; big[p + 1] = 255; big[p + 2] = 255
                    } }
                }
            }
        }
        stamp(m, x0: 4, y0: 15, scale: 6)
        stamp(two, x0: 48, y0: 8, scale: 3)
        let f = 64 / max(1, min(size, 64))
        let side = 64 / f
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side { for x in 0..<side { for c in 0..<3 {
            var sum = 0
            for dy in 0..<f { for dx in 0..<f { sum += Int(big[((y * f + dy) * 64 + x * f + dx) * 3 + c]) } }
            pixels[(y * side + x) * 3 + c] = UInt8(sum / (f * f))
        } } }
        return try Image(width: side, height: side, channels: 3, pixels: pixels)
    }
}
