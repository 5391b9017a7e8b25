import PostgresStore

// MARK: - SweepError

/// Mistakes a user can make with sweeps, each with what to do about it.
public enum SweepError: Error, Sendable, CustomStringConvertible, Equatable {
    case unknownSweep(String)
    case nameTaken(String)
    case invalidRequest(String)
    case storedScenarioUnreadable(sweepID: Int64, problem: String)
    /// A row of nepsim.sweeps this nepsim cannot read (a newer or damaged database): refusing it
    /// is safer than guessing a design or weather, which would silently change every run.
    case unreadableSweepRow(sweep: String, column: String, value: String?)

    public var description: String {
        switch self {
        case .unknownSweep(let reference):
            return "no sweep '\(reference)' in this database; `nepsim sweep list` shows the sweeps there are"
        case .nameTaken(let name):
            return "a sweep named '\(name)' already exists; choose another --name or leave it out for a generated one"
        case .invalidRequest(let message):
            return message
        case .storedScenarioUnreadable(let id, let problem):
            return "sweep \(id)'s stored scenario no longer parses with this nepsim: \(problem)"
        case .unreadableSweepRow(let sweep, let column, let value):
            return "sweep \(sweep) has \(value.map { "'\($0)'" } ?? "no value") in nepsim.sweeps.\(column), which this nepsim "
                + "cannot read; is the database from a newer nepsim? (`nepsim db status` shows its schema version)"
        }
    }
}
