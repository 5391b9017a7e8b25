import CLibPQ
import Foundation

// MARK: - DatabaseURL

/// A PostgreSQL connection URL (`postgresql://user:password@host:port/database?options`) or a
/// libpq conninfo string (`host=db user=alice password='two words'`), with the password masked
/// whenever it is printed.
public enum DatabaseURL {
    /// The URL with any password replaced by `***`, for logs, errors and progress lines. The
    /// password is found as libpq itself reads it (`PQconninfoParse`), so a quoted, escaped or
    /// percent-encoded password is masked whole; a string libpq cannot parse is not shown at all.
    public static func masked(_ url: String) -> String {
        guard let options = parse(url) else { return "(a connection string libpq cannot parse)" }
        var masked: String
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            let authority = rest[rest.startIndex..<authorityEnd]
            masked = url
            // Everything between the user's ':' and the last '@' of the authority is the password
            // (libpq would stop at the first '@'; `validate` refuses such URLs, but never show one).
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[authority.startIndex..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    masked = String(url[url.startIndex..<colon]) + ":***" + String(url[at...])
                }
            }
            masked = masked.replacingOccurrences(of: #"password=[^&]*"#, with: "password=***", options: .regularExpression)
        } else {
            // key=value conninfo: a value is a quoted string (with \' and \\ escapes) or runs to a space.
            masked = url.replacingOccurrences(of: #"password\s*=\s*('(?:[^'\\]|\\.)*'?|\S*)"#, with: "password=***",
                                              options: .regularExpression)
        }
        _ = options
        return masked
    }

    /// Refuses connection strings that would be misread or leak their password in an error:
    /// ones libpq cannot parse, and URLs whose user or password holds an unescaped '@' (libpq
    /// would take the rest of the password for the host name and echo it in its error).
    public static func validate(_ url: String) throws(PostgresError) {
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if rest[rest.startIndex..<authorityEnd].filter({ $0 == "@" }).count > 1 {
                throw PostgresError(kind: .connection, message: "the user or password in the URL contains '@': write it as %40",
                                    database: masked(url))
            }
        }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            let reason = error.map { String(cString: $0) } ?? "not a connection string"
            if let error { PQfreemem(error) }
            throw PostgresError(kind: .connection, message: "libpq cannot read the connection string: \(reason)",
                                database: "(not shown)")
        }
        PQconninfoFree(options)
    }

    /// The password libpq reads from the string, if any.
    public static func password(in url: String) -> String? {
        parse(url)?["password"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Removes a password from any text (an error message that echoes part of a URL), raw and
    /// percent-encoded. Passwords under three characters are left alone: replacing every "p" of a
    /// message would garble it, and such a password is no secret anyway.
    public static func scrub(_ text: String, password: String) -> String {
        guard password.count >= 3 else { return text }
        var result = text
        var forms = [password]
        if let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != password {
            forms.append(encoded)
        }
        for form in forms where !form.isEmpty {
            result = result.replacingOccurrences(of: form, with: "***")
        }
        return result
    }

    /// libpq's reading of a connection string, keyword to value; nil if it cannot parse it.
    static func parse(_ url: String) -> [String: String]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }
}
