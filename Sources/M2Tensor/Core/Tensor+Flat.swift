extension Tensor {
    /// Copies the elements, in row-major order, to `destination` (room for ``count``): how
    /// gradients are packed into one flat buffer for a collective.
    public func copyElements(to destination: UnsafeMutablePointer<TensorScalar>) {
        let c = contiguousData()
        destination.update(from: c.base, count: c.count)
        withExtendedLifetime(c) {}
    }

    /// Overwrites the elements, in row-major order, with `source`'s first ``count`` values,
    /// in place and untracked: how a reduced flat buffer is unpacked.
    /// - Throws: when this tensor is a non-contiguous view (it would write through its strides).
    public func assignElements(from source: UnsafePointer<TensorScalar>) throws {
        guard isContiguous else {
            throw TensorError.invalidArgument(op: "assignElements", reason: "a non-contiguous view of shape \(shape) cannot be filled from a flat buffer")
        }
        base.update(from: source, count: count)
    }
}
