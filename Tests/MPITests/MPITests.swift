import Foundation
import M2Tensor
import XCTest

/// `mpirun -np 2 m2t pretrain …` on this machine's loopback: the equivalence of SyncBN
/// with one process, per-rank BN keeping the ranks identical, refusals, a killed rank and
/// the resumes after it (docs/distributed.md).
final class MPITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun") else { throw XCTSkip("openmpi-bin is not installed (make deps)") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// The checks that do not depend on precision run once, in the Float32 build.
    func onlyInTheFloat32Build() throws {
        if Tensor.dtypeName != "float32" { throw XCTSkip("run once, in the Float32 build") }
    }

    /// A small, fast run: Fashion-MNIST (or its absence reported), ResNet-18 width 4.
    func arguments(_ out: String, steps: Int, batch: Int = 32, extra: [String] = []) -> [String] {
        ["pretrain", "--steps", "\(steps)", "--batch", "\(batch)", "--width", "4", "--hidden", "32", "--out", "16", "--view-size", "12",
         "--no-probe", "--no-monitor", "--train-limit", "512", "--test-limit", "64", "--log-every", "1",
         "--output", dir.appendingPathComponent(out).path] + extra
    }

    /// With `--sync-bn`, 2 ranks × 16 images reproduce 1 process × 32 (same seed): every
    /// loss within rel 1e-6 over 30 steps in the Float64 build, the first 10 within 1e-4 in
    /// Float32. The learning rate is small: early Momentum² steps at this scale amplify a
    /// rounding difference ten- to fiftyfold per step (docs/distributed.md), and what is
    /// checked is that the two computations are the same, not how chaos grows.
    func testSyncBNReproducesOneProcess() throws {
        let float64 = Tensor.dtypeName == "float64"
        let steps = float64 ? 30 : 10
        let extra = ["--sync-bn", "--lr", "0.005"]
        let one = try MPIRun.run(ranks: 0, arguments("one", steps: steps, extra: extra))
        XCTAssertEqual(one.status, 0, one.stderr)
        let two = try MPIRun.run(ranks: 2, arguments("two", steps: steps, extra: extra))
        XCTAssertEqual(two.status, 0, two.stderr)
        let a = try MPIRun.losses(dir.appendingPathComponent("one")), b = try MPIRun.losses(dir.appendingPathComponent("two"))
        XCTAssertEqual(a.count, steps)
        XCTAssertEqual(b.count, steps)
        let tolerance = float64 ? 1e-6 : 1e-4
        for (k, (x, y)) in zip(a, b).enumerated() { XCTAssertEqual(x, y, accuracy: tolerance * abs(x), "step \(k)") }
    }

    /// Per-rank BN, the default: the run trains, and both ranks end with byte-identical
    /// students and teachers (the teacher's running statistics averaged over the ranks).
    func testPerRankBNKeepsTheRanksIdentical() throws {
        try onlyInTheFloat32Build()
        let state = dir.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let run = try MPIRun.run(ranks: 2, arguments("perrank", steps: 12), environment: ["M2T_RANK_STATE": state.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let r0 = try Data(contentsOf: state.appendingPathComponent("rank-0.safetensors"))
        let r1 = try Data(contentsOf: state.appendingPathComponent("rank-1.safetensors"))
        XCTAssertGreaterThan(r0.count, 10_000)
        XCTAssertEqual(r0, r1, "the ranks hold different models")
        XCTAssertEqual(try MPIRun.losses(dir.appendingPathComponent("perrank")).count, 12)
    }

    /// A global batch that does not split over the ranks is refused before training.
    func testUnevenBatchIsRefused() throws {
        try onlyInTheFloat32Build()
        let run = try MPIRun.run(ranks: 2, arguments("uneven", steps: 2, batch: 33))
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("a batch of 33 does not split evenly over 2 ranks"), run.stderr)
    }

    /// `kill -9` of rank 1 mid-run ends the job within 30 s with a message naming the rank;
    /// the last checkpoint resumes on 2 ranks with the losses of an uninterrupted 2-rank run,
    /// and on 1 rank too.
    func testKilledRankEndsTheJobAndTheRunResumes() throws {
        try onlyInTheFloat32Build()
        let steps = 40, every = ["--checkpoint-every", "10"]
        let full = try MPIRun.run(ranks: 2, arguments("full", steps: steps, batch: 16, extra: every))
        XCTAssertEqual(full.status, 0, full.stderr)
        let expected = try MPIRun.losses(dir.appendingPathComponent("full"))

        let killed = dir.appendingPathComponent("killed")
        let job = try MPIRun.start(ranks: 2, arguments("killed", steps: steps, batch: 16, extra: every))
        let err = Pipe()
        job.standardError = err
        try job.run()
        let deadline = Date().addingTimeInterval(120)
        while (MPIRun.checkpointStep(killed) ?? 0) < 20, Date() < deadline, job.isRunning { usleep(50_000) }
        let rank1 = try XCTUnwrap(MPIRun.pid(ofRank: 1, marker: killed.path), "rank 1 not found")
        XCTAssertTrue(job.isRunning, "the run ended before rank 1 could be killed")
        kill(rank1, SIGKILL)
        let killedAt = Date()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        job.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(killedAt), 30)
        XCTAssertNotEqual(job.terminationStatus, 0)
        XCTAssertTrue(message.contains("rank 1"), message)
        let saved = try XCTUnwrap(MPIRun.checkpointStep(killed))
        XCTAssertGreaterThanOrEqual(saved, 20)

        // A copy for the one-rank resume.
        let single = dir.appendingPathComponent("single")
        try FileManager.default.copyItem(at: killed, to: single)
        let resumed = try MPIRun.run(ranks: 2, ["pretrain", "--resume", killed.appendingPathComponent("last.safetensors").path,
                                                "--no-probe", "--output", killed.path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try MPIRun.losses(killed), expected, "a resumed 2-rank run has the losses of an uninterrupted one")
        let alone = try MPIRun.run(ranks: 0, ["pretrain", "--resume", single.appendingPathComponent("last.safetensors").path,
                                              "--no-probe", "--output", single.path])
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertEqual(try MPIRun.losses(single).count, steps)
        XCTAssertEqual(MPIRun.checkpointStep(single), steps)
    }

    /// Ctrl-C on mpirun (SIGINT to mpirun, which gives the ranks SIGCONT, SIGTERM a second
    /// later and SIGKILL a second after that): the ranks stop at the same step, rank 0 writes
    /// the checkpoint of that step and says so once, and the run resumes to its end.
    func testCtrlCOnMpirunCheckpointsAndResumes() throws {
        try onlyInTheFloat32Build()
        let steps = 400
        let out = dir.appendingPathComponent("ctrlc")
        // No periodic checkpoint before the end: the one found is the interruption's.
        let job = try MPIRun.start(ranks: 2, arguments("ctrlc", steps: steps, batch: 16, extra: ["--checkpoint-every", "100000"]))
        let err = Pipe()
        job.standardError = err
        try job.run()
        let deadline = Date().addingTimeInterval(120)
        while ((try? MPIRun.losses(out).count) ?? 0) < 10, Date() < deadline, job.isRunning { usleep(50_000) }
        XCTAssertTrue(job.isRunning, "the run ended before it could be interrupted")
        kill(job.processIdentifier, SIGINT)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        job.waitUntilExit()
        XCTAssertNotEqual(job.terminationStatus, 0)
        let saved = try XCTUnwrap(MPIRun.checkpointStep(out), "no checkpoint after Ctrl-C: \(message)")
        XCTAssertGreaterThanOrEqual(saved, 10)
        XCTAssertLessThan(saved, steps)
        XCTAssertTrue(message.contains("interrupted at step \(saved): checkpoint saved"), message)
        XCTAssertEqual(message.components(separatedBy: "training stopped: interrupted").count, 2, "said once, by rank 0: \(message)")
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("last.json"))) as? [String: Any]
        XCTAssertEqual(state?["worldSize"] as? Int, 2, "the checkpoint records the run's world size")
        let resumed = try MPIRun.run(ranks: 2, ["pretrain", "--resume", out.appendingPathComponent("last.safetensors").path,
                                                "--no-probe", "--output", out.path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(MPIRun.checkpointStep(out), steps)
    }

    /// `mpirun -np 2 m2t run script.m2t` for a script that calls `pretrain(...)`: the ranks
    /// train one model (rank 0's metrics hold every step) and only rank 0 prints.
    func testScriptPretrainsDataParallel() throws {
        try onlyInTheFloat32Build()
        let out = dir.appendingPathComponent("script")
        let script = dir.appendingPathComponent("dp.m2t")
        try """
        let data = fashion_mnist(split: "train", limit: 256)
        let m2 = momentum2_teacher(resnet18(width: 4, channels: 1, stem: "small"), hidden: 32, out: 16, batch: 16, steps: 6)
        print("rank", rank(), "of", world_size())
        let r = pretrain(m2, data: data, steps: 6, output: "\(out.path)", log_every: 1, verbose: false)
        print("steps", r["step"], "mean", m2.teacher.backbone.bn1.running_mean.sum().item())
        """.write(to: script, atomically: true, encoding: .utf8)
        let p = try MPIRun.start(ranks: 2, ["run", script.path])
        let stdout = Pipe(), stderr = Pipe()
        (p.standardOutput, p.standardError) = (stdout, stderr)
        try p.run()
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, errors)
        XCTAssertEqual(text.components(separatedBy: "\n").filter { $0.hasPrefix("rank ") }, ["rank 0 of 2"], text)
        XCTAssertTrue(text.contains("steps 6 mean"), text)
        XCTAssertEqual(try MPIRun.losses(out).count, 6)
    }

    /// The evaluation after a 2-rank pre-training (rank 0 alone, on all its cores) prints the
    /// same table as `m2t eval` of the checkpoint in one process.
    func testEvaluationEqualsOneProcessEval() throws {
        try onlyInTheFloat32Build()
        let out = dir.appendingPathComponent("eval")
        var pretrain = arguments("eval", steps: 4).filter { $0 != "--no-probe" }
        pretrain += ["--no-baselines"]
        let trained = try MPIRun.output(ranks: 2, pretrain)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let evaluated = try MPIRun.output(ranks: 0, ["eval", out.appendingPathComponent("last.safetensors").path,
                                                     "--train-limit", "512", "--test-limit", "64"])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        // The figures of the table's first row: "<name>  53.10%  95.10%  47.00%".
        func figures(_ text: String) -> [String] {
            let row = text.components(separatedBy: "\n").first { $0.contains("teacher backbone") && $0.hasSuffix("%") } ?? ""
            return row.split(separator: " ").filter { $0.hasSuffix("%") }.map(String.init)
        }
        XCTAssertEqual(figures(trained.stdout).count, 3, trained.stdout)
        XCTAssertEqual(figures(trained.stdout), figures(evaluated.stdout), trained.stdout + evaluated.stdout)
    }

    /// Ranks stopped (SIGSTOP, as Ctrl-Z with job control does) and continued a few seconds
    /// later go on training: the SIGCONT that resumes them is not taken for mpirun's
    /// warning before a kill.
    func testStoppedAndContinuedRanksGoOn() throws {
        try onlyInTheFloat32Build()
        let out = dir.appendingPathComponent("stopped")
        let steps = 60
        let job = try MPIRun.start(ranks: 2, arguments("stopped", steps: steps, batch: 16))
        let err = Pipe()
        job.standardError = err
        try job.run()
        let deadline = Date().addingTimeInterval(120)
        while ((try? MPIRun.losses(out).count) ?? 0) < 5, Date() < deadline, job.isRunning { usleep(50_000) }
        let ranks = try [0, 1].map { try XCTUnwrap(MPIRun.pid(ofRank: $0, marker: out.path), "rank \($0) not found") }
        XCTAssertTrue(job.isRunning, "the run ended before it could be stopped")
        for pid in ranks { kill(pid, SIGSTOP) }
        sleep(3)
        for pid in ranks { kill(pid, SIGCONT) }
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        job.waitUntilExit()
        XCTAssertEqual(job.terminationStatus, 0, message)
        XCTAssertFalse(message.contains("interrupt"), message)
        XCTAssertEqual(try MPIRun.losses(out).count, steps)
    }
}
