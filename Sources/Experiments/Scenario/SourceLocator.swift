import Foundation

// MARK: - SourceLocator

/// Finds the line a key was written on, by scanning the source text.
///
/// TOMLKit does not expose node positions, so this looks for the first `[a.b]` header naming the
/// key path, or the first line inside the parent table that starts with `key =`. A key written on
/// an inline table's line (`x = { low = 1, high = 2 }`) is reported at that line.
///
/// The text is read once, into the first line of each header and of each `key =` in each table:
/// every parameter of a scenario asks for its line, and a search of the whole text per question
/// made loading a scenario chain of a thousand lines take half of `sweep launch`'s time.
struct SourceLocator {
    /// The first line of each `[a.b]` header, by its key path.
    private let headers: [[String]: Int]
    /// The first line of each `key =` assignment, by the table it is in followed by its key.
    private let assignments: [[String]: Int]

    init(text: String) {
        var table: [String] = []
        var headers: [[String]: Int] = [:]
        var assignments: [[String]: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
                let inside = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
                    .trimmingCharacters(in: ["[", " ", "\t"])
                table = inside.split(separator: ".").map { Self.unquote($0) }
                if headers[table] == nil { headers[table] = number }
            } else if let key = Self.assignedKey(trimmed), assignments[table + [key]] == nil {
                assignments[table + [key]] = number
            }
        }
        self.headers = headers
        self.assignments = assignments
    }

    /// The 1-based line of `keyPath` (e.g. ["parameters", "drought_probability", "high"]), or
    /// of the nearest enclosing key that can be found.
    func line(of keyPath: [String]) -> Int? {
        guard !keyPath.isEmpty else { return nil }
        return headers[keyPath] ?? assignments[keyPath] ?? line(of: Array(keyPath.dropLast()))
    }

    /// The key a line assigns (`key = ...`, the key bare or quoted), or nil when it assigns none.
    /// A dotted key (`a.b = 1`) is one key, `a.b`, as it was when lines were matched by prefix.
    private static func assignedKey(_ text: Substring) -> String? {
        guard let first = text.first else { return nil }
        let key: Substring
        let rest: Substring
        if first == "\"" || first == "'" {
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: first) else { return nil }
            key = body[..<close]
            rest = body[body.index(after: close)...]
        } else {
            let end = text.firstIndex { $0 == "=" || $0 == " " || $0 == "\t" } ?? text.endIndex
            key = text[..<end]
            rest = text[end...]
        }
        guard !key.isEmpty, rest.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("=") else { return nil }
        return String(key)
    }

    private static func unquote(_ part: Substring) -> String {
        part.trimmingCharacters(in: [" ", "\t", "\"", "'"])
    }
}
