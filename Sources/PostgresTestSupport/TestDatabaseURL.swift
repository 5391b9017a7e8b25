import Foundation

// MARK: - TestDatabaseURL

/// Reads and replaces the database name in a postgresql:// URL or a key=value conninfo string.
enum TestDatabaseURL {
    /// The same server and user, another database.
    static func replacingDatabase(in url: String, with database: String) -> String {
        guard let schemeEnd = url.range(of: "://") else {
            // conninfo: a later keyword overrides an earlier one.
            return url + " dbname=\(database)"
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let query = rest[authorityEnd...].firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(url[..<authorityEnd]) + "/" + database + query
    }

    /// The database a URL names, if it names one.
    static func databaseName(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else {
            // The last dbname wins, as in libpq; `replacingDatabase` appends one.
            let pattern = try? NSRegularExpression(pattern: #"dbname\s*=\s*(\S+)"#)
            let matches = pattern?.matches(in: url, range: NSRange(url.startIndex..., in: url)) ?? []
            return matches.last.flatMap { Range($0.range(at: 1), in: url) }.map { String(url[$0]) }
        }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), !rest[..<slash].contains("?") else { return nil }
        let path = rest[rest.index(after: slash)...].prefix { $0 != "?" }
        return path.isEmpty ? nil : String(path)
    }
}
