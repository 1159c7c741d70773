import XCTest
import Momentum2

/// The weighted kNN: neighbours by cosine similarity vote with weight `exp(sim / T)`.
final class KNNClassifierTests: XCTestCase {
    func testVotesOfTheNearestByCosine() throws {
        // Two directions; lengths differ, which cosine similarity ignores.
        let bank = try Tensor([1, 0.1, 3, 0.2, 2, -0.1, 0.1, 1, -0.2, 4, 0.1, 2], shape: [6, 2])
        let queries = try Tensor([5, 1, 1, 5, 0.5, 0.4], shape: [3, 2])
        let knn = KNNClassifier(k: 3)
        XCTAssertEqual(try knn.accuracy(bank: bank, bankLabels: [0, 0, 0, 1, 1, 1], queries: queries, queryLabels: [0, 1, 0], classes: 2), 1)
        XCTAssertEqual(try knn.accuracy(bank: bank, bankLabels: [0, 0, 0, 1, 1, 1], queries: queries, queryLabels: [1, 1, 1], classes: 2), 1.0 / 3, accuracy: 1e-12)
        XCTAssertThrowsError(try knn.accuracy(bank: bank, bankLabels: [0, 0, 0, 1, 1, 1], queries: Tensor.zeros([2, 3]), queryLabels: [0, 1], classes: 2)) {
            XCTAssertEqual($0 as? TensorError, .shapeMismatch(op: "knn_eval", lhs: [6, 2], rhs: [2, 3]))
        }
        XCTAssertThrowsError(try knn.accuracy(bank: bank, bankLabels: [0, 0, 0, 1, 1, 2], queries: queries, queryLabels: [0, 1, 0], classes: 2))
        // No neighbours: no votes, every query gets class 0 (it used to index an empty heap).
        XCTAssertEqual(try KNNClassifier(k: 0).accuracy(bank: bank, bankLabels: [0, 0, 0, 1, 1, 1], queries: queries, queryLabels: [0, 1, 0], classes: 2), 2.0 / 3, accuracy: 1e-12)
    }
}
