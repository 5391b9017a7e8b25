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

    /// The stream of chance inside this run.
    public var chanceStream: RandomStream {
        RandomStream(seed: seed, point: point, replication: replication, purpose: .runChance)
    }
}
