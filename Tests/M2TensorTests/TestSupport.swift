import Foundation
import XCTest
import M2Tensor

// Shared helpers of the tensor tests: closeness assertions, the reference-vector loader and
// a finite-difference gradient checker.

/// Asserts that two arrays have the same length and that every pair is within
/// `atol + rtol·|expected|`; reports the worst element.
func assertClose(_ actual: [TensorScalar], _ expected: [TensorScalar], rtol: TensorScalar = 1e-4, atol: TensorScalar = 1e-5,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(message()) count \(actual.count) != expected \(expected.count)", file: file, line: line)
        return
    }
    var worst = -1, worstExcess: TensorScalar = 0, failures = 0
    for i in 0..<actual.count {
        let (a, e) = (actual[i], expected[i])
        if a.isNaN && e.isNaN { continue }
        if a == e { continue }  // equal infinities
        let excess = Swift.abs(a - e) - (atol + rtol * Swift.abs(e))
        if !(excess <= 0) {
            failures += 1
            if worst < 0 || !(excess <= worstExcess) { worst = i; worstExcess = excess }
        }
    }
    if worst >= 0 {
        XCTFail("\(message()) \(failures) of \(actual.count) elements differ; worst at \(worst): \(actual[worst]) vs expected \(expected[worst]) (rtol \(rtol), atol \(atol))",
                file: file, line: line)
    }
}

/// Asserts equal shapes and close values.
func assertClose(_ actual: Tensor, _ expected: Tensor, rtol: TensorScalar = 1e-4, atol: TensorScalar = 1e-5,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.shape == expected.shape else {
        XCTFail("\(message()) shape \(actual.shape) != expected \(expected.shape)", file: file, line: line)
        return
    }
    assertClose(actual.scalars, expected.scalars, rtol: rtol, atol: atol, message(), file: file, line: line)
}

/// Asserts a tensor's shape and values.
func assertClose(_ actual: Tensor, _ expected: [TensorScalar], shape: [Int], rtol: TensorScalar = 1e-4, atol: TensorScalar = 1e-5,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, shape, message(), file: file, line: line)
    assertClose(actual.scalars, expected, rtol: rtol, atol: atol, message(), file: file, line: line)
}

/// Asserts that two scalars are within `atol + rtol·|expected|`.
func assertClose(_ actual: TensorScalar, _ expected: TensorScalar, rtol: TensorScalar = 1e-4, atol: TensorScalar = 1e-5,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    assertClose([actual], [expected], rtol: rtol, atol: atol, message(), file: file, line: line)
}

