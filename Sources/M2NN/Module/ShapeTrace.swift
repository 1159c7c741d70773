/// Records each module's output shape during one forward pass, for ``Module/summary(input:)``.
public final class ShapeTrace {
    nonisolated(unsafe) static var current: ShapeTrace?
    /// Output and input shapes by module identity (the last call wins).
    var shapes: [ObjectIdentifier: [Int]] = [:]
    var inputs: [ObjectIdentifier: [Int]] = [:]

    func record(_ m: Module, input: [Int], output: [Int]) {
        shapes[ObjectIdentifier(m)] = output
        inputs[ObjectIdentifier(m)] = input
    }
}

/// One row of a model summary.
public struct SummaryRow: Sendable {
    /// Dotted path of the module (`"layer1.0.conv1"`).
    public let path: String
    /// Layer type and configuration (`"Conv2d(64→64, k3, s1, p1)"`).
    public let layer: String
    /// Output shape of the module in the traced forward pass.
    public let outputShape: [Int]?
    /// Input shape of the module in the traced forward pass.
    public let inputShape: [Int]?
    /// Parameters owned by this module itself.
    public let parameters: Int
    /// Depth in the tree (0 = root).
    public let depth: Int
}

extension Module {
    /// Runs a forward pass on zeros of shape `input` in eval mode, without gradients, and
    /// lists every module with its output shape and own parameter count (like torchinfo).
    public func summary(input: [Int]) throws -> [SummaryRow] {
        let trace = ShapeTrace()
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining); ShapeTrace.current = nil }
        ShapeTrace.current = trace
        _ = try withNoGrad { try self(Tensor.zeros(input)) }
        return namedModules().map { name, m in
            let own = m.ownParameters.reduce(0) { $0 + $1.tensor.count }
            let layer = m.typeName + (m.extraDescription.isEmpty ? "" : "(\(m.extraDescription))")
            return SummaryRow(path: name, layer: layer, outputShape: trace.shapes[ObjectIdentifier(m)],
                              inputShape: trace.inputs[ObjectIdentifier(m)], parameters: own,
                              depth: name.isEmpty ? 0 : name.split(separator: ".").count)
        }
    }

    /// The summary as an aligned text table with totals.
    public func summaryTable(input: [Int]) throws -> String {
        let rows = try summary(input: input)
        func fmt(_ n: Int) -> String {
            let s = String(n)
            var out = ""
            for (i, ch) in s.reversed().enumerated() { if i > 0 && i % 3 == 0 { out.append(",") }; out.append(ch) }
            return String(out.reversed())
        }
        let lines = rows.map { r -> (String, String, String) in
            let name = String(repeating: "  ", count: r.depth) + (r.path.isEmpty ? "" : (r.path.split(separator: ".").last.map(String.init) ?? "") + ": ") + r.layer
            return (name, r.outputShape.map { "\($0)" } ?? "-", r.parameters == 0 ? "-" : fmt(r.parameters))
        }
        let w0 = max(5, lines.map(\.0.count).max() ?? 0), w1 = max(12, lines.map(\.1.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        func lpad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        var out = pad("Layer", w0) + "  " + pad("Output shape", w1) + "  " + lpad("Params", 12) + "\n"
        out += String(repeating: "=", count: w0 + w1 + 16) + "\n"
        for l in lines { out += pad(l.0, w0) + "  " + pad(l.1, w1) + "  " + lpad(l.2, 12) + "\n" }
        out += String(repeating: "=", count: w0 + w1 + 16) + "\n"
        out += "Total params: \(fmt(parameterCount))\n"
        out += "Trainable params: \(fmt(parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.count }))\n"
        out += "Input: \(input)\n"
        return out
    }
}
