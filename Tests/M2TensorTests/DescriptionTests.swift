import XCTest
import M2Tensor

/// Printing like NumPy/PyTorch: nested brackets aligned under the opening one, a common
/// number format, `...` summaries past 1000 elements.
final class DescriptionTests: XCTestCase {
    func testSmallTensors() throws {
        XCTAssertEqual(try Tensor([1, 2, 3]).description, "tensor([1., 2., 3.], shape=[3], dtype=\(Tensor.dtypeName))")
        XCTAssertEqual(try Tensor([1, -2, 30, 4], shape: [2, 2]).description,
                       "tensor([[ 1., -2.],\n        [30.,  4.]], shape=[2, 2], dtype=\(Tensor.dtypeName))")
        XCTAssertEqual(try Tensor([1.5, -2.25]).description, "tensor([ 1.5000, -2.2500], shape=[2], dtype=\(Tensor.dtypeName))")
        XCTAssertEqual(Tensor(scalar: 3).description, "tensor(3., shape=[], dtype=\(Tensor.dtypeName))")
        XCTAssertEqual(Tensor(scalar: 0.5).description, "tensor(0.5000, shape=[], dtype=\(Tensor.dtypeName))")
        XCTAssertEqual(try Tensor([], shape: [0]).description, "tensor([], shape=[0], dtype=\(Tensor.dtypeName))")
        XCTAssertEqual(try Tensor([], shape: [2, 0]).formatValues(), "[[],\n []]")
        // Three dimensions: a blank line between the 2-D blocks.
        XCTAssertEqual(try Tensor.arange(0, 8).reshape([2, 2, 2]).formatValues(),
                       "[[[0., 1.],\n  [2., 3.]],\n\n [[4., 5.],\n  [6., 7.]]]")
    }

    func testNumberFormats() throws {
        XCTAssertEqual(try Tensor([1e-5, 1]).formatValues(), "[1.0000e-05, 1.0000e+00]")
        XCTAssertEqual(try Tensor([1e9, 1]).formatValues(), "[1.0000e+09, 1.0000e+00]")
        XCTAssertEqual(try Tensor([0.001, 100.5]).formatValues(), "[  0.0010, 100.5000]")
        XCTAssertEqual(try Tensor([.nan, 1, -.infinity]).formatValues(), "[ nan,   1., -inf]")
        XCTAssertEqual(try Tensor([.nan, 0.5]).formatValues(), "[   nan, 0.5000]")
        XCTAssertEqual(try Tensor([-0.0, 2]).formatValues(), "[-0.,  2.]")
    }

    func testGradientAnnotations() throws {
        let x = try Tensor([1, 2], requiresGrad: true)
        XCTAssertEqual(x.description, "tensor([1., 2.], shape=[2], dtype=\(Tensor.dtypeName), requires_grad=true)")
        XCTAssertEqual(try (x * 2).description, "tensor([2., 4.], shape=[2], dtype=\(Tensor.dtypeName), grad_fn=mul)")
        XCTAssertEqual(try withNoGrad { try x * 2 }.description, "tensor([2., 4.], shape=[2], dtype=\(Tensor.dtypeName))")
    }

    func testViewsPrintInLogicalOrder() throws {
        let t = try Tensor.arange(0, 6).reshape([2, 3]).transpose()
        XCTAssertEqual(t.formatValues(), "[[0., 3.],\n [1., 4.],\n [2., 5.]]")
        XCTAssertEqual(try Tensor([1, 2]).expand(to: [2, 2]).formatValues(), "[[1., 2.],\n [1., 2.]]")
    }

    func testSummarizesLargeTensors() throws {
        XCTAssertEqual(try Tensor.arange(0, 1000).formatValues().contains("..."), false)  // at the threshold: in full
        XCTAssertEqual(try Tensor.arange(0, 2000).description,
                       "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape=[2000], dtype=\(Tensor.dtypeName))")
        let m = try Tensor.arange(0, 1200).reshape([40, 30])
        XCTAssertEqual(m.formatValues(), """
            [[   0.,    1.,    2., ...,   27.,   28.,   29.],
             [  30.,   31.,   32., ...,   57.,   58.,   59.],
             [  60.,   61.,   62., ...,   87.,   88.,   89.],
             ...,
             [1110., 1111., 1112., ..., 1137., 1138., 1139.],
             [1140., 1141., 1142., ..., 1167., 1168., 1169.],
             [1170., 1171., 1172., ..., 1197., 1198., 1199.]]
            """)
        // The number format is chosen from the values shown only.
        let hidden = try Tensor.cat([Tensor([0.5]), Tensor.ones([500]), Tensor([1e-7]), Tensor.ones([500]), Tensor([2])])
        XCTAssertEqual(hidden.formatValues(), "[0.5000, 1.0000, 1.0000, ..., 1.0000, 1.0000, 2.0000]")
        let shown = try Tensor.cat([Tensor([0.5]), Tensor.ones([1000]), Tensor([1e-7, 2])])
        XCTAssertEqual(shown.formatValues(), "[5.0000e-01, 1.0000e+00, 1.0000e+00, ..., 1.0000e+00, 1.0000e-07, 2.0000e+00]")
        // A dimension of at most six stays whole inside a summary.
        let wide = try Tensor.zeros([2, 1001])
        XCTAssertEqual(wide.formatValues(), "[[0., 0., 0., ..., 0., 0., 0.],\n [0., 0., 0., ..., 0., 0., 0.]]")
    }
}
