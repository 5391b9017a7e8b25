// MARK: - Leader

/// Who leads the party. Each leadership draws its behaviour from a propensity profile
/// (Kirov and Kaganovich share the Stalinist heir's).
public enum Leader: UInt8, Sendable, CaseIterable {
    case stalin
    /// Seed 000: Molotov General Secretary, Rykov premier, Sokolnikov at Finance.
    case molotovRykov
    /// The Right: Bukharin and Rykov.
    case bukharinRykov
    /// The Left: Zinoviev and Kamenev (Trotsky's allies).
    case zinovievKamenev
    /// Stalinist heirs once the Great Turn has been made.
    case kirov
    case kaganovich

    /// The stable label used in outcomes, reports and SQL.
    public var label: String {
        switch self {
        case .stalin: return "Stalin"
        case .molotovRykov: return "Molotov-Rykov"
        case .bukharinRykov: return "Bukharin-Rykov"
        case .zinovievKamenev: return "Zinoviev-Kamenev"
        case .kirov: return "Kirov"
        case .kaganovich: return "Kaganovich"
        }
    }

    /// Whether this leadership belongs to the Stalinist faction.
    public var isStalinist: Bool {
        switch self {
        case .stalin, .kirov, .kaganovich: return true
        default: return false
        }
    }
}

/// The party factions whose strength decides a succession.
public enum Faction: Int, Sendable, CaseIterable {
    case stalinist, centre, right, left
}
