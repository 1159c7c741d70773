/// Winograd-transformed weights computed once for a scope and used by every convolution in
/// it that runs on those weights (``withPreparedWinogradWeights(forward:inputGradient:_:)``).
///
/// A Momentum² step runs the student forward on both views, its backward on both, and the
/// teacher forward on both, each on its own core (``Parallel/branches(_:_:keepGradients:)``):
/// without preparing, every one of those six convolutions transforms its weights again, 5%
/// of the step at the demo's settings. Prepared, each is transformed once, on both cores,
/// before the branches start.
final class WinogradPreparedWeights {
    struct Key: Hashable {
        let address: UInt, transposed: Bool, outChannels: Int, inChannels: Int
    }

    /// The transforms, in ``Winograd/transformWeights(_:_:transposed:)``'s layout.
    private let transforms: [Key: Storage]
    /// Keeps the weights alive and unmoved for the scope, so an address names one tensor.
    private let weights: [Tensor]

    init(forward: [Tensor], inputGradient: [Tensor]) throws {
        var transforms: [Key: Storage] = [:]
        var kept: [Tensor] = []
        for (list, transposed) in [(forward, false), (inputGradient, true)] {
            for w in list where w.isContiguous && w.rank == 4 && w.shape[2] == 3 && w.shape[3] == 3 {
                let (co, ci) = (w.shape[0], w.shape[1])
                // The path's choice and the transform read the channel counts only; the image
                // size is immaterial.
                let g = try ConvGeometry(input: [1, ci, 4, 4], outChannels: co, kernelH: 3, kernelW: 3, stride: 1, padding: 1, op: "winograd weights")
                let key = Key(address: UInt(bitPattern: w.base), transposed: transposed, outChannels: co, inChannels: ci)
                guard Winograd.suits(g), transforms[key] == nil else { continue }
                transforms[key] = try Winograd.transformWeights(w.base, g, transposed: transposed)
                kept.append(w)
            }
        }
        (self.transforms, self.weights) = (transforms, kept)
    }

    /// Number of prepared transforms.
    var count: Int { transforms.count }

    /// The prepared transform of the weights at `w` for `g`, if there is one.
    func transform(of w: UnsafePointer<TensorScalar>, _ g: ConvGeometry, transposed: Bool) -> Storage? {
        transforms[Key(address: UInt(bitPattern: w), transposed: transposed, outChannels: g.outChannels, inChannels: g.inChannels)]
    }
}

/// Runs `body` with the Winograd transforms of `forward` (for convolutions' outputs) and
/// `inputGradient` (for their input gradients) computed once up front: every convolution in
/// `body`, on this thread or in its ``Parallel/branches(_:_:keepGradients:)``, that runs on one
/// of those weights uses the prepared transform instead of computing its own. Weights the
/// Winograd path does not take (not 3×3, fewer channels) are skipped.
///
/// The weights must not change inside `body` (a transform would be stale); the results are
/// the same bit for bit as without preparing.
public func withPreparedWinogradWeights<R>(forward: [Tensor], inputGradient: [Tensor], _ body: () throws -> R) throws -> R {
    let context = ThreadContext.current
    let prepared = try WinogradPreparedWeights(forward: forward, inputGradient: inputGradient)
    let saved = context.preparedWinogradWeights
    context.preparedWinogradWeights = prepared
    defer { context.preparedWinogradWeights = saved }
    return try body()
}
