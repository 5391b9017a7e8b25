import CLibPQ

// MARK: - Password verifiers

extension PostgresConnection {
    /// The SCRAM-SHA-256 verifier of a password, computed by libpq on this side of the connection.
    public func encryptPassword(_ password: String, user: String) throws(PostgresError) -> String {
        guard let pointer = withHandle({ PQencryptPasswordConn($0, password, user, "scram-sha-256") }) ?? nil else {
            throw PostgresError(kind: .client, message: "could not hash the password: \(lastErrorMessage)")
        }
        defer { PQfreemem(pointer) }
        return String(cString: pointer)
    }
}
