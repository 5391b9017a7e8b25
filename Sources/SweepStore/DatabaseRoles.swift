import PostgresStore
import Foundation

// MARK: - DatabaseRoles

/// The roles of a nepsim database: the coordinator owns the schema; `nepsim_worker` may only
/// claim and update tasks, heartbeat, and insert results; `nepsim_analyst` may only read.
public enum DatabaseRoles {
    public static let worker = "nepsim_worker"
    public static let analyst = "nepsim_analyst"

    /// Creates the group roles if missing and grants them their rights on schema nepsim (run as the
    /// schema's owner, after migrating). Optionally creates login roles in each group; their
    /// password is hashed (SCRAM-SHA-256) here, so it never travels or lands in a log in clear.
    public static func install(on connection: PostgresConnection, workerLogin: String? = nil, analystLogin: String? = nil,
                               password: String? = nil) throws {
        for name in [workerLogin, analystLogin].compactMap({ $0 }) {
            guard isSafeRoleName(name) else {
                throw PostgresError(kind: .client, message: "role names are lowercase letters, digits and _, starting with a letter (got '\(name)')")
            }
        }
        if (workerLogin != nil || analystLogin != nil) && (password ?? "").isEmpty {
            throw PostgresError(kind: .client, message: "a login role needs a password: set NEPSIM_ROLE_PASSWORD")
        }
        try connection.transaction {
            for (login, group) in [(workerLogin, worker), (analystLogin, analyst)] {
                guard let login else { continue }
                try refuseForeignLogin(login, for: group, on: connection)
            }
            for group in [worker, analyst] {
                try connection.execute(script: "DO $$ BEGIN CREATE ROLE \(group) NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
            }
            try connection.execute(script: """
                GRANT USAGE ON SCHEMA nepsim TO \(worker), \(analyst);
                -- Workers: read what they run; claim, renew, complete, fail and release tasks and
                -- register and stop themselves only through functions that check the lease and the
                -- login; insert results only for a task they hold (a trigger checks).
                GRANT SELECT ON nepsim.schema_migrations, nepsim.sweeps, nepsim.tasks, nepsim.workers TO \(worker);
                REVOKE UPDATE ON nepsim.tasks FROM \(worker);
                REVOKE INSERT, UPDATE ON nepsim.workers FROM \(worker);
                GRANT INSERT ON nepsim.runs, nepsim.run_series TO \(worker);
                GRANT EXECUTE ON FUNCTION nepsim.finish_sweep_if_complete(bigint), nepsim.claim_task(text, bigint, float8),
                    nepsim.renew_lease(text, bigint, integer, float8), nepsim.complete_task(text, bigint, integer),
                    nepsim.fail_task(text, bigint, integer, text), nepsim.release_task(text, bigint, integer),
                    nepsim.register_worker(text, text, integer, integer, text), nepsim.stop_worker(text),
                    nepsim.claim_tasks(text, bigint, float8, integer), nepsim.renew_leases(text, bigint, integer, integer, float8),
                    nepsim.complete_tasks(text, bigint, integer, integer), nepsim.fail_tasks(text, bigint, integer, integer, text),
                    nepsim.release_tasks(text, bigint, integer, integer) TO \(worker);
                -- Analysts: read everything, change nothing.
                GRANT SELECT ON ALL TABLES IN SCHEMA nepsim TO \(analyst);
                """)
            for (login, group) in [(workerLogin, worker), (analystLogin, analyst)] {
                guard let login else { continue }
                try connection.execute(script: """
                    DO $$ BEGIN CREATE ROLE \(login) LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
                    COMMENT ON ROLE \(login) IS '\(marker(for: group))';
                    GRANT \(group) TO \(login);
                    """)
                let verifier = try connection.encryptPassword(password!, user: login)
                try connection.execute(script: "ALTER ROLE \(login) LOGIN PASSWORD '\(verifier.replacingOccurrences(of: "'", with: "''"))'")
            }
        }
    }

    /// The comment nepsim puts on the logins it creates: only those may be given a password again.
    static func marker(for group: String) -> String { "login created by nepsim db roles for \(group)" }

    /// A login nepsim may create or update: not one of its group roles, not the current user, not a
    /// superuser, and if it exists, one nepsim created for the same group (so `--worker-login
    /// postgres` cannot hand a superuser to the workers or reset its password, and an analyst's
    /// login cannot be made a writer).
    static func refuseForeignLogin(_ login: String, for group: String, on connection: PostgresConnection) throws {
        func refuse(_ why: String) -> PostgresError {
            PostgresError(kind: .client, message: "will not use '\(login)' as a login for \(group): \(why); choose another name")
        }
        if login == worker || login == analyst { throw refuse("it is one of nepsim's group roles") }
        let me: String = try connection.query("SELECT current_user AS me").value(0, "me")
        if login == me { throw refuse("it is the role you are connected as") }
        let existing = try connection.query("""
            SELECT rolsuper, shobj_description(oid, 'pg_authid') AS note FROM pg_roles WHERE rolname = \(bind: login)
            """)
        guard !existing.isEmpty else { return }
        if try existing.value(0, "rolsuper", as: Bool.self) { throw refuse("it is a superuser") }
        if try existing.optional(0, "note", as: String.self) != marker(for: group) {
            throw refuse("the role exists and nepsim did not create it for \(group)")
        }
    }

    static func isSafeRoleName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 63 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
