import Foundation

/// The weighted kNN monitor of SPEC §2: cosine similarity on L2-normalized features, the k
/// nearest training samples vote for their class with weight `exp(sim / T)`.
public struct KNNClassifier: Sendable {
    /// Neighbours that vote (default 200; a smaller bank lets all its samples vote).
    public var k = 200
    /// T in the vote weight `exp(sim / T)` (default 0.07).
    public var temperature: TensorScalar = 0.07

    /// A classifier; the defaults are SPEC §2's.
    public init(k: Int = 200, temperature: TensorScalar = 0.07) { (self.k, self.temperature) = (k, temperature) }

    /// Top-1 accuracy of test features against a bank of training features.
    public func accuracy(bank: Tensor, bankLabels: [Int], queries: Tensor, queryLabels: [Int], classes: Int) throws -> Double {
        guard bank.rank == 2, queries.rank == 2, bank.shape[1] == queries.shape[1] else {
            throw TensorError.shapeMismatch(op: "knn_eval", lhs: bank.shape, rhs: queries.shape)
        }
        guard bank.shape[0] == bankLabels.count, queries.shape[0] == queryLabels.count, !bankLabels.isEmpty else {
            throw TensorError.invalidArgument(op: "knn_eval", reason: "features and labels disagree in count")
        }
        guard (bankLabels + queryLabels).allSatisfy({ $0 >= 0 && $0 < classes }) else {
            throw TensorError.invalidArgument(op: "knn_eval", reason: "labels must lie in 0..<\(classes)")
        }
        let kk = min(k, bankLabels.count)
        let b = try withNoGrad { try l2Normalize(bank, axis: 1).transpose() }
        let q = try withNoGrad { try l2Normalize(queries, axis: 1) }
        var correct = 0
        let chunk = 512
        var start = 0
        while start < queryLabels.count {
            let end = min(start + chunk, queryLabels.count)
            // Read in place (a matmul's output is dense): a copy of 512 × 60,000 similarities per chunk cost page faults.
            let sims = try withNoGrad { try q.index([.slice(start: start, end: end, step: 1)]).matmul(b).contiguous() }
            let n = bankLabels.count
            var hits = [Int](repeating: 0, count: end - start)
            hits.withUnsafeMutableBufferPointer { h in
                let hp = h.baseAddress!
                withExtendedLifetime(sims) {
                    let sp = UnsafePointer(sims.storage.pointer + sims.offset)
                    DispatchQueue.concurrentPerform(iterations: end - start) { r in
                        let row = sp + r * n
                        let top = KNNClassifier.topK(row, n, kk)
                        var votes = [TensorScalar](repeating: 0, count: classes)
                        for j in top { votes[bankLabels[j]] += ScalarMath.exp(row[j] / temperature) }
                        var best = 0
                        for c in 1..<classes where votes[c] > votes[best] { best = c }
                        hp[r] = best == queryLabels[start + r] ? 1 : 0
                    }
                }
            }
            correct += hits.reduce(0, +)
            start = end
        }
        return Double(correct) / Double(queryLabels.count)
    }

    /// Indices of the k largest values (unordered), by a min-heap.
    static func topK(_ row: UnsafePointer<TensorScalar>, _ n: Int, _ k: Int) -> [Int] {
        guard k > 0 else { return [] }
        var heap: [(TensorScalar, Int)] = []
        heap.reserveCapacity(k)
        func siftDown(_ i0: Int) {
            var i = i0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l].0 < heap[m].0 { m = l }
                if r < heap.count && heap[r].0 < heap[m].0 { m = r }
                if m == i { return }
                heap.swapAt(i, m); i = m
            }
        }
        for j in 0..<n {
            let v = row[j]
            if heap.count < k {
                heap.append((v, j))
                var i = heap.count - 1
                while i > 0 && heap[(i - 1) / 2].0 > heap[i].0 { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
            } else if v > heap[0].0 {
                heap[0] = (v, j)
                siftDown(0)
            }
        }
        return heap.map(\.1)
    }
}
