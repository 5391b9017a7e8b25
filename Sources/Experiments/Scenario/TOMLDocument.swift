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
