import Foundation

#if M2T_FLOAT64
/// The element type of every ``Tensor``: `Double` in this build (compiled with `-DM2T_FLOAT64`).
///
/// The Float64 build exists for numerical checks — finite-difference gradient checks and
/// reproducing Float64 reference computations that are too sensitive for single precision
/// (docs/numerics.md). It is about half as fast and uses twice the memory.
public typealias TensorScalar = Double
#else
/// The element type of every ``Tensor``: `Float` (IEEE single precision), as SPEC §3 fixes it.
///
/// Building with `-Xswiftc -DM2T_FLOAT64` makes it `Double` for numerical checks
/// (docs/numerics.md); nothing else changes.
public typealias TensorScalar = Float
#endif

/// The transcendental functions at ``TensorScalar`` precision (the C library's `expf` family
/// in the Float32 build, `exp` in the Float64 build).
public enum ScalarMath {
    #if M2T_FLOAT64
    @inline(__always) public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    #else
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    #endif
}

extension Tensor {
    /// The element type's name as PyTorch spells it: `"float32"`, or `"float64"` in the
    /// Float64 build.
    public static let dtypeName = MemoryLayout<TensorScalar>.size == 8 ? "float64" : "float32"
}

extension ScalarMath {
    /// `x` as a `Double` through its shortest decimal form, so a Float32 0.6 becomes 0.6 and
    /// not 0.6000000238418579 (how the language prints tensor values and histories).
    public static func widened(_ x: TensorScalar) -> Double {
        x.isFinite ? Double(x.description) ?? Double(x) : Double(x)
    }
}
