// MARK: - SQLQuery

/// A statement and its parameters, built by string interpolation so that a value can only ever
/// reach the server as a bound parameter:
///
///     try connection.query("SELECT name FROM nepsim.sweeps WHERE sweep_id = \(bind: id)")
///
/// appends `$1` to the text and `id`'s text form to the parameters. Placeholders are numbered
/// when the statement is sent, so fragments with binds of their own (a `--given` condition) can
/// be spliced in with `\(fragment)` without anyone counting `$N`s. Text that must be part of the
/// statement itself (a column name from the outcome catalog, a generated select list) goes in
/// with `\(raw:)`, which a reviewer can search for. There is no unlabelled interpolation of a
/// value: `"... = \(id)"` does not compile, rather than quietly splicing a value into SQL.
public struct SQLQuery: Sendable, Equatable, ExpressibleByStringInterpolation {
    enum Piece: Sendable, Equatable {
        case text(String)
        case bind(String?)
    }

    var pieces: [Piece]

    public init(stringLiteral value: String) { pieces = [.text(value)] }
    public init(stringInterpolation: StringInterpolation) { pieces = stringInterpolation.pieces }

    /// Statement text assembled elsewhere (a migration script, a generated view), with no binds.
    public init(raw text: String) { pieces = [.text(text)] }

    /// The text with `$1...$N` in order of appearance, and the parameters' text, as libpq takes them.
    public var rendered: (sql: String, parameters: [String?]) {
        var sql = ""
        var parameters: [String?] = []
        for piece in pieces {
            switch piece {
            case .text(let text): sql += text
            case .bind(let value):
                parameters.append(value)
                sql += "$\(parameters.count)"
            }
        }
        return (sql, parameters)
    }

    /// `lhs` followed by `rhs`, their binds renumbered as one statement.
    public static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        var joined = lhs
        joined.pieces += rhs.pieces
        return joined
    }

    /// The fragments with `separator` between them (`AND`, `, `).
    public static func joined(_ fragments: [SQLQuery], separator: String) -> SQLQuery {
        var joined = SQLQuery(raw: "")
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { joined.pieces.append(.text(separator)) }
            joined.pieces += fragment.pieces
        }
        return joined
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(2 * interpolationCount + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        /// A bound parameter: `$N` in the text, the value's text form in the parameters.
        public mutating func appendInterpolation(bind value: some PostgresBindable) {
            pieces.append(.bind(value.postgresText))
        }

        /// A bound parameter that may be SQL NULL.
        public mutating func appendInterpolation(bind value: (some PostgresBindable)?) {
            pieces.append(.bind(value?.postgresText))
        }

        /// Text spliced into the statement as it is: identifiers and fragments the program itself
        /// generated, never a value from outside.
        public mutating func appendInterpolation(raw text: String) {
            pieces.append(.text(text))
        }

        /// A name (a database, a channel) double-quoted as an identifier: names cannot be bound.
        public mutating func appendInterpolation(identifier name: String) {
            pieces.append(.text(PostgresConnection.quoteIdentifier(name)))
        }

        /// A fragment with binds of its own, renumbered in place.
        public mutating func appendInterpolation(_ fragment: SQLQuery) {
            pieces += fragment.pieces
        }
    }
}

// MARK: - Values sent and read as text

/// A Swift value that can be sent as a parameter in PostgreSQL's text format.
public protocol PostgresBindable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresBindable { public var postgresText: String { self } }
extension Int: PostgresBindable { public var postgresText: String { String(self) } }
extension Int32: PostgresBindable { public var postgresText: String { String(self) } }
extension Int64: PostgresBindable { public var postgresText: String { String(self) } }
extension UInt64: PostgresBindable { public var postgresText: String { String(self) } }
extension Bool: PostgresBindable { public var postgresText: String { self ? "t" : "f" } }
/// Swift prints the shortest text that reads back to the same double, and "inf", "-inf" and
/// "nan", which float8 input accepts.
extension Double: PostgresBindable { public var postgresText: String { description } }

/// A value that may be an element of a bound array: a scalar. (An array of arrays would need
/// its inner literals left unquoted; none is bound, so none compiles.)
public protocol PostgresArrayElement: PostgresBindable {}
extension String: PostgresArrayElement {}
extension Int: PostgresArrayElement {}
extension Int32: PostgresArrayElement {}
extension Int64: PostgresArrayElement {}
extension UInt64: PostgresArrayElement {}
extension Bool: PostgresArrayElement {}
extension Double: PostgresArrayElement {}

/// An array literal, every element double-quoted (backslash and quote escaped), so text elements
/// holding commas, braces or the word NULL arrive as they are. Cast the placeholder
/// (`\(bind: names)::text[]`) where the server cannot infer the type.
extension Array: PostgresBindable where Element: PostgresArrayElement {
    public var postgresText: String {
        "{" + map { element in
            var quoted = "\""
            for character in element.postgresText {
                if character == "\\" || character == "\"" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "\""
        }.joined(separator: ",") + "}"
    }
}

/// A Swift value that can be read from a column in PostgreSQL's text format; nil if the text is
/// not one.
public protocol PostgresDecodable {
    init?(postgresText: String)
}

/// An enum stored as its raw text (a sweep's state, design): text it does not know is unreadable.
extension PostgresDecodable where Self: RawRepresentable, RawValue == String {
    public init?(postgresText: String) { self.init(rawValue: postgresText) }
}

extension String: PostgresDecodable { public init?(postgresText: String) { self = postgresText } }
extension Int: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int32: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int64: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension UInt64: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Double: PostgresDecodable {
    /// float8 output spells the special values "Infinity", "-Infinity" and "NaN".
    public init?(postgresText: String) {
        switch postgresText {
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        case "NaN": self = .nan
        default: self.init(postgresText)
        }
    }
}
extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}
