import CLibPQ
import Foundation

// MARK: - PostgresConnection

/// One libpq connection. Not thread-safe: give each thread its own. Statements are `SQLQuery`
/// values: every value is a bound parameter (sent as text), never spliced into the SQL.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    /// The URL with its password masked.
    public let maskedURL: String

    /// Connects to `url` (a postgresql:// URL or a libpq conninfo string). Passwords may also come
    /// from PGPASSWORD or ~/.pgpass (PGPASSFILE), as libpq reads them.
    public init(url: String, applicationName: String = "nepsim", connectTimeoutSeconds: Int = 10) throws(PostgresError) {
        maskedURL = DatabaseURL.masked(url)
        try DatabaseURL.validate(url)
        let keywords = ["dbname", "application_name", "connect_timeout"]
        let values = [url, applicationName, String(connectTimeoutSeconds)]
        let connection: OpaquePointer? = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "out of memory creating a connection", database: maskedURL)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            var message = String(cString: PQerrorMessage(connection))
            if let password = DatabaseURL.password(in: url) { message = DatabaseURL.scrub(message, password: password) }
            PQfinish(connection)
            throw PostgresError(kind: .connection, sqlState: message.contains("password authentication failed") ? "28P01" : nil,
                                message: message, database: maskedURL)
        }
        handle = connection
        // Notices ("relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        // PostgreSQL notices a vanished client only when it next writes to it; with this setting
        // (PostgreSQL 14 and later) it checks the socket every few seconds while a statement
        // runs, so a client killed with SIGKILL does not leave its query running for long.
        if PQserverVersion(connection) >= 140000 {
            _ = try? query("""
                SELECT set_config('client_connection_check_interval', \(bind: PostgresConnection.clientCheckIntervalMilliseconds), false)
                """)
        }
    }

    /// How often the server checks, during a statement, that this client is still there:
    /// NEPSIM_CLIENT_CHECK_INTERVAL_MS (0: never, as PostgreSQL's default), else 2 s.
    public static let clientCheckIntervalMilliseconds =
        ProcessInfo.processInfo.environment["NEPSIM_CLIENT_CHECK_INTERVAL_MS"].flatMap { Int($0) }.map { max(0, $0) } ?? 2000

    /// Stops any statement of this session that runs longer than `seconds` (0: no limit).
    public func setStatementTimeout(seconds: Double) throws(PostgresError) {
        _ = try query("SELECT set_config('statement_timeout', \(bind: Int((seconds * 1000).rounded())), false)")
    }

    /// A handle that cancels the statement this connection is running, from another thread (a
    /// signal handler's queue); nil if the connection is closed.
    public func makeCanceller() -> StatementCanceller? {
        guard let handle, let cancel = PQgetCancel(handle) else { return nil }
        return StatementCanceller(cancel)
    }

    deinit { close() }

    /// Closes the connection; later calls throw.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// True while the connection is usable.
    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    // MARK: Statements

    /// Runs one statement with its bound parameters and returns its rows (as text).
    @discardableResult
    public func query(_ query: SQLQuery) throws(PostgresError) -> QueryResult {
        let (sql, parameters) = query.rendered
        let connection = try liveHandle(sql)
        let result: OpaquePointer? = withOptionalCStrings(parameters) { pointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result, sql: sql, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
    }

    /// Runs a script of several statements without parameters (migrations).
    public func execute(script sql: String) throws(PostgresError) {
        let connection = try liveHandle(sql)
        let result = PQexec(connection, sql)
        _ = try consume(result, sql: sql, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        // A script may leave further results; drain them.
        while let extra = PQgetResult(connection) { PQclear(extra) }
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            if isOpen { _ = try? query("ROLLBACK") }
            throw error
        }
    }

    // MARK: COPY

    /// Streams binary COPY data (built with `BinaryCopyWriter`) into `COPY table (...) FROM STDIN
    /// (FORMAT binary)`. Returns the number of rows the server stored.
    @discardableResult
    public func copyIn(_ sql: String, data: [UInt8]) throws(PostgresError) -> Int {
        try copyIn(sql) { send in data.withUnsafeBytes(send) }
    }

    /// `copyIn` of a payload made of several writers' rows, sent piece by piece without joining them.
    @discardableResult
    public func copyIn(_ sql: String, payload: BinaryCopyPayload) throws(PostgresError) -> Int {
        try copyIn(sql) { send in payload.forEachPiece(send) }
    }

    /// `copyIn` of the bytes `pieces` hands to `send` in order (which answers false once a send
    /// failed, and `pieces` then stops and returns false).
    private func copyIn(_ sql: String, pieces: ((UnsafeRawBufferPointer) -> Bool) -> Bool) throws(PostgresError) -> Int {
        let connection = try startCopy(sql, expecting: PGRES_COPY_IN)
        let chunk = 1 << 20
        let sent = pieces { piece in
            var offset = 0
            while offset < piece.count {
                let length = min(chunk, piece.count - offset)
                let pointer = (piece.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                guard PQputCopyData(connection, pointer, Int32(length)) == 1 else { return false }
                offset += length
            }
            return true
        }
        // A broken connection is a connection problem (the caller may reconnect and retry), not a
        // refused COPY.
        let kindIfFailed = { () -> PostgresError.Kind in PQstatus(connection) == CONNECTION_OK ? .copy : .connection }
        guard sent, PQputCopyEnd(connection, nil) == 1 else {
            throw PostgresError(kind: kindIfFailed(), message: String(cString: PQerrorMessage(connection)), query: sql)
        }
        var rows = 0
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
                PQclear(result)
            } else if failure == nil {
                do { _ = try consume(result, sql: sql, expecting: [PGRES_COMMAND_OK]) } catch { failure = error }
            } else {
                PQclear(result)
            }
        }
        if let failure {
            throw PostgresError(kind: failure.isConnectionProblem ? .connection : kindIfFailed(), sqlState: failure.sqlState,
                                message: failure.message, detail: failure.detail, hint: failure.hint, query: sql)
        }
        return rows
    }

    /// Runs `COPY (...) TO STDOUT (FORMAT binary)` and hands the data to `body` as it arrives,
    /// in the chunks libpq returns (about a row each). COPY takes no parameters, so the query's
    /// binds are written into it as literals quoted by libpq (`inlined(_:)`).
    public func copyOut(_ query: SQLQuery, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let sql = try inlined(query)
        let connection = try startCopy(sql, expecting: PGRES_COPY_OUT)
        var failure: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                if failure == nil {
                    do { try body(UnsafeRawBufferPointer(start: buffer, count: Int(length))) } catch { failure = error }
                }
            } else {
                break  // -1: done; -2: failed (the result below says why)
            }
        }
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK { PQclear(result); continue }
            do { _ = try consume(result, sql: sql, expecting: [PGRES_COMMAND_OK]) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// `value` as an SQL literal, quoted and escaped by libpq (NULL for nil).
    public func literal(_ value: String?) throws(PostgresError) -> String {
        guard let value else { return "NULL" }
        let connection = try liveHandle("literal")
        guard let quoted = PQescapeLiteral(connection, value, value.utf8.count) else {
            throw PostgresError(kind: .client, message: String(cString: PQerrorMessage(connection)))
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// The statement with each bind written in as a literal quoted by libpq, for statements that
    /// take no parameters (COPY, utility commands).
    public func inlined(_ query: SQLQuery) throws(PostgresError) -> String {
        var sql = ""
        for piece in query.pieces {
            switch piece {
            case .text(let text): sql += text
            case .bind(let value): sql += try literal(value)
            }
        }
        return sql
    }

    /// Sends a COPY statement and checks the server entered the COPY state it should.
    private func startCopy(_ sql: String, expecting state: ExecStatusType) throws(PostgresError) -> OpaquePointer {
        let connection = try liveHandle(sql)
        let start = PQexec(connection, sql)
        guard PQresultStatus(start) == state else {
            _ = try consume(start, sql: sql, expecting: [state])
            throw PostgresError(kind: .copy, message: "COPY did not start", query: sql)
        }
        PQclear(start)
        return connection
    }

    // MARK: LISTEN / NOTIFY

    /// Subscribes to a notification channel.
    public func listen(_ channel: String) throws(PostgresError) {
        try query("LISTEN \(identifier: channel)")
    }

    /// Sends a notification (delivered when the surrounding transaction commits).
    public func notify(_ channel: String, payload: String = "") throws(PostgresError) {
        try query("SELECT pg_notify(\(bind: channel), \(bind: payload))")
    }

    /// Waits up to `timeout` seconds for a notification on a channel this connection listens to.
    public func waitForNotification(timeout: Double) throws(PostgresError) -> (channel: String, payload: String)? {
        let connection = try liveHandle("LISTEN")
        if let pending = nextNotification(connection) { return pending }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeout) * 1000))
        if ready > 0 {
            guard PQconsumeInput(connection) == 1 else {
                throw PostgresError(kind: .connection, message: String(cString: PQerrorMessage(connection)), database: maskedURL)
            }
        }
        return nextNotification(connection)
    }

    private func nextNotification(_ connection: OpaquePointer) -> (channel: String, payload: String)? {
        guard let notification = PQnotifies(connection) else { return nil }
        defer { PQfreemem(notification) }
        return (String(cString: notification.pointee.relname), String(cString: notification.pointee.extra))
    }

    /// Runs `body` with the raw libpq handle, or returns nil when closed.
    func withHandle<T>(_ body: (OpaquePointer) -> T) -> T? {
        handle.map(body)
    }

    var lastErrorMessage: String {
        handle.map { String(cString: PQerrorMessage($0)) } ?? "the connection is closed"
    }

    /// Quotes an SQL identifier ("my table" -> "\"my table\"").
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Results

    private func liveHandle(_ sql: String) throws(PostgresError) -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .client, message: "the connection is closed", query: sql)
        }
        return handle
    }

    private func consume(_ result: OpaquePointer?, sql: String, expecting: [ExecStatusType]) throws(PostgresError) -> QueryResult {
        let result = try checked(result, sql: sql, expecting: expecting)
        defer { PQclear(result) }
        let rowCount = Int(PQntuples(result)), columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, rows: rows, affectedRows: affected)
    }

    /// The result if its status is one of `expecting`; otherwise it is freed and the server's
    /// error thrown.
    private func checked(_ result: OpaquePointer?, sql: String, expecting: [ExecStatusType]) throws(PostgresError) -> OpaquePointer {
        guard let result else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
            throw PostgresError(kind: .connection, message: message, query: sql, database: maskedURL)
        }
        let status = PQresultStatus(result)
        guard expecting.contains(status) else {
            func field(_ code: Int32) -> String? {
                PQresultErrorField(result, code).map { String(cString: $0) }
            }
            defer { PQclear(result) }
            let connectionBroken = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
            let message = field(diagnostic("M")) ?? String(cString: PQresultErrorMessage(result))
            throw PostgresError(kind: connectionBroken ? .connection : .query, sqlState: field(diagnostic("C")),
                                message: message.isEmpty ? String(cString: PQerrorMessage(handle)) : message,
                                detail: field(diagnostic("D")), hint: field(diagnostic("H")),
                                query: sql, database: maskedURL)
        }
        return result
    }
}

