import Foundation
import XCTest

/// `m2t bench --step` prints SGEMM and the training step only, under the keys of the full
/// report, so scripts/step-ratio.sh can read either.
final class BenchStepTests: XCTestCase {
    func testPrintsTheStepFigures() throws {
        let run = try runM2T(["bench", "--step", "--width", "4", "--size", "8", "--channels", "1", "--batch", "4", "--repeats", "1"])
        XCTAssertEqual(run.status, 0, run.err)
        let figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Double], run.out)
        XCTAssertEqual(Set(figures.keys), ["sgemmGFLOPS", "threads", "m2t_step_s", "m2t_step_images_per_s", "m2t_step_effective_gflops", "m2t_step_ratio_to_sgemm"])
        for (key, value) in figures { XCTAssertGreaterThan(value, 0, key) }
        XCTAssertEqual(try XCTUnwrap(figures["m2t_step_images_per_s"]) * (figures["m2t_step_s"] ?? 0), 4, accuracy: 1e-9)
    }
}
