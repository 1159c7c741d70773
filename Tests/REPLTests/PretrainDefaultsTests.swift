import Foundation
@testable import M2Tensor
import XCTest

/// `m2t pretrain` with no budget is the demo's recipe (a number of steps, batch 32, lr 0.6,
/// m₀ 0.97, weight decay 5e-4, 20×20 views on Fashion-MNIST), recorded in results.json; two budgets are refused.
final class PretrainDefaultsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-pretrain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// One step of a tiny network, no evaluation: enough to see the run's log and results.json.
    var tiny: [String] {
        ["pretrain", "--steps", "1", "--width", "2", "--hidden", "8", "--out", "4", "--no-probe", "--no-monitor",
         "--train-limit", "64", "--test-limit", "16", "--output", directory.path]
    }

    /// Skips unless the CPU has every one of `flags` (as /proc/cpuinfo names them; read as
    /// m2t reads them to choose its BLAS kernels).
    func requireCPU(_ flags: Substring...) throws {
        let cpu = BLASKernels.cpuFlags()
        guard flags.allSatisfy(cpu.contains) else {
            throw XCTSkip("the Haswell kernels need \(flags.map { $0.uppercased() }.joined(separator: " and "))")
        }
    }

    func testTheDefaultsAreTheDemoRecipe() throws {
        // A tiny network and two steps; the options not given are the defaults under test.
        let run = try runM2T(["pretrain", "--steps", "2", "--width", "2", "--hidden", "8", "--out", "4", "--no-probe", "--no-monitor",
                              "--train-limit", "64", "--test-limit", "16", "--output", directory.path])
        if run.status != 0, run.err.contains("Fashion-MNIST") { throw XCTSkip("Fashion-MNIST is not installed: \(run.err)") }
        XCTAssertEqual(run.status, 0, run.err)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json"))) as? [String: Any]
        let config = try XCTUnwrap(results?["config"] as? [String: Any])
        let method = try XCTUnwrap(config["method"] as? [String: Any])
        XCTAssertEqual(method["batch"] as? Int, 32)
        XCTAssertEqual(method["baseLearningRate"] as? Double, 0.6)
        XCTAssertEqual(method["baseMomentum"] as? Double, 0.97)
        XCTAssertEqual(method["weightDecay"] as? Double, 5e-4)
        XCTAssertEqual(config["viewSize"] as? Int, 20, "the default view size is recorded, so a resume keeps it")

        let both = try runM2T(["pretrain", "--steps", "2", "--minutes", "1", "--output", directory.path])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.err.contains("give one budget"), both.err)
    }

    /// The OpenBLAS kernel family is in the log and in results.json: Haswell's unless
    /// OPENBLAS_CORETYPE chooses another, so every run's digits match the README's.
    func testM2TRunsThePortableFamilyUnlessTold() throws {
        try requireCPU("avx2", "fma")
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        let run = try runM2T(tiny, environment: environment)
        if run.status != 0, run.err.contains("Fashion-MNIST") { throw XCTSkip("Fashion-MNIST is not installed: \(run.err)") }
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue((run.out + run.err).contains("BLAS kernels: Haswell"), run.out + run.err)

        environment["OPENBLAS_CORETYPE"] = "Zen"
        let chosen = try runM2T(tiny, environment: environment)
        XCTAssertEqual(chosen.status, 0, chosen.err)
        XCTAssertTrue((chosen.out + chosen.err).contains("BLAS kernels: Zen"), chosen.out + chosen.err)
    }

    /// OPENBLAS_CORETYPE=Haswell is recorded in results.json as well as in the log.
    func testTheRunRecordsItsBLASKernels() throws {
        try requireCPU("avx2")
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = "Haswell"
        let run = try runM2T(tiny, environment: environment)
        if run.status != 0, run.err.contains("Fashion-MNIST") { throw XCTSkip("Fashion-MNIST is not installed: \(run.err)") }
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue((run.out + run.err).contains("BLAS kernels: Haswell"), run.out + run.err)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json"))) as? [String: Any]
        XCTAssertEqual(results?["blasKernels"] as? String, "Haswell")
    }

    /// `--blur` and `--solarize` reach results.json (so that a resume keeps them); a bad
    /// value is refused by name before any training.
    func testBlurAndSolarizeAreRecordedAndChecked() throws {
        let run = try runM2T(tiny + ["--blur", "0.5", "--solarize", "0.1,0.3"])
        if run.status != 0, run.err.contains("Fashion-MNIST") { throw XCTSkip("Fashion-MNIST is not installed: \(run.err)") }
        XCTAssertEqual(run.status, 0, run.err)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json"))) as? [String: Any]
        let config = try XCTUnwrap(results?["config"] as? [String: Any])
        XCTAssertEqual(config["blur"] as? [Double], [0.5, 0.5])
        XCTAssertEqual(config["solarize"] as? [Double], [0.1, 0.3])

        for bad in ["1.5", "0.5,x", "1,0,0", ""] {
            let refused = try runM2T(tiny + ["--blur", bad])
            XCTAssertNotEqual(refused.status, 0, bad)
            XCTAssertTrue(refused.err.contains("--blur takes one probability or two"), "\(bad): \(refused.err)")
        }
        let solarize = try runM2T(tiny + ["--solarize", "0,2"])
        XCTAssertNotEqual(solarize.status, 0)
        XCTAssertTrue(solarize.err.contains("--solarize takes one probability or two"), solarize.err)
    }

    /// `--paper-preset` sets the paper's ImageNet recipe, and an option given with it
    /// overrides that option's value (as every other option does), rather than being ignored.
    func testOptionsGivenWithThePaperPresetOverrideIt() throws {
        let run = try runM2T(["pretrain", "--paper-preset", "--arch", "resnet18", "--stem", "small", "--batch", "8", "--width", "2",
                              "--hidden", "8", "--out", "4", "--weight-decay", "3e-4", "--lr", "0.3", "--steps", "1", "--no-probe",
                              "--no-monitor", "--train-limit", "16", "--test-limit", "16", "--output", directory.path])
        if run.status != 0, run.err.contains("Fashion-MNIST") { throw XCTSkip("Fashion-MNIST is not installed: \(run.err)") }
        XCTAssertEqual(run.status, 0, run.err)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json"))) as? [String: Any]
        let method = try XCTUnwrap((results?["config"] as? [String: Any])?["method"] as? [String: Any])
        XCTAssertEqual(method["batch"] as? Int, 8)
        XCTAssertEqual(method["hidden"] as? Int, 8)
        XCTAssertEqual(method["weightDecay"] as? Double, 3e-4)
        XCTAssertEqual(method["baseLearningRate"] as? Double, 0.3)
        XCTAssertEqual(method["baseMomentum"] as? Double, 0.99, "the preset's m0 where none is given")
        XCTAssertEqual(method["warmupSteps"] as? Int, 0, "the preset's warm-up where none is given")
        let backbone = try XCTUnwrap(method["backbone"] as? [String: Any])
        XCTAssertEqual(backbone["depth"] as? Int, 18)
        XCTAssertEqual(backbone["width"] as? Int, 2)
        XCTAssertEqual(backbone["stem"] as? String, "small")

        let unknown = try runM2T(tiny + ["--arch", "resnet101"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.err.contains("unknown --arch 'resnet101'"), unknown.err)
    }
}
