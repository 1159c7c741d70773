import XCTest
import M2NN

/// A small ResNet trained supervised on one fixed batch drives its loss to near zero: the
/// layers, autodiff and optimizer work together.
final class OverfitTests: XCTestCase {
    func testResNetOverfitsOneBatch() throws {
        let g = RandomGenerator(seed: 7)
        let x = try Tensor.randn([64, 1, 28, 28], generator: g)
        let labels = (0..<64).map { $0 % 10 }
        let net = try resnet18(width: 8, channels: 1, stem: .small, classes: 10, seed: 1)
        let sgd = try SGD(net, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        var first: TensorScalar = 0, last: TensorScalar = 0
        for step in 0..<60 {
            sgd.zeroGrad()
            let loss = try crossEntropy(net(x), targets: labels)
            try loss.backward()
            try sgd.step()
            last = try loss.item()
            if step == 0 { first = last }
        }
        XCTAssertGreaterThan(first, 1.5)
        XCTAssertLessThan(last, 0.05, "loss went from \(first) to \(last)")
    }
}
