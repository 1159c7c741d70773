import XCTest
import M2Tensor

/// Creating tensors: initializers, constants, ranges, seeded random values, and refusals of
/// impossible sizes.
final class CreationTests: XCTestCase {
    func testInitializersAndAccessors() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], requiresGrad: true)
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t.strides, [3, 1])
        XCTAssertEqual(t.rank, 2)
        XCTAssertEqual(t.count, 6)
        XCTAssertTrue(t.requiresGrad && t.isLeaf && t.isContiguous)
        XCTAssertEqual(try t.value(at: [1, -1]), 6)
        XCTAssertEqual(try Tensor([7, 8]).shape, [2])
        XCTAssertEqual(try Tensor([], shape: [0]).scalars, [])
        XCTAssertEqual(try Tensor([], shape: [2, 0]).shape, [2, 0])
        XCTAssertEqual(try Tensor([4], shape: []).item(), 4)
        XCTAssertEqual(Tensor(scalar: 3).shape, [])
        XCTAssertEqual(try Tensor(scalar: 3).item(), 3)
        XCTAssertEqual(try Tensor([5], shape: [1, 1]).item(), 5)
        assertThrowsTensorError(["tensor", "[2, 2]", "3 values", "4 elements"]) { try Tensor([1, 2, 3], shape: [2, 2]) }
        assertThrowsTensorError(["[-1, 2]", "negative"]) { try Tensor([], shape: [-1, 2]) }
        assertThrowsTensorError(["item", "[2, 3]", "6 elements"]) { try t.item() }
        assertThrowsTensorError(["value(at:)", "rank 2"]) { try t.value(at: [0]) }
        assertThrowsTensorError(["value(at:)", "index 2", "size 2"]) { try t.value(at: [2, 0]) }
    }

    func testConstantsAndCopies() throws {
        XCTAssertEqual(try Tensor.zeros([2, 2]).scalars, [0, 0, 0, 0])
        XCTAssertEqual(try Tensor.ones([3]).scalars, [1, 1, 1])
        XCTAssertEqual(try Tensor.full(2.5, shape: [1, 2]).scalars, [2.5, 2.5])
        XCTAssertEqual(try Tensor.zeros([]).shape, [])
        XCTAssertTrue(try Tensor.zeros([2], requiresGrad: true).requiresGrad)
        XCTAssertEqual(try Tensor.eye(3).scalars, [1, 0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(try Tensor.eye(0).shape, [0, 0])
        let t = try Tensor.arange(0, 6).reshape([2, 3])
        XCTAssertEqual(try t.fullLike(7).scalars, [7, 7, 7, 7, 7, 7])
        let c = try t.transpose().copy()
        XCTAssertTrue(c.isContiguous)
        XCTAssertFalse(c.storage === t.storage)
        XCTAssertEqual(c.scalars, [0, 3, 1, 4, 2, 5])
        try c.fill(1)
        XCTAssertEqual(t.scalars, [0, 1, 2, 3, 4, 5])
    }

    func testRanges() throws {
        XCTAssertEqual(try Tensor.arange(0, 5).scalars, [0, 1, 2, 3, 4])
        XCTAssertEqual(try Tensor.arange(1, 2, step: 0.25).scalars, [1, 1.25, 1.5, 1.75])
        XCTAssertEqual(try Tensor.arange(5, 0, step: -2).scalars, [5, 3, 1])
        XCTAssertEqual(try Tensor.arange(0, 1, step: 0.1).count, 10)
        XCTAssertEqual(try Tensor.arange(3, 1).shape, [0])
        XCTAssertEqual(try Tensor.linspace(0, 1, count: 5).scalars, [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(try Tensor.linspace(2, 3, count: 1).scalars, [2])
        XCTAssertEqual(try Tensor.linspace(2, 3, count: 0).scalars, [])
        assertThrowsTensorError(["arange", "step"]) { try Tensor.arange(0, 1, step: 0) }
        assertThrowsTensorError(["arange", "finite"]) { try Tensor.arange(0, .infinity) }
        assertThrowsTensorError(["linspace", "count"]) { try Tensor.linspace(0, 1, count: -1) }
    }

    func testSeededRandomValues() throws {
        let a = try Tensor.randn([1000], generator: RandomGenerator(seed: 42))
        let b = try Tensor.randn([1000], generator: RandomGenerator(seed: 42))
        let c = try Tensor.randn([1000], generator: RandomGenerator(seed: 43))
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertNotEqual(a.scalars, c.scalars)
        let big = try Tensor.randn([20_000], mean: 3, std: 2, generator: RandomGenerator(seed: 1))
        XCTAssertEqual(try big.mean().item(), 3, accuracy: 0.05)
        XCTAssertEqual(try big.variance().sqrt().item(), 2, accuracy: 0.05)
        let u = try Tensor.uniform([20_000], low: -1, high: 3, generator: RandomGenerator(seed: 2))
        XCTAssertGreaterThanOrEqual(try u.min().item(), -1)
        XCTAssertLessThan(try u.max().item(), 3)
        XCTAssertEqual(try u.mean().item(), 1, accuracy: 0.05)
        XCTAssertTrue(try Tensor.uniform([2], generator: RandomGenerator(seed: 3), requiresGrad: true).requiresGrad)
        assertThrowsTensorError(["uniform", "low 2.0", "high 1.0"]) { try Tensor.uniform([2], low: 2, high: 1, generator: RandomGenerator(seed: 0)) }
        // A generator's state restores its sequence, including a pending normal value.
        let g = RandomGenerator(seed: 9)
        _ = g.nextNormal()
        let saved = g.state
        let expected = (0..<5).map { _ in g.nextNormal() }
        let h = RandomGenerator(seed: 0)
        h.state = saved
        XCTAssertEqual((0..<5).map { _ in h.nextNormal() }, expected)
    }

    func testImpossibleSizesThrowInsteadOfTrapping() throws {
        let error = assertThrowsTensorError(["refusing to allocate 1000000000000 elements"]) { try Tensor.zeros([1_000_000, 1_000_000]) }
        if case .allocationTooLarge(let elements, _, _)? = error { XCTAssertEqual(elements, 1_000_000_000_000) } else { XCTFail("\(String(describing: error))") }
        for shape in [[Int.max, 2], [1 << 40, 1 << 40], [Int.max]] {
            let e = assertThrowsTensorError(["refusing to allocate"]) { try Tensor.ones(shape) }
            guard case .allocationTooLarge? = e else { return XCTFail("\(shape): \(String(describing: e))") }
        }
        assertThrowsTensorError(["refusing to allocate"]) { try Tensor.randn([1 << 31, 1 << 31], generator: RandomGenerator(seed: 0)) }
        assertThrowsTensorError(["refusing to allocate"]) { try Tensor.eye(1 << 32) }
        assertThrowsTensorError(["refusing to allocate"]) { try Tensor.linspace(0, 1, count: Int.max) }
        assertThrowsTensorError(["refusing to allocate"]) { try Tensor.arange(0, 1e30) }
        assertThrowsTensorError(["refusing to allocate"]) { try Tensor.arange(-3e38, 3e38, step: 1e-3) }
        assertThrowsTensorError(["[2, -3]", "negative"]) { try Tensor.full(1, shape: [2, -3]) }
        // A broadcast view may be larger than its storage; materializing it must still throw.
        let one = try Tensor([1], shape: [1, 1])
        assertThrowsTensorError(["refusing to allocate"]) { try one.expand(to: [1_000_000, 1_000_000]).sum() }
        assertThrowsTensorError(["refusing to allocate"]) { try one.expand(to: [1_000_000, 1_000_000]).contiguous() }
        assertThrowsTensorError(["refusing to allocate"]) { try one.expand(to: [1_000_000, 1_000_000]) + 1 }
    }
}
