import Foundation

/// What loading a state dict found.
public struct LoadReport: Sendable, CustomStringConvertible {
    /// Keys the module has and the file lacks.
    public var missing: [String] = []
    /// Keys the file has and the module lacks.
    public var unexpected: [String] = []
    /// Keys present in both with different shapes.
    public var shapeMismatches: [(key: String, module: [Int], file: [Int])] = []

    /// Whether every key matched, with the same shape.
    public var isClean: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

    /// One line per kind of problem (`missing keys: …`), or `all keys matched`.
    public var description: String {
        var lines: [String] = []
        if !missing.isEmpty { lines.append("missing keys: " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { lines.append("unexpected keys: " + unexpected.joined(separator: ", ")) }
        for m in shapeMismatches { lines.append("shape mismatch for \(m.key): module \(m.module), file \(m.file)") }
        return lines.isEmpty ? "all keys matched" : lines.joined(separator: "\n")
    }
}

extension Module {
    /// Parameters and buffers with their dotted keys, in module order (torchvision's order).
    public func stateDict(prefix: String = "") -> [(String, Tensor)] {
        var out = ownParameters.map { (prefix + $0.name, $0.tensor) } + ownBuffers.map { (prefix + $0.name, $0.tensor) }
        for (n, c) in children { out += c.stateDict(prefix: prefix + n + ".") }
        return out
    }

    /// Copies values from `tensors` into the module's parameters and buffers (in place, so
    /// optimizers and references stay valid).
    /// - Parameters:
    ///   - strict: throw unless every key matches; otherwise load what matches.
    ///   - prefix: stripped from the file's keys first (e.g. `"backbone."`).
    /// - Returns: the report of missing, unexpected and mismatched keys.
    @discardableResult
    public func loadStateDict(_ tensors: [String: Tensor], strict: Bool = true, prefix: String = "") throws -> LoadReport {
        var source: [String: Tensor] = [:]
        for (k, v) in tensors {
            if prefix.isEmpty { source[k] = v } else if k.hasPrefix(prefix) { source[String(k.dropFirst(prefix.count))] = v }
        }
        var report = LoadReport()
        let own = stateDict()
        var matched: [(Tensor, Tensor)] = []
        for (key, t) in own {
            guard let v = source[key] else { report.missing.append(key); continue }
            if v.shape != t.shape { report.shapeMismatches.append((key, t.shape, v.shape)); continue }
            matched.append((t, v))
        }
        let ownKeys = Set(own.map(\.0))
        report.unexpected = source.keys.filter { !ownKeys.contains($0) }.sorted()
        if strict && !report.isClean { throw StateDictError.mismatch(report: report.description) }
        for (t, v) in matched { try t.copyValues(from: v) }
        return report
    }

    /// Saves parameters and buffers as safetensors (atomically).
    public func save(to url: URL, prefix: String = "", metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateDict(prefix: prefix), metadata: metadata, to: url)
    }

    /// Loads parameters and buffers from a safetensors file.
    @discardableResult
    public func load(from url: URL, strict: Bool = true, prefix: String = "") throws -> LoadReport {
        try loadStateDict(SafeTensors.read(url).tensors, strict: strict, prefix: prefix)
    }
}
