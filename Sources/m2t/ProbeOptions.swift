import ArgumentParser
import M2Script

/// The linear probe's options, shared by the commands that evaluate (`pretrain`, `eval`).
struct ProbeOptions: ParsableArguments {
    @Option(help: "Linear probe: lbfgs (logistic regression solved to its optimum, L2 chosen on held-out training data) or sgd (the earlier 30 epochs of SGD).") var probe: ProbeKind = .lbfgs
    @Option(help: "Epochs of the SGD probe (with --probe sgd; default 30).") var probeEpochs: Int?

    /// Sets the experiment's probe, and the SGD probe's epochs when they are given.
    /// - Throws: `ValidationError` for epochs given to the L-BFGS probe, or not positive.
    func apply(to config: inout ExperimentConfig) throws {
        config.probe = probe
        guard let probeEpochs else { return }
        guard probe == .sgd else { throw ValidationError("--probe-epochs is the SGD probe's: add --probe sgd") }
        guard probeEpochs > 0 else { throw ValidationError("--probe-epochs must be positive") }
        config.probeEpochs = probeEpochs
    }
}

extension ProbeKind: ExpressibleByArgument {}
