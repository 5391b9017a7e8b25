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
        .library(name: "SweepStore", targets: ["SweepStore"]),
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
        // The libpq wrapper: connections, typed queries, binary COPY, errors, LISTEN/NOTIFY, and
        // the local cluster the tool manages. Knows nothing of nepsim's tables.
        .target(name: "PostgresStore", dependencies: ["CLibPQ"]),
        // nepsim's schema: the migrations, the views generated from the outcome catalog, the
        // roles, and the rows of its tables as Swift values (StoredSweep, ResultsLayout).
        .target(name: "SweepStore", dependencies: ["SimulationCore", "Experiments", "PostgresStore"]),
        // Coordinator (sweeps cut into tasks) and worker loop (claim, simulate, write, complete).
        .target(name: "Sweeps", dependencies: [
            "SimulationCore", "Experiments", "PostgresStore", "SweepStore", .product(name: "Logging", package: "swift-log"),
        ]),
        // For tests only: fresh, empty databases on a test server or a local cluster.
        .target(name: "PostgresTestSupport", dependencies: ["PostgresStore"]),
        // Probability-of-outcome analysis: report data from SQL, conditions, renderers (table, CSV, JSON, HTML).
        .target(name: "Analysis", dependencies: ["SimulationCore", "Experiments", "PostgresStore", "SweepStore"]),
        .executableTarget(
            name: "nepsim",
            dependencies: [
                "SimulationCore", "Experiments", "PostgresStore", "SweepStore", "Sweeps", "Analysis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SimulationCoreTests", dependencies: ["SimulationCore", "Experiments"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "SimulationCore"]),
        // End-to-end tests of the command-line tool: they run the built `nepsim` binary.
        .testTarget(name: "NepsimCLITests", dependencies: ["nepsim"]),
        .testTarget(name: "AnalysisTests", dependencies: [
            "Analysis", "Sweeps", "SweepStore", "PostgresStore", "PostgresTestSupport", "Experiments", "SimulationCore", "nepsim",
        ]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "PostgresTestSupport"]),
        .testTarget(name: "SweepsTests", dependencies: ["Sweeps", "SweepStore", "PostgresStore", "PostgresTestSupport", "Experiments", "SimulationCore", "nepsim"]),
    ]
)
