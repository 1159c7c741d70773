// swift-tools-version:6.0
// M2T's libFuzzer harness, kept out of the main package: its executable starts libFuzzer's
// driver, so it only links when built with `-sanitize=fuzzer`. `make fuzz` builds it with
//
//     swift build -c release -Xswiftc -sanitize=fuzzer,address
//
// and runs it (docs/fuzzing.md).
import PackageDescription

let package = Package(
    name: "M2TFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        // By name: the parent folder's name differs between checkouts and worktrees.
        .package(name: "M2T", path: ".."),
    ],
    targets: [
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(
            name: "FuzzScript",
            dependencies: ["CLibFuzzer", .product(name: "M2Script", package: "M2T")]),
    ],
    swiftLanguageModes: [.v5]
)
