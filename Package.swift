// swift-tools-version:6.1
import PackageDescription

/// mallaudit — audits a shopping mall against 商场数字化服务规范 (Xuzhou local standard).
///
/// Module split follows shared/DESIGN.md: a thin executable over libraries, one
/// `.systemLibrary` per C library plus a small C shim for what Swift cannot call.
let package = Package(
    name: "mallaudit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mallaudit", targets: ["mallaudit"]),
        .executable(name: "mallaudit-server", targets: ["mallaudit-server"]),
        // Test and benchmark helpers run as processes (store stress, seeding, report benchmark); never installed.
        .executable(name: "mallaudit-testkit", targets: ["mallaudit-testkit"]),
        .library(name: "AuditModel", targets: ["AuditModel"]),
        // The parsers, for the libFuzzer harnesses of fuzz/ (their own package; scripts/fuzz.sh). Never installed.
        .library(
            name: "MallAuditParsers",
            targets: [
                "AuditModel", "AuditSupport", "AuditXML", "AuditChecklist", "AuditSite", "AuditSNMP", "AuditHTTP",
                "AuditMeasures", "AuditProbes", "AuditStore", "AuditEngine",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The bureau's server only (AuditServer, mallaudit-server): SwiftNIO never reaches the `mallaudit` CLI.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // MARK: C libraries from Debian and their shims
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "CLibXML2Shim", dependencies: ["CLibXML2"]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "CSQLite3Shim", dependencies: ["CSQLite3"]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .systemLibrary(name: "CNetSNMP", pkgConfig: "netsnmp", providers: [.apt(["libsnmp-dev"])]),
        .target(name: "CNetSNMPShim", dependencies: ["CNetSNMP"]),
        // zlib is `CLibZ`, not `CZlib`: ZIPFoundation (the bundle zip) brings a module of that name of its own.
        .systemLibrary(name: "CLibZ", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CLibCryptoShim", dependencies: ["CLibCrypto"]),

        // MARK: libraries
        .target(name: "AuditModel"),
        .target(
            name: "AuditSupport",
            dependencies: [
                "AuditModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // The one libxml2 layer: XML and HTML parsing (DOCTYPE refused), XSD validation, XPath, the XML writer.
        // No other target imports CLibXML2.
        .target(name: "AuditXML", dependencies: ["AuditModel", "CLibXML2", "CLibXML2Shim"]),
        .target(
            name: "AuditChecklist",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditXML",
            ]),
        // The rooms of an audit's inputs: the SNMP adapter (net-snmp), the HTTP/TLS adapter (libcurl) with
        // JSON/XPath extraction, the measured checks over exports (no network code), the site profile.
        .target(name: "AuditSNMP", dependencies: ["AuditModel", "AuditSupport", "CNetSNMP", "CNetSNMPShim"]),
        .target(
            name: "AuditHTTP",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditXML", "CCurl", "CCurlShim",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "AuditMeasures", dependencies: ["AuditModel", "AuditSupport", "CLibZ"]),
        .target(name: "AuditSite", dependencies: ["AuditModel", "AuditSupport", "AuditSNMP"]),
        // Probe definitions, their judge and the runner that asks the adapters.
        .target(
            name: "AuditProbes",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditSite", "AuditSNMP", "AuditHTTP", "AuditMeasures",
            ]),
        // Sends bundles to the bureau's server through AuditHTTP (libcurl), with an outbox for later.
        .target(name: "AuditSubmit", dependencies: ["AuditSupport", "AuditHTTP"]),
        .target(
            name: "AuditStore",
            dependencies: [
                "AuditModel", "AuditSupport", "CSQLite3", "CSQLite3Shim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "AuditEngine",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditChecklist", "AuditSite", "AuditSNMP", "AuditHTTP", "AuditMeasures",
                "AuditProbes", "AuditStore", "AuditReports", "AuditBundle", "AuditSigning", "AuditSubmit",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "AuditReports",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditXML",
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        // Signed audit bundles: keys and signatures (SM2/SM3 through libcrypto, Ed25519 through swift-crypto), the
        // zip with its DSSE envelope, and the one verifier `mallaudit verify` and the bureau's server call.
        .target(
            name: "AuditSigning",
            dependencies: ["CLibCrypto", "CLibCryptoShim", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "AuditBundle",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditSigning", "AuditStore", "AuditReports",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .executableTarget(
            name: "mallaudit",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditChecklist", "AuditSite", "AuditSNMP", "AuditHTTP", "AuditMeasures",
                "AuditProbes", "AuditStore", "AuditEngine", "AuditReports", "AuditSigning", "AuditBundle",
                "AuditSubmit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The bureau's service (issue 18): Hummingbird over PostgreSQL. Nothing in the CLI's graph depends on it.
        .target(
            name: "AuditServer",
            dependencies: [
                "AuditModel", "AuditSupport", "AuditSigning", "AuditBundle", "AuditReports", "CLibZ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // The web pages (Pages/): templates/server/*.mustache, and the report members of filed bundles.
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .executableTarget(
            name: "mallaudit-server",
            dependencies: [
                "AuditServer", "AuditModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: test and benchmark helpers (not part of the product)
        .target(
            name: "AuditTestKit",
            dependencies: ["AuditModel", "AuditSupport", "AuditStore", "AuditReports", "AuditSigning", "AuditBundle"]),
        .executableTarget(
            name: "mallaudit-testkit",
            dependencies: [
                "AuditTestKit", "AuditReports", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: tests
        // What the tests share: the process runner, the built binaries, the test peers' variables, small checklists, a
        // forger's re-signing of bundles (BundleTests, ServerTests).
        .target(
            name: "TestSupport",
            dependencies: [
                "AuditModel", "AuditBundle", "AuditSigning", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(name: "AuditModelTests", dependencies: ["AuditModel", "TestSupport"]),
        .testTarget(name: "SupportTests", dependencies: ["AuditSupport"]),
        .testTarget(
            name: "AuditChecklistTests", dependencies: ["AuditChecklist", "AuditModel", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "MeasureTests", dependencies: ["AuditMeasures", "AuditSupport", "AuditModel", "TestSupport"]),
        .testTarget(name: "SNMPTests", dependencies: ["AuditSNMP", "AuditModel", "TestSupport"]),
        .testTarget(name: "AuditXMLTests", dependencies: ["AuditXML", "AuditModel"]),
        .testTarget(name: "HTTPTests", dependencies: ["AuditHTTP", "AuditXML", "AuditModel", "TestSupport"]),
        .testTarget(
            name: "ProbeTests",
            dependencies: [
                "AuditProbes", "AuditSite", "AuditSNMP", "AuditHTTP", "AuditXML", "AuditModel", "AuditChecklist",
                "TestSupport",
            ]),
        .testTarget(name: "AuditStoreTests", dependencies: ["AuditStore", "AuditModel", "TestSupport"]),
        .testTarget(
            name: "AuditReportsTests",
            dependencies: [
                "AuditReports", "AuditTestKit", "AuditModel", "AuditXML", "TestSupport",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["Golden"]),
        .testTarget(name: "CLITests", dependencies: ["AuditModel", "TestSupport"], exclude: ["Fixtures"]),
        // Hostile inputs and faults against the built binary and the real peers (docs/reliability.md), and the
        // inputs the fuzzers of fuzz/ found, fed again to the parsers they broke.
        .testTarget(
            name: "ReliabilityTests",
            dependencies: ["AuditModel", "AuditSupport", "AuditMeasures", "AuditXML", "TestSupport"],
            exclude: ["FuzzInputs"]),
        .testTarget(name: "SigningTests", dependencies: ["AuditSigning", "TestSupport"]),
        .testTarget(
            name: "BundleTests",
            dependencies: [
                "AuditBundle", "AuditSigning", "AuditStore", "AuditReports", "AuditModel", "AuditChecklist",
                "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Fixtures"]),
        // Runs the built mallaudit-server (and mallaudit submit) against the PostgreSQL cluster of
        // scripts/peers/postgres.sh; links no server code itself, so it talks to the server only over HTTP. It makes
        // real signed bundles with the bundle library (AuditTestKit's BundleFactory over one real stored run).
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "AuditModel", "AuditHTTP", "AuditTestKit", "AuditBundle", "AuditSigning", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
