// MARK: - PostgresError

/// Everything that can go wrong talking to PostgreSQL, as a value: what kind of failure, the
/// server's SQLSTATE code and message, and the statement, so a person can act on it. URLs in
/// messages have their passwords masked.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Could not connect, or the connection broke.
        case connection
        /// The server refused a statement.
        case query
        /// A COPY failed.
        case copy
        /// The client was used wrongly (closed connection, unexpected result).
        case client
    }

    public let kind: Kind
    /// SQLSTATE, e.g. "23505" unique violation, "28P01" bad password, "3D000" no such database.
    public let sqlState: String?
    public let message: String
    public let detail: String?
    public let hint: String?
    /// The statement, first line only (never parameter values).
    public let query: String?
    /// The database URL, password masked.
    public let database: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
                query: String? = nil, database: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        self.detail = detail
        self.hint = hint
        self.query = query.map { String($0.split(separator: "\n").first ?? "") }
        self.database = database
    }

    /// True when retrying on a new connection may succeed: the connection failed or broke, or the
    /// server is shutting down or restarting.
    public var isConnectionProblem: Bool {
        if kind == .connection { return true }
        guard let code = sqlState else { return false }
        return code.hasPrefix("08") || code == "57P01" || code == "57P02" || code == "57P03"
    }

    /// The server stopped the statement because it ran past `statement_timeout`.
    public var isStatementTimeout: Bool {
        sqlState == "57014" && message.contains("statement timeout")
    }

    /// A connection failure that waiting cannot heal: a database or role that does not exist, a
    /// missing or wrong password, a server that refuses this client, a bad connection string or
    /// certificate. Workers exit on these with the message instead of retrying forever.
    public var isPermanentConnectionFailure: Bool {
        if isAuthenticationFailure { return true }
        if let code = sqlState, ["3D000", "28000", "28P01", "42501"].contains(code) { return true }
        let permanent = ["does not exist", "no password supplied", "no pg_hba.conf entry", "invalid connection option",
                         "libpq cannot read", "contains '@'", "certificate verify failed", "does not match host name",
                         "is not permitted to log in", "invalid sslmode", "root certificate file"]
        return permanent.contains { message.contains($0) }
    }

    /// A bad password or a role that may not log in: retrying will not help. By SQLSTATE (28P01,
    /// 28000) where there is one; libpq reports a failed connection attempt only as text (the
    /// server's SQLSTATE is not exposed without a result), so its message is matched as well.
    public var isAuthenticationFailure: Bool {
        sqlState == "28P01" || sqlState == "28000" || message.contains("password authentication failed")
    }

    public var description: String {
        var text: String
        switch kind {
        case .connection:
            text = "could not talk to the database" + (database.map { " at \($0)" } ?? "") + ": \(message)"
            if isAuthenticationFailure {
                text += "\n  hint: check the user and password (PGPASSWORD, ~/.pgpass or PGPASSFILE)"
            } else if message.contains("Connection refused") || message.contains("could not connect") {
                text += "\n  hint: is PostgreSQL running there? `nepsim db up` starts a local one"
            }
        case .query, .copy, .client:
            text = message
            if let sqlState { text += " (SQLSTATE \(sqlState))" }
            if let query { text += "\n  in: \(query)" }
        }
        if let detail { text += "\n  detail: \(detail)" }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

import Foundation
