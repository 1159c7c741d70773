import XCTest
import M2Tensor

/// `linear`, `l2Normalize`, `cosineSimilarity`, `logSoftmax`/`softmax` and `crossEntropy`
/// (the Momentum² loss on top of them is the method's: Momentum2Tests/LossTests).
final class LossesTests: XCTestCase {
    func testLinearMatchesReferenceVectors() throws {
        let c = try Fixture.load("layers")["linear"]
        let x = try c.tensor("input", requiresGrad: true)
        let w = try c.tensor("weight", requiresGrad: true)
        let b = try c.tensor("bias", requiresGrad: true)
        let y = try linear(x, weight: w, bias: b)
        assertClose(y, try c.tensor("output"))
        try y.backward(c.tensor("grad_output"))
        assertClose(try XCTUnwrap(x.grad), try c.tensor("grad_input"))
        assertClose(try XCTUnwrap(w.grad), try c.tensor("grad_weight"))
        assertClose(try XCTUnwrap(b.grad), try c.tensor("grad_bias"))
    }

    func testCrossEntropyMatchesReferenceVectors() throws {
        let c = try Fixture.load("layers")["cross_entropy"]
        let logits = try c.tensor("logits", requiresGrad: true)
        let loss = try crossEntropy(logits, targets: c.ints("target"))
        XCTAssertEqual(loss.shape, [])
        assertClose(try loss.item(), TensorScalar(try c.double("loss")))
        try loss.backward()
        assertClose(try XCTUnwrap(logits.grad), try c.tensor("grad_logits"))
    }

    func testValuesByHand() throws {
        let v = try Tensor([3, 4, 0, -2], shape: [2, 2])
        assertClose(try l2Normalize(v), [0.6, 0.8, 0, -1], shape: [2, 2])
        assertClose(try l2Normalize(v, axis: 0), [1, 4 / TensorScalar(20).squareRoot(), 0, -2 / TensorScalar(20).squareRoot()], shape: [2, 2])
        // A zero row stays zero (the norm is clamped by eps).
        assertClose(try l2Normalize(Tensor.zeros([1, 3])), [0, 0, 0], shape: [1, 3])
        let logits = try Tensor([1, 2, 3, 1000, 1000, 1000], shape: [2, 3])
        let sm = try softmax(logits)
        let e = [1, TensorScalar(M_E), TensorScalar(M_E * M_E)], z = e.reduce(0, +)
        let third: TensorScalar = 1.0 / 3
        let sm1: [TensorScalar] = e.map { $0 / z } + [third, third, third]
        assertClose(sm, sm1, shape: [2, 3])
        let logSm = e.map { Foundation.log($0 / z) } + [TensorScalar](repeating: -Foundation.log(3), count: 3)
        assertClose(try logSoftmax(logits), logSm, shape: [2, 3])
        assertClose(try softmax(logits, axis: 0), [0, 0, 0, 1, 1, 1], shape: [2, 3])
        // Cosine similarity: 1 for parallel rows whatever their lengths, −1 opposite, 0 orthogonal.
        let q = try randn([3, 4], seed: 1, requiresGrad: false)
        assertClose(try cosineSimilarity(q, q * 2), [1, 1, 1], shape: [3])
        assertClose(try cosineSimilarity(q, -q), [-1, -1, -1], shape: [3])
        assertClose(try cosineSimilarity(Tensor([1, 0, 0, 1], shape: [2, 2]), Tensor([0, 0, 2, 3], shape: [2, 2]), axis: 0), [0, 1], shape: [2])
        assertClose(try linear(Tensor([1, 2], shape: [2]), weight: Tensor([1, 0, 1, 1], shape: [2, 2])), [1, 3], shape: [2])
    }

    func testGradientsByFiniteDifferences() throws {
        let x = try randn([3, 5], seed: 1), w = try randn([4, 5], seed: 2), b = try randn([4], seed: 3)
        try checkGradients([x, w, b]) { t in try linear(t[0], weight: t[1], bias: t[2]) }
        let x1 = try randn([5], seed: 4)
        try checkGradients([x1, w]) { t in try linear(t[0], weight: t[1]) }
        let v = try randn([3, 4], seed: 5)
        try checkGradients([v]) { t in try l2Normalize(t[0]) }
        try checkGradients([v]) { t in try l2Normalize(t[0], axis: 0) }
        let l = try randn([4, 5], seed: 6, scale: 2)
        try checkGradients([l]) { t in try logSoftmax(t[0]) }
        try checkGradients([l]) { t in try softmax(t[0], axis: 0) }
        try checkGradients([l]) { t in try crossEntropy(t[0], targets: [0, 4, 4, 2]) }
        let q1 = try randn([4, 6], seed: 7), k1 = try randn([4, 6], seed: 9)
        try checkGradients([q1, k1]) { t in try cosineSimilarity(t[0], t[1]) }
        // Softmax over a 3-D tensor's middle axis.
        let s = try randn([2, 3, 2], seed: 11)
        try checkGradients([s]) { t in try logSoftmax(t[0], axis: 1) }
    }

    func testNonContiguousInputs() throws {
        let base = try randn([5, 4], seed: 20, requiresGrad: false)
        let xT = try base.transpose()              // [4, 5]
        let w = try randn([5, 3], seed: 21, requiresGrad: false).transpose()  // [3, 5], transposed storage
        assertClose(try linear(xT, weight: w), try linear(xT.copy(), weight: w.copy()))
        assertClose(try l2Normalize(xT), try l2Normalize(xT.copy()))
        assertClose(try logSoftmax(xT), try logSoftmax(xT.copy()))
        assertClose(try crossEntropy(xT, targets: [1, 2, 3, 4]), try crossEntropy(xT.copy(), targets: [1, 2, 3, 4]))
        let q = try xT.index([.slice(start: nil, end: nil, step: 2)])
        let k = try randn([2, 5], seed: 22, requiresGrad: false)
        assertClose(try cosineSimilarity(q, k), try cosineSimilarity(q.copy(), k))
    }

    func testRejectsBadArguments() throws {
        assertThrowsTensorError(["linear", "[3, 5]", "[4, 6]"]) { try linear(Tensor.zeros([3, 5]), weight: Tensor.zeros([4, 6])) }
        assertThrowsTensorError(["linear bias", "[3]"]) { try linear(Tensor.zeros([3, 5]), weight: Tensor.zeros([4, 5]), bias: Tensor.zeros([3])) }
        assertThrowsTensorError(["cross_entropy", "[4]"]) { try crossEntropy(Tensor.zeros([4]), targets: [0]) }
        assertThrowsTensorError(["cross_entropy", "index 5", "size 5"]) { try crossEntropy(Tensor.zeros([2, 5]), targets: [0, 5]) }
        assertThrowsTensorError(["cross_entropy", "index -1"]) { try crossEntropy(Tensor.zeros([2, 5]), targets: [0, -1]) }
        assertThrowsTensorError(["cross_entropy", "3 targets", "2 rows"]) { try crossEntropy(Tensor.zeros([2, 5]), targets: [0, 1, 2]) }
        assertThrowsTensorError(["cosine_similarity", "[4, 6]", "[4, 5]"]) { try cosineSimilarity(Tensor.zeros([4, 6]), Tensor.zeros([4, 5])) }
        assertThrowsTensorError(["axis 2", "rank 2"]) { try logSoftmax(Tensor.zeros([2, 3]), axis: 2) }
        assertThrowsTensorError(["axis -3", "rank 2"]) { try l2Normalize(Tensor.zeros([2, 3]), axis: -3) }
    }
}
