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

    /// The first line whose key or table header is nested deeper than `maximumKeyDepth`.
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
            var dots = 0
            var quote: Character?
            for character in line {
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "\"" || character == "'" {
                    quote = character
                } else if character == "." {
                    dots += 1
                } else if character == "=" || character == "]" {
                    break
                }
            }
            if dots > maximumKeyDepth {
                return TOMLSyntaxError(line: lineNumber, column: 1,
                                       message: "a key nested more than \(maximumKeyDepth) levels deep (\(dots) dots)")
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
