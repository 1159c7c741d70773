import Foundation

/// A scalar function of two floats, applied elementwise with broadcasting.
protocol BinaryFunction { static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar }
/// A scalar function of one float, applied elementwise.
protocol UnaryFunction { static func apply(_ a: TensorScalar) -> TensorScalar }

extension Kernels {
    /// `out[i] = F(a[i], b[i])` with NumPy broadcasting; any strides.
    static func binary<F: BinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, op: String) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape, op: op)
        let out = try Tensor(uninitializedShape: shape)
        let o = out.base, n = out.count
        let pa = a.storage.pointer, pb = b.storage.pointer
        if a.shape == b.shape && a.isContiguous && b.isContiguous {
            let xa = a.base, xb = b.base
            Parallel.forRanges(n) { _, r in for i in r { o[i] = F.apply(xa[i], xb[i]) } }
            return out
        }
        if b.count == 1 && a.shape == shape && a.isContiguous {
            let xa = a.base, s = b.base[0]
            Parallel.forRanges(n) { _, r in for i in r { o[i] = F.apply(xa[i], s) } }
            return out
        }
        if a.count == 1 && b.shape == shape && b.isContiguous {
            let xb = b.base, s = a.base[0]
            Parallel.forRanges(n) { _, r in for i in r { o[i] = F.apply(s, xb[i]) } }
            return out
        }
        let sa = Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: shape)
        let sb = Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: shape)
        let inner = shape.last ?? 1
        let rows = inner == 0 ? 0 : n / inner
        Parallel.forRanges(rows, costPerItem: inner) { _, r in
            forEachRow2(shape: shape, rows: r, stridesA: sa, offsetA: a.offset, stridesB: sb, offsetB: b.offset) { oa, ob, flat in
                let ia = sa.last ?? 0, ib = sb.last ?? 0
                let x = pa + oa, y = pb + ob, z = o + flat
                if ia == 1 && ib == 1 {
                    for i in 0..<inner { z[i] = F.apply(x[i], y[i]) }
                } else if ia == 1 && ib == 0 {
                    let s = y[0]
                    for i in 0..<inner { z[i] = F.apply(x[i], s) }
                } else if ia == 0 && ib == 1 {
                    let s = x[0]
                    for i in 0..<inner { z[i] = F.apply(s, y[i]) }
                } else {
                    for i in 0..<inner { z[i] = F.apply(x[i * ia], y[i * ib]) }
                }
            }
        }
        return out
    }

    /// `out[i] = F(a[i])`.
    static func unary<F: UnaryFunction>(_: F.Type, _ a: Tensor) throws -> Tensor {
        let c = a.contiguousData()
        defer { withExtendedLifetime(c) {} }
        let out = try Tensor(uninitializedShape: a.shape)
        let x = c.base, o = out.base
        Parallel.forRanges(out.count) { _, r in for i in r { o[i] = F.apply(x[i]) } }
        return out
    }

    /// Walks rows `rows` of a row-major iteration over `shape` (rows = all but the last
    /// dimension), tracking the storage offsets of two strided operands.
    @inline(__always)
    static func forEachRow2(shape: [Int], rows: Range<Int>, stridesA: [Int], offsetA: Int, stridesB: [Int], offsetB: Int,
                            _ body: (Int, Int, Int) -> Void) {
        let rank = shape.count
        let inner = shape.last ?? 1
        if rank <= 1 { if !rows.isEmpty { body(offsetA, offsetB, 0) }; return }
        var index = [Int](repeating: 0, count: rank - 1)
        var oa = offsetA, ob = offsetB
        var rem = rows.lowerBound
        for d in stride(from: rank - 2, through: 0, by: -1) {
            index[d] = rem % shape[d]
            rem /= shape[d]
            oa += index[d] * stridesA[d]
            ob += index[d] * stridesB[d]
        }
        for r in rows {
            body(oa, ob, r * inner)
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                oa += stridesA[d]; ob += stridesB[d]
                if index[d] < shape[d] { break }
                oa -= stridesA[d] * shape[d]; ob -= stridesB[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

enum AddF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a + b } }
enum SubF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a - b } }
enum MulF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a * b } }
enum DivF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a / b } }
enum PowF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { ScalarMath.pow(a, b) } }
enum MaxF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a >= b || b.isNaN ? a : b } }
enum MinF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a <= b || b.isNaN ? a : b } }
enum EqF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a == b ? 1 : 0 } }
enum NeF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a != b ? 1 : 0 } }
enum LtF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a < b ? 1 : 0 } }
enum LeF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a <= b ? 1 : 0 } }
enum GtF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a > b ? 1 : 0 } }
enum GeF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a >= b ? 1 : 0 } }
/// `1` where `a > 0`, used for ReLU's gradient mask.
enum PositiveMaskMulF: BinaryFunction { @inline(__always) static func apply(_ a: TensorScalar, _ b: TensorScalar) -> TensorScalar { a > 0 ? b : 0 } }
