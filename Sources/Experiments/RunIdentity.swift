import SimulationCore

/// Names one run of a sweep: its seed, design point and replication.
public struct RunIdentity: Sendable, Hashable {
    public var seed: UInt64
    public var point: UInt64
    public var replication: UInt32

    public init(seed: UInt64, point: UInt64, replication: UInt32) {
        self.seed = seed
        self.point = point
        self.replication = replication
    }

    /// The stream of chance inside this run (attempts, successions, riots, decisions).
    public var chanceStream: RandomStream {
        RandomStream(seed: seed, point: point, replication: replication, purpose: .runChance)
    }

    /// The run's weather, apart from every other chance event.
    public var weatherStream: RandomStream {
        RandomStream(seed: seed, point: point, replication: replication, purpose: .weather)
    }
}
