import XCTest
import M2NN

/// `FoldedResNet`: BN folded into the convolutions gives the eval-mode network's features, for
/// basic and bottleneck blocks, both stems and a classification head, and never changes the
/// network.
final class FoldedResNetTests: XCTestCase {
    /// Random BN affine parameters and running statistics, so that folding has work to do.
    func perturbBatchNorms(_ net: ResNet, seed: UInt64) throws {
        let g = RandomGenerator(seed: seed)
        for case let bn as BatchNorm in net.namedModules().map(\.module) {
            let c = bn.features
            try bn.weight.assignElements(from: Tensor.uniform([c], low: 0.5, high: 1.5, generator: g).scalars)
            try bn.bias.assignElements(from: Tensor.randn([c], std: 0.2, generator: g).scalars)
            try bn.setRunningStatistics(mean: Tensor.randn([c], std: 0.3, generator: g).scalars,
                                        variance: Tensor.uniform([c], low: 0.3, high: 2, generator: g).scalars)
        }
    }

    func testFoldedFeaturesEqualEvalMode() throws {
        let cases: [(ResNet.Config, side: Int)] = [
            (.init(depth: 18, width: 4, inChannels: 1, stem: .small, seed: 1), 12),
            (.init(depth: 50, width: 2, inChannels: 3, stem: .imagenet, classes: 5, seed: 2), 32),
        ]
        for (config, side) in cases {
            let net = try ResNet(config)
            try perturbBatchNorms(net, seed: 7)
            let x = try Tensor.randn([3, config.inChannels, side, side], generator: RandomGenerator(seed: 3))
            let before = net.stateDict().map { $0.1.scalars }
            let folded = try FoldedResNet(net)
            net.eval()
            let expected = try withNoGrad { try net(x) }
            // Folding rounds the weights once more in Float32; over 17–50 layers that stays near 1e-6.
            assertClose(try folded(x), expected, rtol: 1e-5, atol: 1e-5, "resnet\(config.depth)")
            XCTAssertEqual(net.stateDict().map { $0.1.scalars }, before, "folding must not change the network")
        }
    }

    func testRefusesWrongInput() throws {
        let folded = try FoldedResNet(try resnet18(width: 4, channels: 1, stem: .small))
        XCTAssertThrowsError(try folded(Tensor.zeros([2, 3, 8, 8]))) { XCTAssertTrue("\($0)".contains("expected 1 input channel"), "\($0)") }
        XCTAssertThrowsError(try folded(Tensor.zeros([2, 8, 8]))) { XCTAssertTrue("\($0)".contains("resnet18"), "\($0)") }
    }
}
