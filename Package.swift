// swift-tools-version:6.0
import PackageDescription

// No dependencies, by design: Foundation, Glibc and the toolchain's test libraries only.
let package = Package(
    name: "dbadvisor",
    products: [
        .executable(name: "dbadvisor", targets: ["dbadvisor"]),
    ],
    targets: [
        // Pure logic: catalog, profile, rules, engine. No I/O beyond reading a catalog directory.
        .target(name: "AdvisorCore"),
        // The catalog/ directory, embedded at build time by the EmbedCatalog plugin.
        .target(
            name: "BundledCatalog",
            plugins: ["EmbedCatalog"]
        ),
        // Commands, argument parsing, renderers, terminal handling.
        .target(name: "AdvisorCLI", dependencies: ["AdvisorCore", "BundledCatalog"]),
        .executableTarget(name: "dbadvisor", dependencies: ["AdvisorCLI"]),
        // The benchmark: swift run -c release dbadvisor-bench (prints figures; asserts nothing).
        .executableTarget(name: "dbadvisor-bench", path: "Sources/Benchmark"),

        // Build-time only: turns catalog/ into Swift source so the binary carries it.
        .executableTarget(name: "CatalogEmbedder", dependencies: ["AdvisorCore"]),
        .plugin(
            name: "EmbedCatalog",
            capability: .buildTool(),
            dependencies: ["CatalogEmbedder"],
            path: "Sources/EmbedCatalogPlugin"
        ),

        .testTarget(name: "AdvisorCoreTests", dependencies: ["AdvisorCore"]),
        .testTarget(name: "AdvisorCLITests", dependencies: ["AdvisorCLI", "AdvisorCore", "BundledCatalog"]),
        .testTarget(name: "EndToEndTests", dependencies: ["AdvisorCore"]),
    ]
)
