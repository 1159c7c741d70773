import Foundation
import M2Tensor

extension Interpreter {
    /// `-x`, `+x`, `not x`.
    func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch (op, v) {
        case (.not, _): return .bool(!(try v.isTruthy()))
        case (.negate, .int(let i)): return i == Int.min ? .double(-Double(i)) : .int(-i)
        case (.negate, .double(let d)): return .double(-d)
        case (.negate, .tensor(let t)): return .tensor(try -t)
        case (.plus, .int), (.plus, .double), (.plus, .tensor): return v
        default: throw RuntimeFailure("cannot apply '\(op.rawValue)' to a \(v.typeName)")
        }
    }

    /// Binary operators: numbers (ints promote to floats on overflow), strings, lists,
    /// and tensors (broadcasting; numbers and lists are converted to tensors).
    func binary(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
        switch (l, r) {
        case (.tensor, .tensor), (.tensor, .int), (.tensor, .double), (.tensor, .bool), (.int, .tensor),
             (.double, .tensor), (.bool, .tensor), (.tensor, .list), (.list, .tensor), (.tensor, .tuple), (.tuple, .tensor):
            return .tensor(try tensorBinary(op, try l.toTensor(), try r.toTensor()))
        case let (.int(a), .int(b)):
            return try intBinary(op, a, b)
        case (.int, .double), (.double, .int), (.double, .double), (.bool, .double), (.double, .bool):
            if let a = l.asDouble, let b = r.asDouble, let v = try doubleBinary(op, a, b) { return v }
        default:
            break
        }
        switch op {
        case .equal: return .bool(l.isEqual(to: r))
        case .notEqual: return .bool(!l.isEqual(to: r))
        default: break
        }
        switch (op, l, r) {
        case let (.add, .string(a), .string(b)):
            try checkCollectionSize(a.utf8.count + b.utf8.count)
            return .string(a + b)
        case let (.multiply, .string(s), .int(n)), let (.multiply, .int(n), .string(s)):
            let (total, o) = s.utf8.count.multipliedReportingOverflow(by: max(n, 0))
            try checkCollectionSize(o ? Int.max : total)
            return .string(String(repeating: s, count: max(n, 0)))
        case let (.add, .list(a), .list(b)):
            try checkCollectionSize(a.items.count + b.items.count)
            return .list(ListBox(a.items + b.items))
        case let (.add, .tuple(a), .tuple(b)):
            return .tuple(a + b)
        case let (.multiply, .list(a), .int(n)), let (.multiply, .int(n), .list(a)):
            let (total, o) = a.items.count.multipliedReportingOverflow(by: max(n, 0))
            try checkCollectionSize(o ? Int.max : total)
            return .list(ListBox(Array([[Value]](repeating: a.items, count: max(n, 0)).joined())))
        case let (.less, .string(a), .string(b)): return .bool(a < b)
        case let (.lessEqual, .string(a), .string(b)): return .bool(a <= b)
        case let (.greater, .string(a), .string(b)): return .bool(a > b)
        case let (.greaterEqual, .string(a), .string(b)): return .bool(a >= b)
        default:
            throw RuntimeFailure("cannot apply '\(op.rawValue)' to a \(l.typeName) and a \(r.typeName)")
        }
    }

    private func intBinary(_ op: BinaryOperator, _ a: Int, _ b: Int) throws -> Value {
        func checked(_ r: (partialValue: Int, overflow: Bool), _ fallback: Double) -> Value {
            r.overflow ? .double(fallback) : .int(r.partialValue)
        }
        switch op {
        case .add: return checked(a.addingReportingOverflow(b), Double(a) + Double(b))
        case .subtract: return checked(a.subtractingReportingOverflow(b), Double(a) - Double(b))
        case .multiply: return checked(a.multipliedReportingOverflow(by: b), Double(a) * Double(b))
        case .divide:
            guard b != 0 else { throw RuntimeFailure("division by zero") }
            return .double(Double(a) / Double(b))
        case .floorDivide:
            guard b != 0 else { throw RuntimeFailure("division by zero") }
            if a == Int.min && b == -1 { return .double(-Double(a)) }
            let q = a / b
            return .int((a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q)
        case .remainder:
            guard b != 0 else { throw RuntimeFailure("modulo by zero") }
            if b == -1 { return .int(0) }
            let m = a % b
            return .int(m != 0 && (m < 0) != (b < 0) ? m + b : m)
        case .power:
            guard b >= 0 else { return .double(Foundation.pow(Double(a), Double(b))) }
            var result = 1, base = a, e = b
            while e > 0 {
                if e & 1 == 1 {
                    let (m, o) = result.multipliedReportingOverflow(by: base)
                    if o { return .double(Foundation.pow(Double(a), Double(b))) }
                    result = m
                }
                e >>= 1
                if e > 0 {
                    let (sq, o) = base.multipliedReportingOverflow(by: base)
                    if o { return .double(Foundation.pow(Double(a), Double(b))) }
                    base = sq
                }
            }
            return .int(result)
        case .matmul: throw RuntimeFailure("'@' needs tensors, not two ints")
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        }
    }

    private func doubleBinary(_ op: BinaryOperator, _ a: Double, _ b: Double) throws -> Value? {
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide: return .double(a / b)
        case .floorDivide: return .double((a / b).rounded(.down))
        case .remainder:
            let m = a.truncatingRemainder(dividingBy: b)
            return .double(m != 0 && (m < 0) != (b < 0) ? m + b : m)
        case .power: return .double(Foundation.pow(a, b))
        case .matmul: return nil
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        }
    }

    /// Elementwise tensor arithmetic with broadcasting, `@`, and comparisons (0/1 tensors).
    func tensorBinary(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        if op != .matmul, limits.maxTensorElements != nil {
            try checkTensorSize(try Shape.broadcast(a.shape, b.shape, op: op.rawValue))
        }
        switch op {
        case .add: return try a + b
        case .subtract: return try a - b
        case .multiply: return try a * b
        case .divide: return try a / b
        case .power: return try a.pow(b)
        case .matmul:
            if limits.maxTensorElements != nil, a.rank >= 1, b.rank >= 1 {
                try checkTensorSize(Array(a.shape.dropLast()) + [b.shape.last ?? 1])
            }
            return try a.matmul(b)
        case .floorDivide, .remainder:
            throw RuntimeFailure("'\(op.rawValue)' is not defined for tensors")
        case .equal: return try a.eq(b)
        case .notEqual: return try a.ne(b)
        case .less: return try a.lt(b)
        case .lessEqual: return try a.le(b)
        case .greater: return try a.gt(b)
        case .greaterEqual: return try a.ge(b)
        }
    }
}
