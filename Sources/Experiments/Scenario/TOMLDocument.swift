import TOMLKit

// MARK: - TOMLNode

/// A TOML value copied out of TOMLKit's C++-backed tree into plain Swift values, so the rest of
/// the scenario reader is ordinary Swift and never touches TOMLKit's reference types.
indirect enum TOMLNode {
    case table([String: TOMLNode])
    case array([TOMLNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times, which scenarios never use; kept only to name them in messages.
    case other(typeName: String)

    /// Integers and floats as a Double; nil for anything else.
    var number: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// What this value is, for "expected X, but found ..." messages.
    var found: String {
        switch self {
        case .table: return "a table"
        case .array: return "an array"
        case .string(let text): return "the string \"\(text)\""
        case .integer(let value): return "the integer \(value)"
        case .float(let value): return "the number \(Distribution.format(value))"
        case .boolean(let value): return "the boolean \(value)"
        case .other(let typeName): return "a \(typeName)"
        }
    }
}

// MARK: - Parsing

/// A TOML syntax error, positioned as toml++ reports it.
struct TOMLSyntaxError: Error {
    var line: Int
    var column: Int
    var message: String
}

enum TOMLDocument {
    /// The top-level table of `text`, or where and why it is not valid TOML.
    static func parse(_ text: String) -> Result<[String: TOMLNode], TOMLSyntaxError> {
        // Inputs toml++ does not survive are refused before parsing: dotted keys nested deeper
        // than any scenario needs (they overflow the stack) and unclosed table headers.
        if let tooDeep = keyNestedTooDeep(text) { return .failure(tooDeep) }
        do {
            let table = try TOMLTable(string: text)
            return .success(convert(table))
        } catch let error as TOMLParseError {
            return .failure(TOMLSyntaxError(
                line: error.source.begin.line, column: error.source.begin.column, message: error.description))
        } catch {
            return .failure(TOMLSyntaxError(line: 1, column: 1, message: "\(error)"))
        }
    }

    /// Most dots a key or table header may have: far beyond any scenario's needs.
    static let maximumKeyDepth = 32
    /// Most dots and opening braces outside strings on one line (dotted keys inside inline tables
    /// nest as deep as dotted keys): far beyond a scenario's needs, far below what toml++ survives.
    static let maximumLineNesting = 256

    /// The first line toml++ would not survive: a table header left open, a key nested deeper than
    /// `maximumKeyDepth`, a line nesting deeper than `maximumLineNesting`, or a NUL character
    /// (toml++ hands strings on as C strings and would cut them at the NUL). Strings are skipped
    /// as TOML reads them: basic strings with their backslash escapes, literal strings without.
    static func keyNestedTooDeep(_ text: String) -> TOMLSyntaxError? {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            // toml++ asserts (aborts) on a table header left open at the end of its line.
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[") && !trimmed.contains("]") {
                return TOMLSyntaxError(line: lineNumber, column: 1 + line.count - trimmed.count,
                                       message: "a table header must close with ']' on the same line")
            }
            // toml++ also asserts (aborts) on a header key that starts with a character no key may
            // start with, e.g. `[$x]`: check each dotted part of a header here.
            if trimmed.hasPrefix("["), let problem = headerKeyProblem(trimmed) {
                return TOMLSyntaxError(line: lineNumber, column: 1 + line.count - trimmed.count, message: problem)
            }
            if line.contains("\u{0}") || line.contains("\\u0000") || line.contains("\\U00000000") {
                return TOMLSyntaxError(line: lineNumber, column: 1,
                                       message: "a NUL character (\\u0000): the reader would cut the text there; remove it")
            }
            var keyDots = 0, nesting = 0
            var inKey = true
            var quote: Character?
            var escaped = false
            for character in line {
                if let open = quote {
                    if escaped { escaped = false } else if open == "\"" && character == "\\" { escaped = true } else if character == open { quote = nil }
                    continue
                }
                switch character {
                case "\"", "'": quote = character
                case "#": break
                case ".":
                    nesting += 1
                    if inKey { keyDots += 1 }
                case "{", "[": nesting += 1
                case "=": inKey = false
                case "]" where inKey: inKey = false
                default: continue
                }
                if character == "#" { break }
            }
            if keyDots > maximumKeyDepth {
                return TOMLSyntaxError(line: lineNumber, column: 1,
                                       message: "a key nested more than \(maximumKeyDepth) levels deep (\(keyDots) dots)")
            }
            if nesting > maximumLineNesting {
                return TOMLSyntaxError(line: lineNumber, column: 1,
                                       message: "a line nesting keys, tables or arrays more than \(maximumLineNesting) deep")
            }
        }
        return nil
    }

    /// Why a table header line (`[a.b]`, `[[a]]`) has a key TOML does not allow, or nil. Each
    /// dotted part must be a bare key (letters, digits, '-', '_') or a quoted string.
    static func headerKeyProblem(_ header: Substring) -> String? {
        var rest = header.dropFirst()
        if rest.first == "[" { rest = rest.dropFirst() }
        var part = ""
        var quote: Character?
        var escaped = false
        var parts: [String] = []
        for character in rest {
            if let open = quote {
                part.append(character)
                if escaped { escaped = false } else if open == "\"" && character == "\\" { escaped = true } else if character == open { quote = nil }
                continue
            }
            if character == "]" { break }
            if character == "." { parts.append(part); part = ""; continue }
            if (character == "\"" || character == "'") && part.trimmingCharacters(in: .whitespaces).isEmpty { quote = character }
            part.append(character)
        }
        parts.append(part)
        for raw in parts {
            let key = raw.trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("\"") || key.hasPrefix("'") { continue }
            let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
            if !bare {
                return "a table header's keys are letters, digits, '-' and '_', or quoted, but found '\(key)'"
            }
        }
        return nil
    }

    private static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var result: [String: TOMLNode] = [:]
        for (key, value) in table {
            result[key] = convert(value)
        }
        return result
    }

    private static func convert(_ value: any TOMLValueConvertible) -> TOMLNode {
        switch value.type {
        case .table:
            return value.table.map { .table(convert($0)) } ?? .other(typeName: "table")
        case .array:
            return value.array.map { .array($0.map { convert($0) }) } ?? .other(typeName: "array")
        case .string:
            return value.string.map { .string($0) } ?? .other(typeName: "string")
        case .int:
            return value.int.map { .integer($0) } ?? .other(typeName: "integer")
        case .double:
            return value.double.map { .float($0) } ?? .other(typeName: "number")
        case .bool:
            return value.bool.map { .boolean($0) } ?? .other(typeName: "boolean")
        case .date, .time, .dateTime:
            return .other(typeName: value.type.description)
        }
    }
}
