/// Which step of a backward sweep is the last to touch each leaf, for
/// ``withLeafGradientObserver(_:_:)``.
struct LeafReadiness {
    private var lastUse: [ObjectIdentifier: Int] = [:]
    private let observer: (Tensor) -> Void

    /// Nil without an observer (the sweep then costs nothing more).
    init?(_ order: [Tensor], observer: ((Tensor) -> Void)?) {
        guard let observer else { return nil }
        self.observer = observer
        for (i, t) in order.reversed().enumerated() {
            for p in t.gradFn?.parents ?? [] where p.gradFn == nil { lastUse[ObjectIdentifier(p)] = i }
        }
    }

    /// After sweep step `i` ran `node`: tells the observer of the leaves it was the last to read.
    func swept(_ i: Int, _ node: GradNode) {
        for p in node.parents where p.gradFn == nil && lastUse[ObjectIdentifier(p)] == i { observer(p) }
    }
}
