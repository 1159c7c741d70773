extension TwoViewPipeline {
    /// The paper's probabilities of the Gaussian blur in view 1 and view 2.
    public static let paperBlur: (Float, Float) = (1, 0.1)
    /// The paper's probabilities of the solarization in view 1 and view 2.
    public static let paperSolarize: (Float, Float) = (0, 0.2)

    /// The asymmetric view pair of BYOL and Momentum² Teacher (SPEC §2).
    ///
    /// Both views: RandomResizedCrop(size, scale 0.08–1, ratio 3/4–4/3) → ColorJitter(0.4, 0.4,
    /// 0.2, 0.1) with p = 0.8 → RandomGrayscale p = 0.2 → flip p = 0.5 → Gaussian blur
    /// (σ ∈ [0.1, 2], kernel ≈ 10% of the side) → (view 2 only) Solarize p = 0.2 →
    /// normalize. View 1 blurs with p = 1.0, view 2 with p = 0.1.
    /// - Parameters:
    ///   - size: output side (224 for ImageNet).
    ///   - channels: 1 or 3; saturation and hue are skipped for gray images.
    ///   - normalize: statistics; ImageNet's by default.
    ///   - cropScale: the crop's area range; `(0.08, 1)` in the paper.
    ///   - blur: the probabilities of the Gaussian blur in view 1 and view 2; `(1, 0.1)` in the
    ///     paper. A transform of probability 0 is left out of its pipeline.
    ///   - solarize: the probabilities of the solarization in view 1 and view 2; `(0, 0.2)` in
    ///     the paper.
    public static func momentum2(size: Int = 224, channels: Int = 3, normalize: Normalize = .imageNet,
                                 cropScale: (Float, Float) = (0.08, 1), blur: (Float, Float) = paperBlur,
                                 solarize: (Float, Float) = paperSolarize) throws -> TwoViewPipeline {
        func view(blur: Float, solarize: Float) throws -> ViewPipeline {
            var t: [any ImageTransform] = [
                try RandomResizedCrop(size: size, scale: cropScale),
                try ColorJitter(brightness: 0.4, contrast: 0.4, saturation: channels == 3 ? 0.2 : 0,
                                hue: channels == 3 ? 0.1 : 0, probability: 0.8),
            ]
            if channels == 3 { t.append(try RandomGrayscale(probability: 0.2)) }
            t.append(try HorizontalFlip(probability: 0.5))
            if blur != 0 { t.append(try GaussianBlur(kernelSize: GaussianBlur.kernelSize(forSide: size), sigma: (0.1, 2), probability: blur)) }
            if solarize != 0 { t.append(try Solarize(threshold: 0.5, probability: solarize)) }
            return try ViewPipeline(transforms: t, normalize: normalize, size: size, channels: channels)
        }
        return try TwoViewPipeline(name: size <= 64 ? "momentum2-small" : "momentum2",
                                   view1: view(blur: blur.0, solarize: solarize.0), view2: view(blur: blur.1, solarize: solarize.1))
    }

    /// The Momentum² views adapted to 28×28 / 32×32 images: crop scale 0.2–1 (a 0.08 crop
    /// of a 28-pixel image is 8 pixels), no saturation or hue on one channel, blur kernel
    /// ≈ 10% of the side (3).
    /// - Parameters:
    ///   - size: output side (28 for Fashion-MNIST, 32 for CIFAR).
    ///   - channels: 1 or 3.
    ///   - normalize: statistics; ``FashionMNIST/mean`` / ``CIFARReader/mean`` and friends.
    ///   - cropMin: the smallest crop area, as a fraction of the image (0.2).
    ///   - blur: the blur's probabilities in view 1 and view 2 (the paper's `(1, 0.1)`).
    ///   - solarize: the solarization's probabilities in view 1 and view 2 (the paper's `(0, 0.2)`).
    public static func smallImage(size: Int, channels: Int, normalize: Normalize, cropMin: Float = 0.2,
                                  blur: (Float, Float) = paperBlur, solarize: (Float, Float) = paperSolarize) throws -> TwoViewPipeline {
        try momentum2(size: size, channels: channels, normalize: normalize, cropScale: (cropMin, 1), blur: blur, solarize: solarize)
    }

    /// ``smallImage(size:channels:normalize:)`` for Fashion-MNIST (28×28 gray).
    public static func fashionMNIST() throws -> TwoViewPipeline {
        try smallImage(size: 28, channels: 1, normalize: Normalize(mean: FashionMNIST.mean, std: FashionMNIST.std))
    }

    /// ``smallImage(size:channels:normalize:)`` for CIFAR (32×32 RGB).
    public static func cifar() throws -> TwoViewPipeline {
        try smallImage(size: 32, channels: 3, normalize: Normalize(mean: CIFARReader.mean, std: CIFARReader.std))
    }
}

extension ViewPipeline {
    /// The deterministic evaluation view: resize the shorter side, then centre-crop.
    /// - Parameters:
    ///   - size: output side.
    ///   - resize: shorter side before cropping; `size` for small images, 256 for 224.
    ///   - channels: 1 or 3.
    ///   - normalize: statistics.
    public static func evaluation(size: Int, resize: Int? = nil, channels: Int, normalize: Normalize) throws -> ViewPipeline {
        let shorter = resize ?? (size >= 128 ? size * 256 / 224 : size)
        return try ViewPipeline(transforms: [Resize(shorterSide: shorter), CenterCrop(size: size)],
                                normalize: normalize, size: size, channels: channels)
    }
}
