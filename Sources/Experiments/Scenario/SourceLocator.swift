import Foundation

// MARK: - SourceLocator

/// Finds the line a key was written on, by scanning the source text.
///
/// TOMLKit does not expose node positions, so this looks for the first `[a.b]` header naming the
/// key path, or the first line inside the parent table that starts with `key =`. A key written on
/// an inline table's line (`x = { low = 1, high = 2 }`) is reported at that line.
struct SourceLocator {
    private struct Line {
        var number: Int
        var table: [String]
        var header: [String]?
        var text: Substring
    }

    private let lines: [Line]

    init(text: String) {
        var table: [String] = []
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            var header: [String]?
            if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
                let inside = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
                    .trimmingCharacters(in: ["[", " ", "\t"])
                header = inside.split(separator: ".").map { Self.unquote($0) }
                table = header ?? []
            }
            lines.append(Line(number: index + 1, table: table, header: header, text: trimmed))
        }
        self.lines = lines
    }

    /// The 1-based line of `keyPath` (e.g. ["parameters", "drought_probability", "high"]), or
    /// of the nearest enclosing key that can be found.
    func line(of keyPath: [String]) -> Int? {
        guard !keyPath.isEmpty else { return nil }
        if let header = lines.first(where: { $0.header == keyPath }) {
            return header.number
        }
        let parent = Array(keyPath.dropLast())
        let key = keyPath[keyPath.count - 1]
        if let assignment = lines.first(where: { $0.header == nil && $0.table == parent && Self.assigns(key, $0.text) }) {
            return assignment.number
        }
        return line(of: parent)
    }

    /// True when `text` begins with `key =`, the key bare or quoted.
    private static func assigns(_ key: String, _ text: Substring) -> Bool {
        for spelling in [key, "\"\(key)\"", "'\(key)'"] where text.hasPrefix(spelling) {
            let rest = text.dropFirst(spelling.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return true }
        }
        return false
    }

    private static func unquote(_ part: Substring) -> String {
        part.trimmingCharacters(in: [" ", "\t", "\"", "'"])
    }
}
