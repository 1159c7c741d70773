import XCTest
import M2Tensor

/// NumPy basic indexing (`at`, slices with any step, `...`, new axes), `indexSelect` and
/// `gather`: values, views, gradients and refusals.
final class IndexingTests: XCTestCase {
    let x = try! Tensor.arange(0, 24).reshape([2, 3, 4])
    let v = try! Tensor.arange(0, 10)

    func slice(_ start: Int?, _ end: Int?, _ step: Int? = nil) -> TensorIndex { .slice(start: start, end: end, step: step) }

    func testSlicesFollowPython() throws {
        // Each expected row is list(range(10))[start:end:step] in Python.
        let cases: [(Int?, Int?, Int?, [TensorScalar])] = [
            (2, 7, nil, [2, 3, 4, 5, 6]), (nil, nil, 3, [0, 3, 6, 9]), (-3, nil, nil, [7, 8, 9]),
            (nil, -8, nil, [0, 1]), (nil, nil, -1, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]), (7, 2, -2, [7, 5, 3]),
            (-1, -4, -1, [9, 8, 7]), (nil, 3, -1, [9, 8, 7, 6, 5, 4]), (3, nil, -1, [3, 2, 1, 0]),
            (100, nil, -3, [9, 6, 3, 0]), (-100, 100, nil, (0..<10).map(TensorScalar.init)), (5, 2, nil, []),
            (2, 5, -1, []), (10, nil, nil, []), (nil, -100, -1, (0..<10).reversed().map(TensorScalar.init)), (-100, nil, -1, []),
        ]
        for (start, end, step, expected) in cases {
            let s = try v.index([slice(start, end, step)])
            XCTAssertEqual(s.scalars, expected, "[\(String(describing: start)):\(String(describing: end)):\(String(describing: step))]")
            XCTAssertEqual(s.shape, [expected.count])
        }
    }

    func testBasicIndexing() throws {
        XCTAssertEqual(try x.index([.at(1)]).shape, [3, 4])
        XCTAssertEqual(try x.index([.at(1), .at(-1), .at(-1)]).shape, [])
        XCTAssertEqual(try x.index([.at(1), .at(-1), .at(-1)]).item(), 23)
        XCTAssertEqual(try x.index([.all, .at(1)]).scalars, [4, 5, 6, 7, 16, 17, 18, 19])
        XCTAssertEqual(try x.index([.ellipsis, .at(0)]).scalars, [0, 4, 8, 12, 16, 20])
        XCTAssertEqual(try x.index([.at(0), .ellipsis, .slice(start: nil, end: nil, step: -2)]).scalars, [3, 1, 7, 5, 11, 9])
        XCTAssertEqual(try x.index([.newAxis, .at(0), .newAxis]).shape, [1, 1, 3, 4])
        XCTAssertEqual(try x.index([.ellipsis, .newAxis]).shape, [2, 3, 4, 1])
        XCTAssertEqual(try x.index([.ellipsis]).scalars, x.scalars)
        XCTAssertEqual(try x.index([]).shape, [2, 3, 4])
        let view = try x.index([slice(nil, nil, -1), slice(1, nil), slice(nil, nil, 3)])
        XCTAssertEqual(view.shape, [2, 2, 2])
        XCTAssertEqual(view.scalars, [16, 19, 20, 23, 4, 7, 8, 11])
        XCTAssertTrue(view.storage === x.storage)
        // Indexing a view of a view.
        XCTAssertEqual(try view.index([.at(1), slice(nil, nil, -1), .at(1)]).scalars, [11, 7])
        XCTAssertEqual(try x.transpose(0, 2).index([.at(3), .at(2)]).scalars, [11, 23])
    }

    func testIndexingRefusals() throws {
        assertThrowsTensorError(["index", "index 2", "size 2"]) { try x.index([.at(2)]) }
        assertThrowsTensorError(["index", "index -4", "size 3"]) { try x.index([.all, .at(-4)]) }
        assertThrowsTensorError(["index", "4 indices", "rank 3"]) { try x.index([.at(0), .at(0), .at(0), .at(0)]) }
        assertThrowsTensorError(["index", "at most one '...'"]) { try x.index([.ellipsis, .ellipsis]) }
        assertThrowsTensorError(["slice", "step cannot be zero"]) { try x.index([slice(nil, nil, 0)]) }
        assertThrowsTensorError(["index", "index 0", "size 0"]) { try Tensor.zeros([0, 2]).index([.at(0)]) }
        assertThrowsTensorError(["index", "1 indices", "rank 0"]) { try Tensor(scalar: 1).index([.at(0)]) }
    }

    func testIndexGradientsByFiniteDifferences() throws {
        let t = try randn([3, 4, 5], seed: 1)
        let expressions: [[TensorIndex]] = [
            [.at(1)], [.at(-1), .at(2)], [slice(nil, nil, 2)], [.all, slice(nil, nil, -1)], [.all, slice(3, 0, -2), slice(1, nil, 3)],
            [.ellipsis, .at(-2)], [.newAxis, .at(0), .ellipsis, .newAxis], [slice(-1, nil, -1), .at(0), slice(nil, nil, -2)],
            [.at(2), .at(3), .at(4)],
        ]
        for e in expressions {
            try checkGradients([t], "index \(e)") { a in try a[0].index(e) }
        }
        // Overlapping reads of the same element accumulate.
        try checkGradients([t]) { a in try a[0].index([.at(0)]) + a[0].index([slice(nil, 1)]).squeeze(0) * 2 }
    }

    func testIndexSelect() throws {
        let m = try Tensor.arange(0, 12).reshape([3, 4])
        XCTAssertEqual(try m.indexSelect(axis: 0, indices: [2, 0, 2]).scalars, [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11])
        XCTAssertEqual(try m.indexSelect(axis: -1, indices: [-1, 1]).scalars, [3, 1, 7, 5, 11, 9])
        XCTAssertEqual(try m.indexSelect(axis: 1, indices: []).shape, [3, 0])
        XCTAssertEqual(try m.transpose().indexSelect(axis: 0, indices: [1]).scalars, [1, 5, 9])
        let t = try randn([3, 4], seed: 2)
        try checkGradients([t]) { a in try a[0].indexSelect(axis: 0, indices: [2, 0, 2, 2]) }
        try checkGradients([t]) { a in try a[0].indexSelect(axis: 1, indices: [3, -1, 0]) }
        try checkGradients([t]) { a in try a[0].transpose().indexSelect(axis: 1, indices: [1, 1]) }
        assertThrowsTensorError(["index_select", "index 3", "size 3"]) { try m.indexSelect(axis: 0, indices: [0, 3]) }
        assertThrowsTensorError(["index_select", "index -5", "size 4"]) { try m.indexSelect(axis: 1, indices: [-5]) }
        assertThrowsTensorError(["index_select", "axis 2"]) { try m.indexSelect(axis: 2, indices: [0]) }
    }

    func testGather() throws {
        let m = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(try m.gather(axis: 1, index: Tensor([2, 0, 1, 1], shape: [2, 2])).scalars, [3, 1, 5, 5])
        XCTAssertEqual(try m.gather(axis: 0, index: Tensor([1, 0, 1], shape: [1, 3])).scalars, [4, 2, 6])
        XCTAssertEqual(try m.transpose().gather(axis: 1, index: Tensor([1, 0, 0], shape: [3, 1])).scalars, [4, 2, 3])
        let t = try randn([3, 4], seed: 3)
        let idx = try Tensor([0, 3, 3, 1, 2, 2, 0, 0, 1], shape: [3, 3])
        try checkGradients([t]) { a in try a[0].gather(axis: 1, index: idx) }
        try checkGradients([t]) { a in try a[0].gather(axis: 0, index: Tensor([2, 2, 0, 1], shape: [1, 4])) }
        try checkGradients([t]) { a in try a[0].transpose().gather(axis: 0, index: Tensor([3, 0, 1], shape: [1, 3])) }
        assertThrowsTensorError(["gather", "[2, 3]", "[2]"]) { try m.gather(axis: 1, index: Tensor([0, 1], shape: [2])) }
        assertThrowsTensorError(["gather", "[2, 3]", "[3, 1]"]) { try m.gather(axis: 1, index: Tensor([0, 0, 0], shape: [3, 1])) }
        assertThrowsTensorError(["gather", "index 3", "size 3"]) { try m.gather(axis: 1, index: Tensor([3], shape: [1, 1])) }
        assertThrowsTensorError(["gather", "size 3"]) { try m.gather(axis: 1, index: Tensor([-1], shape: [1, 1])) }
        assertThrowsTensorError(["gather", "size 3"]) { try m.gather(axis: 1, index: Tensor([0.5], shape: [1, 1])) }
        assertThrowsTensorError(["gather", "axis 2"]) { try m.gather(axis: 2, index: Tensor([0], shape: [1, 1])) }
    }
}
