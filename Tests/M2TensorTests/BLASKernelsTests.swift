@testable import M2Tensor
import Foundation
import XCTest

/// The OpenBLAS kernel family is known and travels with `m2t bench`'s report.
final class BLASKernelsTests: XCTestCase {
    func testTheFamilyIsNamedAndReported() throws {
        let name = BLASKernels.name
        XCTAssertFalse(name.isEmpty)
        XCTAssertNotEqual(name, "unknown")
        if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !chosen.isEmpty {
            XCTAssertEqual(name.lowercased(), chosen.lowercased(), "OPENBLAS_CORETYPE chooses the family")
        }
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(BenchmarkReport().jsonString.utf8)) as? [String: Any])
        XCTAssertEqual(report["blasKernels"] as? String, name)
        XCTAssertTrue(BLASKernels.note.contains(name))
    }
}
