import Foundation
import Momentum2

/// Measures what the language costs in a training loop: the same Momentum² configuration,
/// the same inputs, stepped natively (`m2.step(x1, x2)` in Swift) and by a script
/// (`for i in range(n) { m2.step(x1, x2) }`).
public enum LanguageBenchmark {
    /// Seconds per step, the median of each side over alternating single steps.
    public struct Figures: Codable, Sendable {
        public var native: Double
        public var script: Double
        /// Whether the two loops did the same work: as many steps, and students with the same
        /// bits at the end (the script calls the same engine on the same inputs).
        public var sameResult: Bool
        /// `script / native − 1`.
        public var overhead: Double { script / native - 1 }
    }

    /// Times `steps × repeats` steps on each side after one warm-up step each (two models with
    /// identical weights, one pair of inputs), one native step and one scripted step in turn,
    /// the order swapped every pair.
    /// - Returns: seconds per step, native and scripted (medians).
    public static func stepOverhead(steps: Int = 10, repeats: Int = 3, width: Int = 16, batch: Int = 32, size: Int = 28,
                                    channels: Int = 1) throws -> (native: Double, script: Double) {
        let figures = try measure(steps: steps, repeats: repeats, width: width, batch: batch, size: size, channels: channels)
        return (figures.native, figures.script)
    }

    /// ``stepOverhead(steps:repeats:width:batch:size:channels:)`` as a value.
    public static func measure(steps: Int = 10, repeats: Int = 3, width: Int = 16, batch: Int = 32, size: Int = 28,
                               channels: Int = 1) throws -> Figures {
        guard steps > 0, repeats > 0 else { throw RuntimeFailure("steps and repeats must be positive") }
        var config = MethodConfig(backbone: .init(depth: 18, width: width, inChannels: channels, stem: .small), hidden: 512, out: 128,
                                  batch: batch, totalSteps: (steps * repeats + 1) * 2)
        config.warmupSteps = 2
        let native = try Momentum2Teacher(config: config)
        let scripted = try Momentum2Teacher(config: config)
        let g = RandomGenerator(seed: 7)
        let x1 = try Tensor.randn([batch, channels, size, size], generator: g)
        let x2 = try Tensor.randn([batch, channels, size, size], generator: g)

        let session = Session(output: { _ in })
        session.interpreter.globals.define("m2", .object(try MethodObject(scripted)))
        session.interpreter.globals.define("x1", .tensor(x1))
        session.interpreter.globals.define("x2", .tensor(x2))
        // The loop statement included: each pair runs `for` over one step, parsed each time.
        let loop = "for i in range(1) { m2.step(x1, x2) }"

        _ = try native.step(x1, x2)
        if case .failure(let e) = session.run(source: "m2.step(x1, x2)", file: "<bench>") { throw RuntimeFailure(e.map(\.description).joined()) }
        // One step at a time, in pairs: on a shared machine the load drifts over seconds, and a
        // pair sees the same load; rounds of several steps each (the first design) read the
        // same code 10% apart either way from one run to the next.
        var nativeTimes: [Double] = [], scriptTimes: [Double] = []
        for pair in 0..<(steps * repeats) {
            for side in pair % 2 == 0 ? [0, 1] : [1, 0] {
                let t0 = Date()
                if side == 0 {
                    _ = try native.step(x1, x2)
                    nativeTimes.append(Date().timeIntervalSince(t0))
                } else {
                    if case .failure(let e) = session.run(source: loop, file: "<bench>") { throw RuntimeFailure(e.map(\.description).joined()) }
                    scriptTimes.append(Date().timeIntervalSince(t0))
                }
            }
        }
        if ProcessInfo.processInfo.environment["M2T_BENCH_VERBOSE"] != nil {
            print("native", nativeTimes, "script", scriptTimes)
        }
        let same = native.step == scripted.step && zip(native.student.stateDict(), scripted.student.stateDict()).allSatisfy { a, b in
            a.0 == b.0 && a.1.scalars.elementsEqual(b.1.scalars) { $0.bitPattern == $1.bitPattern }
        }
        return Figures(native: median(nativeTimes), script: median(scriptTimes), sameResult: same)
    }

    private static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
