import XCTest
import M2NN

final class ResNetTests: XCTestCase {
    /// ResNet-18/34/50 with the ImageNet stem and a 1000-way head have torchvision's keys,
    /// shapes (in order) and parameter counts.
    func testMatchesTorchvision() throws {
        let ref = try fixture("torchvision_resnets")
        for (name, depth) in [("resnet18", 18), ("resnet34", 34), ("resnet50", 50)] {
            let r = try XCTUnwrap(ref[name] as? [String: Any])
            let net = try ResNet(.init(depth: depth, classes: 1000))
            XCTAssertEqual(net.parameterCount, r["parameters"] as? Int, name)
            let expected = try XCTUnwrap(r["state_dict"] as? [[Any]]).map { ($0[0] as? String ?? "", $0[1] as? [Int] ?? []) }
            let ours = net.stateDict().map { ($0.0, $0.1.shape) }
            XCTAssertEqual(ours.map(\.0), expected.map(\.0), name)
            XCTAssertEqual(ours.map(\.1), expected.map(\.1), name)
        }
    }

    func testSmallStemForwardShapes() throws {
        let net = try resnet18(width: 8, channels: 1, stem: .small)
        let y = try net(Tensor.zeros([2, 1, 28, 28]))
        XCTAssertEqual(y.shape, [2, 64])
        XCTAssertEqual(net.featureDimension, 64)
        let r50 = try resnet50(width: 4, channels: 3, stem: .imagenet)
        XCTAssertEqual(try r50(Tensor.zeros([2, 3, 64, 64])).shape, [2, 128])
    }

    func testZeroInitResidualAndBadInput() throws {
        let net = try ResNet(.init(depth: 18, width: 4, stem: .small, zeroInitResidual: true))
        let bn = try XCTUnwrap(net.submodule("layer1.0.bn2") as? BatchNorm)
        XCTAssertEqual(bn.weight.scalars, [0, 0, 0, 0])
        XCTAssertThrowsError(try net(Tensor.zeros([2, 1, 8, 8]))) { e in
            XCTAssertTrue("\(e)".contains("resnet18"), "\(e)")
        }
        XCTAssertThrowsError(try ResNet(.init(depth: 19)))
    }

    func testSummaryListsShapesAndTotal() throws {
        let net = try resnet18(stem: .imagenet, classes: 1000)
        let table = try net.summaryTable(input: [1, 3, 64, 64])
        XCTAssertTrue(table.contains("Total params: 11,689,512"), table)
        XCTAssertTrue(table.contains("[1, 64, 32, 32]"), table)
        XCTAssertTrue(table.contains("[1, 1000]"), table)
    }

    func testTreeDescription() throws {
        let net = try resnet18(width: 16, channels: 1, stem: .small)
        let text = "\(net)"
        XCTAssertTrue(text.contains("(conv1): Conv2d(1→16, k3, s1, p1)"), text)
        XCTAssertTrue(text.contains("(downsample): Sequential"), text)
    }
}
