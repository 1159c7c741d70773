/// An n-dimensional array of ``TensorScalar`` (Float32; Float64 in the Float64 build) with
/// reverse-mode automatic differentiation.
///
/// A tensor is a *view*: a ``Storage`` plus a shape, strides (in elements) and an offset.
/// Reshapes of contiguous tensors, transposes and slices share storage; operations return new
/// tensors. Images are NCHW. Like PyTorch, a tensor is a reference: `grad` and the graph
/// live on the object.
///
/// ```swift
/// let x = try Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
/// let y = try (x * x).sum()
/// try y.backward()          // x.grad == 2 * x
/// ```
public final class Tensor: @unchecked Sendable {
    /// The memory this tensor views.
    public let storage: Storage
    /// The size of each dimension.
    public let shape: [Int]
    /// The step in elements between neighbours along each dimension (0 for broadcast views).
    public let strides: [Int]
    /// Where element `[0, 0, …]` sits in ``storage``.
    public let offset: Int

    /// Whether gradients are computed for this tensor.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after ``backward(_:)``.
    public var grad: Tensor?
    /// The operation that produced this tensor, when it was produced under gradient mode
    /// from inputs that require gradients; `nil` for leaves.
    public internal(set) var gradFn: GradNode?
    /// Whether ``grad`` may share its storage with another tensor (so it must not be
    /// updated in place before it is copied).
    var gradIsShared = false
    /// Whether this tensor was produced by an operation whose node an earlier
    /// ``backward(_:)`` released; gradients can no longer flow through it.
    var graphFreed = false

    /// Wraps storage in a view. Callers guarantee that the view lies inside the storage.
    init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0, requiresGrad: Bool = false) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.requiresGrad = requiresGrad
    }

    deinit {
        // Freed through a worklist so that dropping a deep graph cannot overflow the stack.
        if gradFn != nil { GraphRelease.release(&gradFn) }
    }

    /// A contiguous tensor over fresh, uninitialized storage.
    init(uninitializedShape shape: [Int]) throws {
        let count = try Shape.elementCount(shape, op: "allocate")
        storage = try Storage(uninitializedCount: count)
        self.shape = shape
        strides = Shape.contiguousStrides(shape)
        offset = 0
        requiresGrad = false
    }

    /// Creates a tensor from values in row-major order.
    /// - Parameters:
    ///   - values: the elements, `shape.reduce(1, *)` of them.
    ///   - shape: the dimensions; `nil` makes a 1-D tensor.
    ///   - requiresGrad: whether to track gradients for it (a leaf).
    /// - Throws: ``TensorError/invalidShape(op:shape:reason:)`` when the count disagrees.
    public convenience init(_ values: [TensorScalar], shape: [Int]? = nil, requiresGrad: Bool = false) throws {
        let shape = shape ?? [values.count]
        try self.init(uninitializedShape: shape)
        guard values.count == storage.count else {
            throw TensorError.invalidShape(op: "tensor", shape: shape, reason: "\(values.count) values given for \(storage.count) elements")
        }
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
        self.requiresGrad = requiresGrad
    }

    /// A rank-0 tensor holding one value.
    public convenience init(scalar: TensorScalar, requiresGrad: Bool = false) {
        // A one-element allocation cannot exceed the limit.
        try! self.init(uninitializedShape: [])
        storage.pointer[0] = scalar
        self.requiresGrad = requiresGrad
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Whether the elements are laid out densely in row-major order.
    public var isContiguous: Bool { Shape.isContiguous(shape: shape, strides: strides) }
    /// Whether this tensor was not produced by a tracked operation.
    public var isLeaf: Bool { gradFn == nil }

    /// Pointer to element `[0, 0, …]`.
    var base: UnsafeMutablePointer<TensorScalar> { storage.pointer + offset }

    /// The elements in row-major order.
    public var scalars: [TensorScalar] {
        let c = contiguousData()
        defer { withExtendedLifetime(c) {} }
        return Array(UnsafeBufferPointer(start: c.base, count: c.count))
    }

    /// The value of a one-element tensor.
    /// - Throws: when the tensor holds more than one element.
    public func item() throws -> TensorScalar {
        guard count == 1 else {
            throw TensorError.invalidArgument(op: "item", reason: "a tensor of shape \(shape) has \(count) elements, not one")
        }
        return base[0]
    }

    /// The element at a full index (negative indices count from the end).
    public func value(at index: [Int]) throws -> TensorScalar {
        guard index.count == rank else {
            throw TensorError.invalidArgument(op: "value(at:)", reason: "index \(index) has \(index.count) components for a tensor of rank \(rank)")
        }
        var o = offset
        for (d, i) in index.enumerated() {
            let j = i < 0 ? i + shape[d] : i
            guard j >= 0 && j < shape[d] else { throw TensorError.indexOutOfRange(op: "value(at:)", index: i, size: shape[d], axis: d) }
            o += j * strides[d]
        }
        return storage.pointer[o]
    }

    /// A contiguous tensor with the same values: `self` when already contiguous, else a copy.
    /// Untracked; for kernels. Use ``contiguous()`` in differentiable code.
    func contiguousData() -> Tensor {
        if isContiguous { return self }
        // Same element count as an existing tensor: the allocation cannot be refused.
        let out = try! Tensor(uninitializedShape: shape)
        Kernels.copyStrided(from: self, to: out.base)
        return out
    }

    /// A view of the same storage without gradient tracking (PyTorch's `detach`).
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }
}
