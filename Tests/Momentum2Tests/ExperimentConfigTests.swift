import Foundation
import XCTest
import Momentum2

/// The experiment's JSON, as results.json shows it and checkpoints record it.
final class ExperimentConfigTests: XCTestCase {
    func config(_ budget: ExperimentConfig.Budget, _ data: DataSource) -> ExperimentConfig {
        ExperimentConfig(data: data, method: MethodConfig(backbone: .init(depth: 18, width: 4, inChannels: 1, stem: .small), totalSteps: 1), budget: budget)
    }

    func json(_ c: ExperimentConfig) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try c.json().utf8)) as? [String: Any])
    }

    /// `"budget": {"minutes": 3}` and `"data": {"kind": …}`, not Swift's `{"_0": 3}`.
    func testPlainJSON() throws {
        let j = try json(config(.minutes(3), .fashionMNIST(directory: nil)))
        XCTAssertEqual(j["budget"] as? [String: Double], ["minutes": 3])
        XCTAssertEqual(j["data"] as? [String: String], ["kind": "fashion-mnist"])
        let f = try json(config(.steps(300), .imageFolder(train: "a/train", test: nil, size: 64)))
        XCTAssertEqual(f["budget"] as? [String: Int], ["steps": 300])
        XCTAssertEqual(f["data"] as? NSDictionary, ["kind": "folder", "train": "a/train", "size": 64])
    }

    func testRoundTrip() throws {
        for (b, d) in [(ExperimentConfig.Budget.epochs(1.5), DataSource.cifar10(directory: "/data/cifar")),
                       (.steps(7), .fashionMNIST(directory: "/x")), (.minutes(0.5), .imageFolder(train: "t", test: "v", size: 32))] {
            let back = try JSONDecoder().decode(ExperimentConfig.self, from: Data(try config(b, d).json().utf8))
            XCTAssertEqual(back.budget, b)
            XCTAssertEqual(back.data, d)
        }
    }

    /// Checkpoints written before the plain form still resume and evaluate.
    func testReadsTheEarlierEncoding() throws {
        var j = try json(config(.steps(1), .fashionMNIST(directory: nil)))
        j["budget"] = ["minutes": ["_0": 30]]
        j["data"] = ["fashionMNIST": [String: String]()]
        let old = try JSONDecoder().decode(ExperimentConfig.self, from: JSONSerialization.data(withJSONObject: j))
        XCTAssertEqual(old.budget, .minutes(30))
        XCTAssertEqual(old.data, .fashionMNIST(directory: nil))
        j["data"] = ["imageFolder": ["train": "a", "size": 16]]
        XCTAssertEqual(try JSONDecoder().decode(ExperimentConfig.self, from: JSONSerialization.data(withJSONObject: j)).data,
                       .imageFolder(train: "a", test: nil, size: 16))
    }

    /// The experiment a checkpoint recorded comes back with it, read once.
    func testTrainerStateCarriesTheExperiment() throws {
        let c = config(.steps(2), .cifar10(directory: "/c"))
        let state = TrainerState(step: 0, method: c.method, loader: nil, teacherBN: [:], lastLoss: nil, elapsed: 0,
                                 run: [ExperimentConfig.runInfoKey: try c.json()])
        XCTAssertEqual(state.experiment?.data, .cifar10(directory: "/c"))
        XCTAssertNil(TrainerState(step: 0, method: c.method, loader: nil, teacherBN: [:], lastLoss: nil, elapsed: 0).experiment)
    }
}

extension ExperimentConfigTests {
    /// Records written before the probe could be chosen evaluate with the default probe.
    func testProbeDefaultsToLBFGS() throws {
        var j = try json(config(.steps(1), .fashionMNIST(directory: nil)))
        XCTAssertNil(j["probe"])
        let old = try JSONDecoder().decode(ExperimentConfig.self, from: JSONSerialization.data(withJSONObject: j))
        XCTAssertEqual(old.probeKind, .lbfgs)
        j["probe"] = "sgd"
        XCTAssertEqual(try JSONDecoder().decode(ExperimentConfig.self, from: JSONSerialization.data(withJSONObject: j)).probeKind, .sgd)
    }
}
