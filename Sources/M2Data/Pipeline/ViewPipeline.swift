/// One augmentation pipeline: a list of transforms producing a fixed-size view, then
/// normalization.
///
/// ``augment(_:rng:)`` returns the view before normalization (values in `[0, 1]`, what
/// ``writeViewsGrid(dataset:pipeline:count:seed:to:)`` shows); loaders normalize as they copy the view into
/// a batch tensor.
public struct ViewPipeline: Sendable, CustomStringConvertible {
    /// The transforms, applied in order.
    public var transforms: [any ImageTransform]
    /// The final standardization.
    public var normalize: Normalize
    /// Side of the square output.
    public let size: Int
    /// Channels of the output; inputs are converted (gray replicated, or RGB to luma).
    public let channels: Int

    /// - Parameters:
    ///   - transforms: must end in a transform that yields `size × size` (a crop).
    ///   - normalize: per-channel statistics.
    ///   - size: output side.
    ///   - channels: 1 or 3.
    public init(transforms: [any ImageTransform], normalize: Normalize, size: Int, channels: Int) throws {
        guard size > 0, channels == 1 || channels == 3 else {
            throw DataError.invalidArgument(op: "ViewPipeline", reason: "output \(size)×\(size)×\(channels) is not a positive 1- or 3-channel size")
        }
        self.transforms = transforms
        self.normalize = normalize
        self.size = size
        self.channels = channels
    }

    /// The image as floats with this pipeline's channel count.
    public func prepare(_ image: Image) -> FloatImage {
        var f = image.toFloat()
        if f.channels == 1 && channels == 3 {
            var rgb = FloatImage(width: f.width, height: f.height, channels: 3)
            for c in 0..<3 { rgb.data.replaceSubrange((c * f.planeSize)..<((c + 1) * f.planeSize), with: f.data) }
            f = rgb
        } else if f.channels == 3 && channels == 1 {
            ColorOps.grayscale(&f)
            f = FloatImage(width: f.width, height: f.height, channels: 1).replacingData(Array(f.data[0..<f.planeSize]))
        }
        return f
    }

    /// Applies the transforms (not the normalization) to a prepared image.
    public func augment(prepared: FloatImage, rng: RandomGenerator) -> FloatImage {
        var x = prepared
        for t in transforms { t.apply(&x, rng: rng) }
        return x
    }

    /// Applies the transforms (not the normalization) to an image.
    public func augment(_ image: Image, rng: RandomGenerator) -> FloatImage {
        augment(prepared: prepare(image), rng: rng)
    }

    /// Normalizes a view into `destination` (`channels · size · size` floats).
    /// - Throws: ``DataError/invalidArgument(op:reason:)`` when the view is not the
    ///   pipeline's output size (a pipeline without a final crop).
    func write(_ view: FloatImage, to destination: UnsafeMutablePointer<TensorScalar>) throws {
        guard view.width == size, view.height == size, view.channels == channels else {
            throw DataError.invalidArgument(op: "ViewPipeline", reason: "produced a \(view.width)×\(view.height)×\(view.channels) view, expected \(size)×\(size)×\(channels); end the pipeline with a crop")
        }
        normalize.write(view, to: destination)
    }

    public var description: String {
        (transforms.map(\.description) + [normalize.description]).joined(separator: " → ")
    }
}

extension FloatImage {
    /// The same geometry over new data of the same count.
    func replacingData(_ newData: [Float]) -> FloatImage {
        var out = self
        if newData.count == data.count { out.data = newData }
        return out
    }
}

/// Two pipelines, one per view, as self-supervised methods use them: the teacher and the
/// student each see both views, so the asymmetry (which view is blurred, which solarized)
/// matters only in sum.
public struct TwoViewPipeline: Sendable, CustomStringConvertible {
    /// A short name for logs (`"momentum2"`, `"small"`).
    public let name: String
    /// The first view's pipeline.
    public let view1: ViewPipeline
    /// The second view's pipeline.
    public let view2: ViewPipeline

    /// - Throws: when the two views differ in output size or channels.
    public init(name: String, view1: ViewPipeline, view2: ViewPipeline) throws {
        guard view1.size == view2.size, view1.channels == view2.channels else {
            throw DataError.invalidArgument(op: "TwoViewPipeline", reason: "the views must have the same output size and channels")
        }
        self.name = name
        self.view1 = view1
        self.view2 = view2
    }

    /// Output side.
    public var size: Int { view1.size }
    /// Output channels.
    public var channels: Int { view1.channels }

    /// Both views of one image, before normalization, each from its own generator.
    public func augment(_ image: Image, rng1: RandomGenerator, rng2: RandomGenerator) -> (FloatImage, FloatImage) {
        let prepared = view1.prepare(image)
        return (view1.augment(prepared: prepared, rng: rng1), view2.augment(prepared: prepared, rng: rng2))
    }

    public var description: String { "\(name):\n  view 1: \(view1)\n  view 2: \(view2)" }
}
