// swift-tools-version:6.1
import PackageDescription

/// libFuzzer harnesses for mallaudit's parsers, kept OUT of the main package graph: `swift build` of the main package
/// never sees them. `bash scripts/fuzz.sh [SECONDS]` builds this package with `-sanitize=fuzzer,address` and runs
/// each harness (docs/reliability.md). One executable holds every harness; `MALLAUDIT_FUZZ_HARNESS` picks one.
let package = Package(
    name: "mallaudit-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "mallaudit", path: "..")
    ],
    targets: [
        // `main` for SwiftPM's link (it names it `mallaudit_fuzz_main`): libFuzzer's driver.
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "mallaudit-fuzz",
            dependencies: ["FuzzDriver", .product(name: "MallAuditParsers", package: "mallaudit")],
            // libFuzzer brings `main`: the harness file is a library file with `LLVMFuzzerTestOneInput`.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    ],
    swiftLanguageModes: [.v6]
)
