import Foundation

// MARK: - DatabaseURL

/// A PostgreSQL connection URL (`postgresql://user:password@host:port/database?options`), with the
/// password masked whenever it is printed.
public enum DatabaseURL {
    /// The URL with any password replaced by `***`, for logs, errors and progress lines.
    public static func masked(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else {
            // key=value conninfo: mask password=...
            return url.replacingOccurrences(of: #"password\s*=\s*\S+"#, with: "password=***", options: .regularExpression)
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[rest.startIndex..<authorityEnd]
        var masked = url
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[authority.startIndex..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                masked = String(url[url.startIndex..<colon]) + ":***" + String(url[at...])
            }
        }
        return masked.replacingOccurrences(of: #"password=[^&]*"#, with: "password=***", options: .regularExpression)
    }
}
