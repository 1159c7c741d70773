import Foundation

/// The per-step schedules of the method (SPEC §2), as pure functions of the step.
public enum Schedule {
    /// Teacher EMA momentum at step k of K: `m_k = 1 − (1 − m₀)·(cos(πk/K) + 1)/2`.
    public static func teacherMomentum(step k: Int, total K: Int, base m0: Double = 0.99) -> Double {
        1 - (1 - m0) * (cos(Double.pi * Double(k) / Double(max(K, 1))) + 1) / 2
    }

    /// Momentum-BN weight after t of T iterations: `α_t = (cos(πt/T) + 1)/2`, staying at 0
    /// past the end (the cosine would rise again). The teacher's BN layers take their α here.
    public static func bnMomentum(iteration t: Int, total T: Int) -> Double {
        (cos(Double.pi * Double(min(t, T)) / Double(max(T, 1))) + 1) / 2
    }

    /// Learning rate at step k of K: linear warm-up from `start` to `base` over W steps, then
    /// cosine to 0 over the remaining K − W.
    public static func warmupCosine(step k: Int, total K: Int, warmup W: Int, base: Double, start: Double = 1e-6) -> Double {
        if k < W { return start + (base - start) * Double(k) / Double(W) }
        let span = max(K - W, 1)
        return base * (1 + cos(Double.pi * Double(k - W) / Double(span))) / 2
    }

    /// Cosine from `base` to 0 over K steps.
    public static func cosine(step k: Int, total K: Int, base: Double) -> Double {
        base * (1 + cos(Double.pi * Double(k) / Double(max(K, 1)))) / 2
    }

    /// The linear scaling rule: `lr = base_per_256 · batch / 256`.
    public static func scaledLearningRate(basePer256: Double, batch: Int) -> Double { basePer256 * Double(batch) / 256 }
}
