// MARK: - SweepError

/// Mistakes a user can make with sweeps, each with what to do about it.
public enum SweepError: Error, Sendable, CustomStringConvertible, Equatable {
    case unknownSweep(String)
    case nameTaken(String)
    case invalidRequest(String)
    case storedScenarioUnreadable(sweepID: Int64, problem: String)

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
        }
    }
}
