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

    /// m2t re-executes itself on the portable family only when nobody chose one, the CPU can
    /// run it, and OpenBLAS did not pick it already.
    func testTheProcessRepinsOnlyWhenNothingWasChosen() {
        let avx2: Set<Substring> = ["sse2", "avx", "avx2", "fma", "avx512f"]
        XCTAssertTrue(BLASKernels.shouldRepin(environment: [:], cpuFlags: avx2, loaded: "Cooperlake"))
        XCTAssertTrue(BLASKernels.shouldRepin(environment: [:], cpuFlags: avx2, loaded: "Zen"))
        XCTAssertFalse(BLASKernels.shouldRepin(environment: [:], cpuFlags: avx2, loaded: "Haswell"), "already on it: no exec")
        XCTAssertFalse(BLASKernels.shouldRepin(environment: ["OPENBLAS_CORETYPE": "Cooperlake"], cpuFlags: avx2, loaded: "Cooperlake"),
                       "the user's choice wins")
        XCTAssertFalse(BLASKernels.shouldRepin(environment: [:], cpuFlags: ["sse2", "avx"], loaded: "Sandybridge"), "no AVX2")
        XCTAssertFalse(BLASKernels.shouldRepin(environment: [:], cpuFlags: ["sse2", "avx", "avx2"], loaded: "Sandybridge"), "no FMA")
    }
}
