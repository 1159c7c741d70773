// swift-tools-version:6.0
// M2T — Momentum² Teacher, explorable and runnable.
//
// Targets are layered (SPEC §3): system libraries ← M2Tensor ← M2NN ← M2Data / Momentum2
// ← M2Script ← M2Jupyter ← m2t, with M2MPI (Open MPI behind M2Tensor's ProcessGroup) beside
// the engine. Dependencies only point down.
import PackageDescription

/// Numeric targets are compiled with `-Ounchecked` in release builds: their hot loops index
/// raw buffers whose bounds are checked once, up front, by the public API.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "M2T",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "m2t", targets: ["m2t"]),
        .library(name: "M2Tensor", targets: ["M2Tensor"]),
        .library(name: "M2NN", targets: ["M2NN"]),
        .library(name: "M2Data", targets: ["M2Data"]),
        .library(name: "Momentum2", targets: ["Momentum2"]),
        .library(name: "M2Script", targets: ["M2Script"]),
        .library(name: "M2Jupyter", targets: ["M2Jupyter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),

        .target(name: "M2Tensor", dependencies: ["CBLAS"], swiftSettings: fastMath),
        .target(name: "M2NN", dependencies: ["M2Tensor"], swiftSettings: fastMath),
        .target(name: "M2Data", dependencies: ["M2Tensor", "CZlib", "CPNG", "CJPEG"], swiftSettings: fastMath),
        .target(name: "Momentum2", dependencies: ["M2NN", "M2Data"], swiftSettings: fastMath),
        .target(name: "M2MPI", dependencies: ["M2Tensor", "CMPI"]),
        .target(name: "M2Script", dependencies: ["M2Tensor", "M2NN", "M2Data", "Momentum2", "M2MPI"]),
        // The Jupyter kernel (ZeroMQ, HMAC signatures) and the .ipynb format.
        .target(name: "M2Jupyter", dependencies: ["M2Script", "M2Data", "CZMQ", "CCrypto"]),
        .executableTarget(
            name: "m2t",
            dependencies: [
                "M2Script", "M2MPI", "M2Jupyter", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "M2TensorTests", dependencies: ["M2Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "M2NNTests", dependencies: ["M2NN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "M2DataTests", dependencies: ["M2Data"]),
        .testTarget(name: "Momentum2Tests", dependencies: ["Momentum2"], resources: [.copy("Fixtures")]),
        .testTarget(name: "M2ScriptTests", dependencies: ["M2Script"], exclude: ["Scripts"]),
        .testTarget(name: "REPLTests", dependencies: ["M2Script"]),
        .testTarget(name: "MPITests", dependencies: ["M2Tensor"]),
        .testTarget(name: "M2JupyterTests", dependencies: ["M2Jupyter", "M2Script"]),
    ],
    swiftLanguageModes: [.v5]
)
