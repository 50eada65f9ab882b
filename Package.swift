// swift-tools-version:6.0
import PackageDescription

// No dependencies, by design: Foundation, Glibc and the toolchain's test libraries only.

// Release builds of the engine and the CLI leave out the run-time exclusivity checks (each
// access to a class's stored property, a global, or a captured variable registered and
// looked up: some 150 a batch line, about 5% of its instructions, callgrind). Debug builds
// keep them, and `swift test` builds and tests the debug build (its end-to-end tests take a
// newer release binary for the lint sweeps, and one only when there is no debug binary); the
// compiler's static checks apply to both.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "dbadvisor",
    products: [
        .executable(name: "dbadvisor", targets: ["dbadvisor"]),
    ],
    targets: [
        // Pure logic: catalog, profile, rules, engine. Takes bytes, returns values: no files,
        // directories, clocks or terminal.
        .target(name: "AdvisorCore", swiftSettings: releaseSettings),
        // The operating system, on the C library (Glibc or Darwin): files, directories, a clock.
        // Knows nothing of catalogs or advice.
        .target(name: "Platform"),
        // The catalog/ directory, embedded at build time by the EmbedCatalog plugin.
        .target(
            name: "BundledCatalog",
            plugins: ["EmbedCatalog"]
        ),
        // Commands, argument parsing, renderers, terminal handling; reads --catalog directories.
        .target(name: "AdvisorCLI", dependencies: ["AdvisorCore", "BundledCatalog", "Platform"], swiftSettings: releaseSettings),
        // Linked with the Swift runtime in it on Linux, so the built binary runs when copied to a
        // machine without the toolchain, and starts without loading the runtime's shared
        // libraries (Apple platforms have the runtime in the OS and no static one).
        .executableTarget(
            name: "dbadvisor",
            dependencies: ["AdvisorCLI"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux]))]
        ),
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
        .testTarget(name: "AdvisorCLITests", dependencies: ["AdvisorCLI", "AdvisorCore", "BundledCatalog", "Platform"]),
        .testTarget(name: "EndToEndTests", dependencies: ["AdvisorCore"]),
    ]
)
