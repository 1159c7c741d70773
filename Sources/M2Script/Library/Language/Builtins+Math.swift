import Foundation
import M2Tensor

/// Math on numbers; the same names apply elementwise to tensors.
enum MathBuiltins {
    static let constants: [(String, Value)] = [("pi", .double(Double.pi)), ("e", .double(M_E)), ("inf", .double(.infinity)), ("nan", .double(.nan))]

    /// A function of one number that maps tensors elementwise when `tensor` is given.
    static func unary(_ name: String, _ doc: String, _ f: @escaping (Double) -> Double, tensor: ((Tensor) throws -> Tensor)? = nil) -> BuiltinFunction {
        BuiltinFunction(name, "x", doc: doc, example: "\(name)(2.0)") { a in
            if case .tensor(let t) = a["x"] {
                guard let tensor else { throw RuntimeFailure("\(name) is not defined for tensors") }
                return .tensor(try tensor(t))
            }
            return .double(f(try a.double("x")))
        }
    }

    static let all: [BuiltinFunction] = [
        unary("sqrt", "Square root (NaN for negatives).", { $0.squareRoot() }, tensor: { try $0.sqrt() }),
        unary("exp", "e to the power x.", Foundation.exp, tensor: { try $0.exp() }),
        unary("log", "Natural logarithm.", Foundation.log, tensor: { try $0.log() }),
        unary("sin", "Sine (radians).", Foundation.sin),
        unary("cos", "Cosine (radians).", Foundation.cos),
        unary("tan", "Tangent (radians).", Foundation.tan),
        unary("tanh", "Hyperbolic tangent.", Foundation.tanh, tensor: { try $0.tanh() }),
        unary("sigmoid", "1 / (1 + e^-x).", { 1 / (1 + Foundation.exp(-$0)) }, tensor: { try $0.sigmoid() }),
        BuiltinFunction("abs", "x", doc: "Absolute value (elementwise for tensors).", example: "abs(-3)  # 3") { a in
            switch a["x"] {
            case .int(let i): return i == Int.min ? .double(-Double(i)) : .int(Swift.abs(i))
            case .tensor(let t): return .tensor(try t.abs())
            default: return .double(Swift.abs(try a.double("x")))
            }
        },
        BuiltinFunction("floor", "x", doc: "Largest integer not above x.", example: "floor(2.7)  # 2") { a in try integral(a, .down) },
        BuiltinFunction("ceil", "x", doc: "Smallest integer not below x.", example: "ceil(2.1)  # 3") { a in try integral(a, .up) },
        BuiltinFunction("round", "x, digits=nil", doc: "Rounds to an integer, or to `digits` decimals.", example: "round(2.345, digits: 2)") { a in
            if a.isNil("digits") { return try integral(a, .toNearestOrAwayFromZero) }
            let p = Foundation.pow(10.0, Double(min(max(try a.int("digits"), -300), 300)))
            return .double((try a.double("x") * p).rounded() / p)
        },
        BuiltinFunction("pow", "x, y", doc: "x to the power y (as the ** operator).", example: "pow(2, 10)  # 1024") { a in
            try a.interpreter.binary(.power, a["x"], a["y"])
        },
    ]

    static func integral(_ a: BoundArguments, _ rule: FloatingPointRoundingRule) throws -> Value {
        if case .int(let i) = a["x"] { return .int(i) }
        let d = try a.double("x").rounded(rule)
        return d.isFinite && Swift.abs(d) < 9.2e18 ? .int(Int(d)) : .double(d)
    }
}