/// Asserts that `body` throws a ``TensorError`` whose description contains every fragment
/// (the op name, the shapes…); returns the error.
@discardableResult
func assertThrowsTensorError<T>(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                                _ body: () throws -> T) -> TensorError? {
    do {
        let value = try body()
        XCTFail("expected a TensorError containing \(fragments), got a value \(value)", file: file, line: line)
        return nil
    } catch let error as TensorError {
        let text = error.description
        for f in fragments where !text.contains(f) {
            XCTFail("error \"\(text)\" does not mention \"\(f)\"", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected a TensorError, got \(error)", file: file, line: line)
        return nil
    }
}

// MARK: - Reference vectors

/// One object of a reference-vector file (`Tests/M2TensorTests/Fixtures/*.json`).
struct Fixture {
    let object: [String: Any]

    /// Loads `Fixtures/<name>.json` from the test bundle.
    static func load(_ name: String) throws -> Fixture {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError.missing("Fixtures/\(name).json")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let object = json as? [String: Any] else { throw FixtureError.malformed(name) }
        return Fixture(object: object)
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    subscript(_ key: String) -> Fixture {
        get throws {
            guard let o = object[key] as? [String: Any] else { throw FixtureError.malformed(key) }
            return Fixture(object: o)
        }
    }

    func list(_ key: String) throws -> [Fixture] {
        guard let a = object[key] as? [[String: Any]] else { throw FixtureError.malformed(key) }
        return a.map(Fixture.init)
    }

    func double(_ key: String) throws -> Double {
        guard let n = object[key] as? NSNumber else { throw FixtureError.malformed(key) }
        return n.doubleValue
    }

    func int(_ key: String) throws -> Int { Int(try double(key)) }

    func ints(_ key: String) throws -> [Int] {
        guard let a = object[key] as? [NSNumber] else { throw FixtureError.malformed(key) }
        return a.map(\.intValue)
    }

    /// A `{"shape": [...], "data": [...]}` entry as a Float32 tensor.
    func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
        guard let o = object[key] as? [String: Any], let shape = o["shape"] as? [NSNumber], let data = o["data"] as? [NSNumber] else {
            throw FixtureError.malformed(key)
        }
        return try Tensor(data.map { TensorScalar($0.doubleValue) }, shape: shape.map(\.intValue), requiresGrad: requiresGrad)
    }
}

enum FixtureError: Error { case missing(String), malformed(String) }

// MARK: - Random inputs

/// Standard-normal values of a shape, as a leaf.
func randn(_ shape: [Int], seed: UInt64, scale: TensorScalar = 1, requiresGrad: Bool = true) throws -> Tensor {
    try Tensor.randn(shape, std: scale, generator: RandomGenerator(seed: seed), requiresGrad: requiresGrad)
}

/// Random values whose magnitude is at least `margin` (away from the kinks of relu, abs…).
func randnAwayFromZero(_ shape: [Int], seed: UInt64, margin: TensorScalar = 0.1) throws -> Tensor {
    let v = try randn(shape, seed: seed, requiresGrad: false).scalars.map { $0 < 0 ? $0 - margin : $0 + margin }
    return try Tensor(v, shape: shape, requiresGrad: true)
}

/// Pairwise distinct values spaced `spacing` apart in random order (for max and max-pool,
/// whose arg-max must not change under a finite-difference step).
func distinctValues(_ shape: [Int], seed: UInt64, spacing: TensorScalar = 0.1) throws -> Tensor {
    let n = shape.reduce(1, *)
    var values = (0..<n).map { TensorScalar($0) * spacing - TensorScalar(n) * spacing / 2 }
    var g = RandomGenerator(seed: seed)
    values.shuffle(using: &g)
    return try Tensor(values, shape: shape, requiresGrad: true)
}

// MARK: - Finite differences

/// Checks the gradients of `f` with respect to every input against central differences.
///
/// The scalar that is differentiated is `Σ r ⊙ f(inputs)` for a fixed random `r` (so that
/// errors cannot cancel in a plain sum); it is accumulated in `Double` from the Float32
/// outputs, so the only rounding left is the op's own. Inputs must be contiguous leaves that
/// require gradients; `f` must be smooth within `eps` of them.
func checkGradients(_ inputs: [Tensor], eps: TensorScalar = 1e-2, rtol: TensorScalar = 1e-2, atol: TensorScalar = 2e-3, seed: UInt64 = 99,
                    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line,
                    _ f: ([Tensor]) throws -> Tensor) throws {
    for x in inputs {
        precondition(x.isContiguous && x.isLeaf && x.requiresGrad, "gradient-check inputs must be contiguous leaves that require gradients")
        x.zeroGrad()
    }
    let y = try f(inputs)
    let weights = try Tensor.randn(y.shape, generator: RandomGenerator(seed: seed)).scalars
    let loss = try (y * Tensor(weights, shape: y.shape)).sum()
    try loss.backward()
    func objective() throws -> Double {
        let out = try withNoGrad { try f(inputs) }.scalars
        var s = 0.0
        for (a, b) in zip(out, weights) { s += Double(a) * Double(b) }
        return s
    }
    for (k, x) in inputs.enumerated() {
        let analytic = x.grad?.scalars ?? [TensorScalar](repeating: 0, count: x.count)
        XCTAssertEqual(x.grad?.shape ?? x.shape, x.shape, "gradient shape of input \(k)", file: file, line: line)
        var numeric = [TensorScalar](repeating: 0, count: x.count)
        let p = x.storage.pointer + x.offset
        for i in 0..<x.count {
            let saved = p[i]
            p[i] = saved + eps
            let plus = try objective()
            p[i] = saved - eps
            let minus = try objective()
            p[i] = saved
            numeric[i] = TensorScalar((plus - minus) / (2 * Double(eps)))
        }
        assertClose(analytic, numeric, rtol: rtol, atol: atol, "\(message()) input \(k) analytic vs numeric gradient:", file: file, line: line)
    }
}
