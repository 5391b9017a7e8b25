import PostgresStore

// MARK: - Lenient reads, for tests

/// Reads that turn a missing column, a NULL or unreadable text into nil, so an assertion can
/// compare with `XCTAssertEqual(result.int(0, "n"), 3)` and fail with both values shown. The
/// product reads with `value` and `optional`, which throw instead.
extension QueryResult {
    public func string(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column), rows.indices.contains(row) else { return nil }
        return rows[row][index]
    }

    public func int(_ row: Int, _ column: String) -> Int? { string(row, column).flatMap { Int($0) } }
    public func double(_ row: Int, _ column: String) -> Double? { string(row, column).flatMap { Double(postgresText: $0) } }
    public func bool(_ row: Int, _ column: String) -> Bool? { string(row, column).flatMap { Bool(postgresText: $0) } }
}
