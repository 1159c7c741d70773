import Foundation
import XCTest
import Momentum2

/// Loads a JSON fixture copied from the reference vectors.
func fixture(_ name: String) throws -> [String: Any] {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

/// A `{"shape": [...], "data": [...]}` object as a tensor.
func tensor(_ any: Any?) throws -> Tensor {
    let o = try XCTUnwrap(any as? [String: Any])
    let shape = try XCTUnwrap(o["shape"] as? [Int])
    let data = try XCTUnwrap(o["data"] as? [Double])
    return try Tensor(data.map { TensorScalar($0) }, shape: shape)
}

/// Elementwise `|a − b| ≤ atol + rtol·|b|`, reporting the worst element.
func assertClose(_ a: Tensor, _ b: Tensor, rtol: TensorScalar = 1e-4, atol: TensorScalar = 1e-5, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "shape \(message)", file: file, line: line)
    guard a.shape == b.shape else { return }
    let x = a.scalars, y = b.scalars
    var worst = 0, excess: TensorScalar = -.infinity
    for i in 0..<x.count {
        let e = abs(x[i] - y[i]) - (atol + rtol * abs(y[i]))
        if e > excess || e.isNaN { excess = e; worst = i }
    }
    if !x.isEmpty && !(excess <= 0) {
        XCTFail("\(message): element \(worst): \(x[worst]) vs \(y[worst])", file: file, line: line)
    }
}

func assertClose(_ a: [TensorScalar], _ b: Tensor, rtol: TensorScalar = 1e-4, atol: TensorScalar = 1e-5, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
    assertClose(try Tensor(a, shape: b.shape), b, rtol: rtol, atol: atol, message, file: file, line: line)
}

/// Skips a test that needs Debian's `dataset-fashion-mnist` when it is absent — except under
/// `CI=true`, where `make test` has installed it and its absence is a failure.
func requireFashionMNIST() throws {
    guard !FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory.appendingPathComponent("train-images-idx3-ubyte.gz").path) else { return }
    if ProcessInfo.processInfo.environment["CI"] == "true" { throw DataError.unreadable(path: FashionMNIST.defaultDirectory.path, reason: "Fashion-MNIST is missing under CI=true (make deps installs dataset-fashion-mnist)") }
    throw XCTSkip("dataset-fashion-mnist is not installed")
}
