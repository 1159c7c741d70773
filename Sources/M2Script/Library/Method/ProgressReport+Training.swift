import Momentum2

extension ProgressReport {
    /// A trainer's event as a host shows it: a step updates the progress line, a note is a
    /// line of its own.
    public init(_ event: TrainingEvent) {
        switch event {
        case .step(let p): self = .update(text: p.line, fraction: Double(p.done) / Double(max(p.total, 1)), milestone: p.isLogged)
        case .note(let text): self = .note(text)
        }
    }
}
