// MARK: - Parameter metadata

extension Double {
    /// "1927" rather than "1927.0"; "0.25" as is.
    func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

/// What values a model parameter may take. Scenario validation checks every distribution's
/// support against this, so an impossible value is refused before any run starts.
public enum ParameterDomain: Sendable, Equatable {
    /// A probability or share: 0 ... 1.
    case unitInterval
    /// A quantity that cannot be negative (people, tonnes, rates).
    case nonNegative
    /// Strictly positive (divisors, scales).
    case positive
    /// Any finite number (log-scale locations, signed effects).
    case finite
    /// A closed range, for years and bounded indices.
    case range(Double, Double)

    /// True when `value` is allowed.
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        switch self {
        case .unitInterval: return value >= 0 && value <= 1
        case .nonNegative: return value >= 0
        case .positive: return value > 0
        case .finite: return true
        case .range(let low, let high): return value >= low && value <= high
        }
    }

    /// Words for an error message: "a probability between 0 and 1".
    public var expectation: String {
        switch self {
        case .unitInterval: return "a probability or share between 0 and 1"
        case .nonNegative: return "a non-negative number"
        case .positive: return "a positive number"
        case .finite: return "a finite number"
        case .range(let low, let high): return "a number between \(low.formatted()) and \(high.formatted())"
        }
    }
}

/// One named model constant: its scenario key, unit, allowed values and meaning.
///
/// The catalog is the single list of every constant the model uses; scenario files must give each
/// one a value or distribution and a source.
public struct ParameterSpec: @unchecked Sendable {  // key paths are immutable values
    /// The snake_case key used in scenario files, reports and the database.
    public let name: String
    /// The mechanism the parameter belongs to (Harvest, Famine, ...), for grouping in listings.
    public let mechanism: String
    public let unit: String
    public let domain: ParameterDomain
    public let summary: String
    let keyPath: WritableKeyPath<ModelParameters, Double>
    /// Where the value sits inside `ModelParameters`. Writing through a byte offset touches no
    /// shared object, so threads drawing design points do not contend on key-path reference counts.
    public let byteOffset: Int

    public init(
        _ name: String, _ keyPath: WritableKeyPath<ModelParameters, Double>,
        mechanism: String, unit: String, domain: ParameterDomain, _ summary: String, byteOffset: Int? = nil
    ) {
        self.name = name
        self.keyPath = keyPath
        self.mechanism = mechanism
        self.unit = unit
        self.domain = domain
        self.summary = summary
        guard let offset = byteOffset ?? MemoryLayout<ModelParameters>.offset(of: keyPath) else {
            preconditionFailure("parameter \(name) must be a stored Double of ModelParameters")
        }
        self.byteOffset = offset
    }

    /// Reads this parameter from a parameter set.
    public func value(in parameters: ModelParameters) -> Double {
        parameters[keyPath: keyPath]
    }

    /// Reads several parameters from a parameter set in one pass over its bytes, into `values`
    /// (as long as `specs`): what a worker does for every run it stores. Through byte offsets, as
    /// writing is, because key paths' reference counts contend across threads (a profile of a
    /// worker showed them, with copies of the whole parameter set, in the encoding of each run).
    public static func read(_ specs: [ParameterSpec], from parameters: ModelParameters, into values: inout [Double]) {
        withUnsafeBytes(of: parameters) { bytes in
            for index in specs.indices {
                values[index] = bytes.load(fromByteOffset: specs[index].byteOffset, as: Double.self)
            }
        }
    }

    /// Writes this parameter into a parameter set.
    @inlinable
    public func set(_ value: Double, in parameters: inout ModelParameters) {
        ParameterSpec.set(value, atByteOffset: byteOffset, in: &parameters)
    }

    /// Writes a Double at a byte offset found by `MemoryLayout.offset(of:)`.
    @inlinable
    public static func set(_ value: Double, atByteOffset offset: Int, in parameters: inout ModelParameters) {
        withUnsafeMutableBytes(of: &parameters) { $0.storeBytes(of: value, toByteOffset: offset, as: Double.self) }
    }
}
