// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nepsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nepsim", targets: ["nepsim"]),
        .library(name: "SimulationCore", targets: ["SimulationCore"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
        .library(name: "Sweeps", targets: ["Sweeps"]),
        .library(name: "Analysis", targets: ["Analysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // TOML scenario files: TOMLKit wraps toml++, which reports line and column on syntax errors.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The model: pure Swift, deterministic, no I/O.
        .target(name: "SimulationCore"),
        // Scenario files, parameter distributions, experiment designs, run identity.
        .target(
            name: "Experiments",
            dependencies: ["SimulationCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // libpq from Debian's libpq-dev: the only PostgreSQL client.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        // The libpq wrapper: connections, parameterized queries, binary COPY, errors, migrations,
        // LISTEN/NOTIFY, and the local cluster the tool manages.
        .target(name: "PostgresStore", dependencies: ["CLibPQ"]),
        // Coordinator (sweeps cut into tasks) and worker loop (claim, simulate, write, complete).
        .target(name: "Sweeps", dependencies: [
            "SimulationCore", "Experiments", "PostgresStore", .product(name: "Logging", package: "swift-log"),
        ]),
        // For tests only: fresh, empty databases on a test server or a local cluster.
        .target(name: "PostgresTestSupport", dependencies: ["PostgresStore"]),
        // Probability-of-outcome analysis: report data from SQL, conditions, renderers (table, CSV, JSON, HTML).
        .target(name: "Analysis", dependencies: ["SimulationCore", "PostgresStore", "Sweeps"]),
        .executableTarget(
            name: "nepsim",
            dependencies: [
                "SimulationCore", "Experiments", "PostgresStore", "Sweeps", "Analysis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SimulationCoreTests", dependencies: ["SimulationCore", "Experiments"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "SimulationCore"]),
        // End-to-end tests of the command-line tool: they run the built `nepsim` binary.
        .testTarget(name: "NepsimCLITests", dependencies: ["nepsim"]),
        .testTarget(name: "AnalysisTests", dependencies: [
            "Analysis", "Sweeps", "PostgresStore", "PostgresTestSupport", "Experiments", "SimulationCore", "nepsim",
        ]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "PostgresTestSupport"]),
        .testTarget(name: "SweepsTests", dependencies: ["Sweeps", "PostgresStore", "PostgresTestSupport", "Experiments", "SimulationCore", "nepsim"]),
    ]
)
