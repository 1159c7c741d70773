import Foundation
import XCTest
@testable import Momentum2

/// `m2t bench --allreduce`'s measurement and fit, on ranks that are threads of this process.
final class AllReduceBenchmarkTests: XCTestCase {
    /// The fit recovers a line it is given, and weights small and large sizes alike.
    func testFitRecoversTheCostModel() {
        let a = 2e-4, b = 1 / 7e8
        let points = [4096.0, 65536, 1_048_576, 16_777_216].map { ($0, a + b * $0) }
        let fit = AllReduceBenchmark.fitLine(points)
        XCTAssertEqual(fit.a, a, accuracy: a * 1e-9)
        XCTAssertEqual(fit.b, b, accuracy: b * 1e-9)
        let figures = AllReduceBenchmark.Figures(ranks: 4, points: [], latencySeconds: a, bandwidthBytesPerSecond: 1e9)
        XCTAssertEqual(figures.predictedSeconds(bytes: 4e6, ranks: 4, calls: 2), 2 * a + 1.5 * 4e6 / 1e9, accuracy: 1e-15)
        XCTAssertEqual(figures.predictedSeconds(bytes: 4e6, ranks: 1), 0)
    }

    /// Every rank reports the same figures (the slowest rank's medians), one point per size.
    func testEveryRankReportsTheSameFigures() throws {
        let hub = LocalProcessGroup.Hub(size: 2)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { r in
            results.set(r, Result { try AllReduceBenchmark.run(group: hub.group(rank: r), sizes: [4096, 65536], repeats: 3) })
        }
        let a = try results.get(0), b = try results.get(1)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.points.map(\.bytes), [4096, 65536])
        XCTAssertTrue(a.points.allSatisfy { $0.seconds > 0 && $0.busBytesPerSecond > 0 })
    }

    /// One rank has nothing to measure: a clear error, not a figure.
    func testOneRankIsRefused() {
        XCTAssertThrowsError(try AllReduceBenchmark.run(group: LocalProcessGroup.Hub(size: 1).group(rank: 0))) {
            XCTAssertTrue("\($0)".contains("at least 2 ranks"), "\($0)")
        }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Result<AllReduceBenchmark.Figures, Error>] = [:]
        func set(_ r: Int, _ v: Result<AllReduceBenchmark.Figures, Error>) { lock.lock(); values[r] = v; lock.unlock() }
        func get(_ r: Int) throws -> AllReduceBenchmark.Figures { lock.lock(); defer { lock.unlock() }; return try values[r]!.get() }
    }
}