// MARK: - QueryResult

/// Rows of a result, as text (libpq's text format), with typed accessors by column name.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    /// Rows inserted, updated or deleted.
    public let affectedRows: Int

    public var isEmpty: Bool { rows.isEmpty }

    /// The value of a column that must be there and readable: a missing row or column, a NULL or
    /// text that is not a `T` throws (a client error naming the column) instead of becoming 0
    /// or "" and hiding a broken query or a corrupted row.
    public func value<T: PostgresDecodable>(_ row: Int, _ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let value = try optional(row, column, as: type) else { throw unreadable(row, column, "it is NULL") }
        return value
    }

    /// The value of a column that may be NULL (nil then); a missing row or column, or text that
    /// is not a `T`, still throws.
    public func optional<T: PostgresDecodable>(_ row: Int, _ column: String, as type: T.Type = T.self) throws(PostgresError) -> T? {
        guard let index = columns.firstIndex(of: column) else { throw unreadable(row, column, "the result has no such column") }
        guard rows.indices.contains(row) else { throw unreadable(row, column, "the result has \(rows.count) rows") }
        guard let text = rows[row][index] else { return nil }
        guard let value = T(postgresText: text) else { throw unreadable(row, column, "'\(text)' is not \(Self.describe(type))") }
        return value
    }

    /// One column of every row, each value required.
    public func column<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> [T] {
        var values: [T] = []
        values.reserveCapacity(rows.count)
        for row in rows.indices { values.append(try value(row, column, as: type)) }
        return values
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is any FixedWidthInteger.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "a \(type)"
        }
    }

    private func unreadable(_ row: Int, _ column: String, _ reason: String) -> PostgresError {
        PostgresError(kind: .client, message: "unreadable result: column \(column) of row \(row + 1): \(reason)")
    }
}

// MARK: - C strings

/// libpq's PG_DIAG_* field codes are character macros Swift does not import: 'C' SQLSTATE,
/// 'M' primary message, 'D' detail, 'H' hint.
private func diagnostic(_ code: Unicode.Scalar) -> Int32 { Int32(code.value) }

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var pointers = strings.map { UnsafePointer(strdup($0)) }
    pointers.append(nil)
    defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

private func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let pointers = strings.map { $0.map { UnsafePointer(strdup($0)) } ?? nil }
    defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

// MARK: - StatementCanceller

/// libpq's cancel request for one connection: it opens a connection of its own to the server and
/// asks it to stop the statement in progress, so it can be sent from any thread while the
/// connection's own thread waits for the result. The cancelled statement fails with SQLSTATE 57014.
public final class StatementCanceller: @unchecked Sendable {
    private let cancel: OpaquePointer

    init(_ cancel: OpaquePointer) { self.cancel = cancel }

    deinit { PQfreeCancel(cancel) }

    /// Sends the cancel request; nil when the server took it, else libpq's reason.
    public func cancelRunningStatement() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let sent = buffer.withUnsafeMutableBufferPointer { PQcancel(cancel, $0.baseAddress, Int32($0.count)) }
        return sent == 1 ? nil : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
