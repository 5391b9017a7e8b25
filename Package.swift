// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nepsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nepsim", targets: ["nepsim"]),
        .library(name: "SimulationCore", targets: ["SimulationCore"]),
        .library(name: "Experiments", targets: ["Experiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .executableTarget(
            name: "nepsim",
            dependencies: [
                "SimulationCore", "Experiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SimulationCoreTests", dependencies: ["SimulationCore", "Experiments"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "SimulationCore"]),
        // End-to-end tests of the command-line tool: they run the built `nepsim` binary.
        .testTarget(name: "NepsimCLITests", dependencies: ["nepsim"]),
    ]
)
