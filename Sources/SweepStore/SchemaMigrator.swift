import PostgresStore

// MARK: - Migration

/// One versioned change to the database schema.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// The schema a database has, against the one this build of nepsim expects.
public enum SchemaStatus: Equatable, Sendable {
    /// No nepsim schema at all (a new database).
    case absent
    /// Migrated to `version`, which this build knows.
    case current(Int)
    /// Older than this build: `nepsim db migrate` brings it up.
    case older(database: Int, expected: Int)
    /// Newer than this build: use a newer nepsim.
    case newer(database: Int, expected: Int)
}

/// A database whose schema does not match this build.
public struct SchemaMismatch: Error, Sendable, CustomStringConvertible {
    public let status: SchemaStatus
    public let database: String

    public var description: String {
        switch status {
        case .absent:
            return "the database \(database) has no nepsim schema; run `nepsim db migrate` (or launch a sweep, which creates it)"
        case .older(let found, let expected):
            return "the database \(database) has nepsim schema version \(found) but this nepsim needs \(expected); run `nepsim db migrate`"
        case .newer(let found, let expected):
            return "the database \(database) has nepsim schema version \(found), newer than this nepsim knows (\(expected)); upgrade nepsim on this host"
        case .current:
            return "the schema is current"
        }
    }
}

// MARK: - SchemaMigrator

/// Applies migrations and checks schema versions.
public enum SchemaMigrator {
    /// The schema version this build expects.
    public static var expectedVersion: Int { Migrations.all.last?.version ?? 0 }

    /// What schema the database has.
    public static func status(_ connection: PostgresConnection) throws(PostgresError) -> SchemaStatus {
        let exists = try connection.query("SELECT to_regclass('nepsim.schema_migrations') IS NOT NULL AS present")
        guard try exists.value(0, "present", as: Bool.self) else { return .absent }
        let version = try connection.query("SELECT coalesce(max(version), 0) AS version FROM nepsim.schema_migrations")
            .value(0, "version", as: Int.self)
        if version == expectedVersion { return .current(version) }
        return version < expectedVersion
            ? .older(database: version, expected: expectedVersion)
            : .newer(database: version, expected: expectedVersion)
    }

    /// Throws `SchemaMismatch` unless the database is at this build's version.
    public static func requireCurrent(_ connection: PostgresConnection) throws {
        let status = try status(connection)
        if case .current = status { return }
        throw SchemaMismatch(status: status, database: connection.maskedURL)
    }

    /// Applies every migration the database lacks, in one transaction, holding an advisory lock
    /// so two processes cannot migrate at once; then, at the latest version, replaces the
    /// generated views if their text changed (`CatalogViews`). Returns the versions applied.
    /// `upTo` stops at a version (for testing an upgrade from an older schema).
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, upTo lastVersion: Int = .max) throws -> [Int] {
        try upgrade(connection, upTo: lastVersion).applied
    }

    /// What `upgrade` did: the versions applied, and whether the generated views were replaced.
    public struct Report: Sendable, Equatable {
        public let applied: [Int]
        public let regeneratedViews: Bool

        public init(applied: [Int], regeneratedViews: Bool) {
            self.applied = applied
            self.regeneratedViews = regeneratedViews
        }
    }

    /// `migrate`, also saying whether the generated views were replaced (their text changed).
    public static func upgrade(_ connection: PostgresConnection, upTo lastVersion: Int = .max) throws -> Report {
        if case .newer = try status(connection) {
            throw SchemaMismatch(status: try status(connection), database: connection.maskedURL)
        }
        var applied: [Int] = []
        var regeneratedViews = false
        try connection.transaction {
            // One advisory lock key for every nepsim migration on this server.
            try connection.query("SELECT pg_advisory_xact_lock(7364656)")
            try connection.execute(script: """
                CREATE SCHEMA IF NOT EXISTS nepsim;
                CREATE TABLE IF NOT EXISTS nepsim.schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """)
            let done = Set(try connection.query("SELECT version FROM nepsim.schema_migrations").column("version", as: Int.self))
            for migration in Migrations.all where !done.contains(migration.version) && migration.version <= lastVersion {
                try connection.execute(script: migration.sql)
                try connection.query("""
                    INSERT INTO nepsim.schema_migrations (version, name) VALUES (\(bind: migration.version), \(bind: migration.name))
                    """)
                applied.append(migration.version)
            }
            if lastVersion >= expectedVersion { regeneratedViews = try CatalogViews.applyIfChanged(connection) }
        }
        return Report(applied: applied, regeneratedViews: regeneratedViews)
    }
}
