// MARK: - ScenarioProblem

/// One thing wrong with a scenario file, located as precisely as the file allows.
public struct ScenarioProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake this is, for code that reacts to some kinds (and for tests).
    public enum Kind: String, Sendable, Equatable {
        /// The file does not exist or cannot be read as UTF-8 text.
        case unreadableFile
        /// The file is not valid TOML.
        case syntax
        /// A top-level table or key, or a key in [scenario], that the format does not have.
        case unknownKey
        /// A key in [parameters] that is not in the parameter catalog.
        case unknownParameter
        /// A `distribution = "..."` name that does not exist.
        case unknownDistribution
        /// A field a parameter's distribution does not take.
        case unknownField
        /// A required field or table is absent.
        case missingField
        /// A value of the wrong TOML type (a string for a number, a bare number for a table).
        case wrongType
        /// A parameter without a `source`, or with an empty one.
        case missingSource
        /// NaN or infinity where a number is expected.
        case notFinite
        /// A value or distribution support outside the parameter's domain.
        case outsideDomain
        /// low > high, or low == high where a range is needed.
        case invertedBounds
        /// A shape parameter out of range: sd, sigma, alpha, beta or median not positive.
        case invalidShape
        /// A malformed choice: mismatched lengths, no values, negative or all-zero weights.
        case invalidChoice
        /// Catalog parameters that no file in the extends chain declares.
        case missingParameters
        /// `extends` names a file that leads back to itself.
        case extendsCycle
        /// A [scenario] name that breaks the naming rule.
        case invalidName
    }

    public var kind: Kind
    /// The file the problem is in, as the user named it (or as reached through `extends`).
    public var file: String
    /// Dotted path of the offending key, e.g. `parameters.drought_probability.high`; empty for
    /// problems with the whole file.
    public var keyPath: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known (syntax errors).
    public var column: Int?
    /// What is wrong and what was expected, for a person.
    public var message: String

    public init(
        _ kind: Kind, file: String, keyPath: String, line: Int? = nil, column: Int? = nil, message: String
    ) {
        self.kind = kind
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line[:column]: key.path: message`, the shape compilers use so editors can jump to it.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

// MARK: - ScenarioError

/// Everything wrong with a scenario and the files it extends, gathered in one pass so a person
/// can fix them all before trying again.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// The scenario file that was being loaded (the top of the extends chain).
    public var file: String
    /// Each problem found, in file order and then line order.
    public var problems: [ScenarioProblem]

    public init(file: String, problems: [ScenarioProblem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
