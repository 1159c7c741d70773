import Foundation

/// Printing like NumPy: nested brackets, aligned columns, long tensors summarized with `...`.
extension Tensor: CustomStringConvertible {
    /// Tensors with more elements than this are summarized.
    public static let summaryThreshold = 1000
    /// How many items are shown at each edge of a summarized dimension.
    public static let edgeItems = 3

    /// `tensor([[1., 2.], [3., 4.]], shape=[2, 2], dtype=float32, requires_grad)`-style text.
    public var description: String {
        var suffix = "shape=\(shape), dtype=\(Tensor.dtypeName)"
        if let fn = gradFn { suffix += ", grad_fn=\(fn.name)" } else if requiresGrad { suffix += ", requires_grad=true" }
        return "tensor(\(formatValues(indent: 7)), \(suffix))"
    }

    /// Only the values, NumPy-style, each continuation line indented by `indent` spaces.
    public func formatValues(indent: Int = 0) -> String {
        let data = contiguousData()
        defer { withExtendedLifetime(data) {} }
        let values = UnsafeBufferPointer(start: data.base, count: count)
        let summarize = count > Tensor.summaryThreshold
        let shown: [TensorScalar] = summarize ? Tensor.edgeValues(values, shape: shape) : Array(values)
        let format = Tensor.numberFormat(shown)
        let width = shown.map { format($0).count }.max() ?? 1
        func cell(_ v: TensorScalar) -> String {
            let s = format(v)
            return String(repeating: " ", count: width - s.count) + s
        }
        let strides = Shape.contiguousStrides(shape)
        func render(_ dim: Int, _ offset: Int) -> String {
            if dim == shape.count { return cell(values[offset]) }
            let n = shape[dim]
            var idx: [Int?] = Array(0..<n)
            if summarize && n > 2 * Tensor.edgeItems {
                idx = Array(0..<Tensor.edgeItems) + [nil] + Array((n - Tensor.edgeItems)..<n)
            }
            let parts = idx.map { i in i.map { render(dim + 1, offset + $0 * strides[dim]) } ?? "..." }
            if dim == shape.count - 1 { return "[" + parts.joined(separator: ", ") + "]" }
            let newlines = String(repeating: "\n", count: shape.count - dim - 1)
            let pad = String(repeating: " ", count: indent + dim + 1)
            return "[" + parts.joined(separator: "," + newlines + pad) + "]"
        }
        return shape.isEmpty ? format(values.first ?? 0) : render(0, 0)
    }

    /// The values that a summarized print shows (to choose a common number format).
    static func edgeValues(_ values: UnsafeBufferPointer<TensorScalar>, shape: [Int]) -> [TensorScalar] {
        var picked: [TensorScalar] = []
        let strides = Shape.contiguousStrides(shape)
        func walk(_ dim: Int, _ offset: Int) {
            if dim == shape.count { picked.append(values[offset]); return }
            let n = shape[dim]
            let idx = n > 2 * edgeItems ? Array(0..<edgeItems) + Array((n - edgeItems)..<n) : Array(0..<n)
            for i in idx { walk(dim + 1, offset + i * strides[dim]) }
        }
        walk(0, 0)
        return picked
    }

    /// NumPy's choice: integral values as `3.`, else 4 decimals, scientific for very large
    /// or very small magnitudes.
    static func numberFormat(_ values: [TensorScalar]) -> (TensorScalar) -> String {
        let finite = values.filter(\.isFinite)
        let special: (TensorScalar) -> String? = { v in v.isNaN ? "nan" : (v.isInfinite ? (v > 0 ? "inf" : "-inf") : nil) }
        if finite.allSatisfy({ $0 == $0.rounded() && Swift.abs($0) < 1e8 }) {
            return { v in special(v) ?? String(format: "%.0f.", Double(v)) }
        }
        let maxAbs = finite.map { Swift.abs($0) }.max() ?? 0
        let minAbs = finite.filter { $0 != 0 }.map { Swift.abs($0) }.min() ?? 1
        if maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3 && minAbs < 1e-3 {
            return { v in special(v) ?? String(format: "%.4e", Double(v)) }
        }
        return { v in special(v) ?? String(format: "%.4f", Double(v)) }
    }
}
