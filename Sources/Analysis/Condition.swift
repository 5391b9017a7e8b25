import PostgresStore
import SweepStore

// MARK: - Condition

/// A `--given` filter on runs, parsed in the tool into SQL over whitelisted columns with every
/// literal sent as a parameter: `depression_onset_year <= 1929 and leader_1930 = 'Molotov-Rykov'`.
///
/// Grammar: `or` of `and` of [`not`] terms; a term is `( ... )`, a comparison
/// `operand op operand` with op one of `= != <> < <= > >=`, `column is [not] null`, or a bare
/// event name (true when it happened). Operands are run columns, drawn parameters as
/// `params.NAME`, numbers, 'quoted strings', `true` and `false`.
public struct Condition: Sendable, Equatable {
    /// The SQL fragment, its literals bound parameters (numbered where the fragment is sent).
    public let sql: SQLQuery
    public let text: String

    /// Parses and compiles `text`. Columns are checked against `nepsim.runs`; parameter names
    /// against `parameterNames` (the sweep's drawn parameters). `alias` prefixes run columns.
    public static func compile(_ text: String, parameterNames: [String], alias: String = "r") throws(ConditionError) -> Condition {
        var parser = ConditionParser(text: text, parameterNames: parameterNames, alias: alias)
        return Condition(sql: try parser.parse(), text: text)
    }
}

/// Why a condition was refused, with where.
public struct ConditionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let position: Int
    public let text: String

    public var description: String {
        // A long condition is shown as a window around the error, not echoed whole.
        let characters = Array(text)
        let start = max(0, min(position, characters.count) - 60)
        let end = min(characters.count, start + 120)
        let shown = (start > 0 ? "..." : "") + String(characters[start..<end]) + (end < characters.count ? "..." : "")
        let caret = String(repeating: " ", count: max(0, position - start + (start > 0 ? 3 : 0))) + "^"
        return "--given: \(message)\n  \(shown)\n  \(caret)"
    }
}

// MARK: - Parser

struct ConditionParser {
    enum Kind: Equatable { case number, text, boolean }

    enum Token: Equatable {
        case identifier(String)
        case number(Double)
        case string(String)
        case symbol(String)
        case end
    }

    let text: String
    /// The sweep's drawn parameters, in the order of `runs.param_values`.
    let parameterNames: [String]
    let alias: String
    private var tokens: [(token: Token, position: Int)] = []
    private var index = 0

    /// Columns of nepsim.runs a condition may use, with their kinds.
    static let columns: [String: Kind] = {
        var columns: [String: Kind] = ["point": .number, "replication": .number]
        for (name, type) in ResultsLayout.runColumns where name != "param_values" && name != "worker_id" {
            columns[name] = type == "boolean" ? .boolean : type == "text" ? .text : .number
        }
        return columns
    }()

    init(text: String, parameterNames: [String], alias: String) {
        self.text = text
        self.parameterNames = parameterNames
        self.alias = alias
    }

    /// Limits that keep a hostile or mistaken condition from crashing the parser (each level of
    /// nesting is a level of recursion) or sending the server a monstrous query.
    static let maxLength = 4000
    static let maxDepth = 50
    private var depth = 0

    mutating func parse() throws(ConditionError) -> SQLQuery {
        guard text.count <= ConditionParser.maxLength else {
            throw error("the condition is \(text.count) characters long; at most \(ConditionParser.maxLength) are accepted",
                        at: ConditionParser.maxLength)
        }
        tokens = try tokenize()
        guard tokens.count > 1 else { throw error("the condition is empty", at: 0) }
        let sql = try parseOr()
        guard case .end = current.token else { throw error("unexpected \(describe(current.token))", at: current.position) }
        return sql
    }

    // MARK: Grammar

    private mutating func parseOr() throws(ConditionError) -> SQLQuery {
        var parts = [try parseAnd()]
        while isKeyword("or") { advance(); parts.append(try parseAnd()) }
        return parts.count == 1 ? parts[0] : "(\(SQLQuery.joined(parts, separator: " OR ")))"
    }

    private mutating func parseAnd() throws(ConditionError) -> SQLQuery {
        var parts = [try parseNot()]
        while isKeyword("and") { advance(); parts.append(try parseNot()) }
        return parts.count == 1 ? parts[0] : "(\(SQLQuery.joined(parts, separator: " AND ")))"
    }

    private mutating func parseNot() throws(ConditionError) -> SQLQuery {
        if isKeyword("not") {
            try enter()
            defer { depth -= 1 }
            advance()
            return "(NOT \(try parseNot()))"
        }
        return try parseTerm()
    }

    /// One level deeper (a parenthesis or a 'not'), refused past `maxDepth`.
    private mutating func enter() throws(ConditionError) {
        depth += 1
        guard depth <= ConditionParser.maxDepth else {
            throw error("the condition nests parentheses and 'not's more than \(ConditionParser.maxDepth) deep", at: current.position)
        }
    }

    private mutating func parseTerm() throws(ConditionError) -> SQLQuery {
        if current.token == .symbol("(") {
            try enter()
            defer { depth -= 1 }
            advance()
            let inner = try parseOr()
            guard current.token == .symbol(")") else { throw error("expected ')'", at: current.position) }
            advance()
            return inner
        }
        let start = current.position
        let left = try parseOperand()
        if isKeyword("is") {
            advance()
            var negated = false
            if isKeyword("not") { advance(); negated = true }
            guard isKeyword("null") else { throw error("expected 'null' after 'is'", at: current.position) }
            advance()
            guard left.isColumn else { throw error("'is null' needs a column on its left", at: start) }
            return "(\(left.sql) IS \(raw: negated ? "NOT " : "")NULL)"
        }
        guard case .symbol(let op) = current.token, ["=", "!=", "<>", "<", "<=", ">", ">="].contains(op) else {
            // A bare event: true when it happened.
            if left.isColumn && left.kind == .boolean { return "(\(left.sql))" }
            throw error("expected a comparison (= != <> < <= > >=) after \(left.description)", at: current.position)
        }
        let opPosition = current.position
        advance()
        let right = try parseOperand()
        guard left.kind == right.kind else {
            throw error("cannot compare \(left.description) (\(name(left.kind))) with \(right.description) (\(name(right.kind)))",
                        at: opPosition)
        }
        if left.kind == .boolean && !["=", "!=", "<>"].contains(op) {
            throw error("events can only be compared with = or !=", at: opPosition)
        }
        return "(\(left.sql) \(raw: op == "!=" ? "<>" : op) \(right.sql))"
    }

    struct Operand {
        let sql: SQLQuery
        let kind: Kind
        let isColumn: Bool
        let description: String
    }

    private mutating func parseOperand() throws(ConditionError) -> Operand {
        let (token, position) = current
        switch token {
        case .number(let value):
            advance()
            return Operand(sql: bind(String(value), cast: "float8"), kind: .number, isColumn: false, description: String(value))
        case .string(let value):
            advance()
            return Operand(sql: bind(value, cast: "text"), kind: .text, isColumn: false, description: "'\(value)'")
        case .identifier(let word):
            advance()
            let lower = word.lowercased()
            if lower == "true" || lower == "false" {
                return Operand(sql: bind(lower, cast: "boolean"), kind: .boolean, isColumn: false, description: lower)
            }
            if lower.hasPrefix("params.") {
                let name = String(word.dropFirst("params.".count))
                guard let index = parameterNames.firstIndex(of: name) else {
                    let known = parameterNames.sorted().prefix(8).joined(separator: ", ")
                    throw error("no drawn parameter '\(name)' in this sweep (it draws: \(known)\(parameterNames.count > 8 ? ", ..." : ""))",
                                at: position)
                }
                // param_values is aligned with the sweep's uncertain_parameters (1-based).
                return Operand(sql: SQLQuery(raw: "\(alias).param_values[\(index + 1)]"), kind: .number,
                               isColumn: true, description: word)
            }
            guard let kind = ConditionParser.columns[lower] else {
                throw error("unknown column '\(word)'\(suggestion(for: lower)); use an outcome name or params.NAME", at: position)
            }
            return Operand(sql: SQLQuery(raw: "\(alias).\(lower)"), kind: kind, isColumn: true, description: lower)
        default:
            throw error("expected a column, a number or a 'string' but found \(describe(token))", at: position)
        }
    }

    private func bind(_ value: String, cast: String) -> SQLQuery {
        "\(bind: value)::\(raw: cast)"
    }

    // MARK: Tokens

    private var current: (token: Token, position: Int) { tokens[min(index, tokens.count - 1)] }
    private mutating func advance() { index += 1 }
    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(let value) = current.token { return value.lowercased() == word }
        return false
    }

    private func tokenize() throws(ConditionError) -> [(token: Token, position: Int)] {
        var result: [(token: Token, position: Int)] = []
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c.isLetter || c == "_" {
                while i < characters.count && (characters[i].isLetter || characters[i].isNumber || characters[i] == "_" || characters[i] == ".") { i += 1 }
                result.append((.identifier(String(characters[start..<i])), start))
            } else if c.isNumber || (c == "-" && i + 1 < characters.count && (characters[i + 1].isNumber || characters[i + 1] == ".")) || c == "." {
                i += 1
                while i < characters.count && (characters[i].isNumber || characters[i] == "." || characters[i] == "e" || characters[i] == "E"
                                               || ((characters[i] == "-" || characters[i] == "+") && (characters[i - 1] == "e" || characters[i - 1] == "E"))) { i += 1 }
                let literal = String(characters[start..<i])
                guard let value = Double(literal), value.isFinite else { throw error("'\(literal)' is not a number", at: start) }
                result.append((.number(value), start))
            } else if c == "'" {
                var value = ""
                i += 1
                while true {
                    guard i < characters.count else { throw error("unterminated string", at: start) }
                    if characters[i] == "'" {
                        if i + 1 < characters.count && characters[i + 1] == "'" { value.append("'"); i += 2; continue }
                        i += 1
                        break
                    }
                    value.append(characters[i])
                    i += 1
                }
                result.append((.string(value), start))
            } else if "()".contains(c) {
                result.append((.symbol(String(c)), start))
                i += 1
            } else if "=<>!".contains(c) {
                var op = String(c)
                if i + 1 < characters.count && "=>".contains(characters[i + 1]) && op != "=" { op.append(characters[i + 1]) }
                i += op.count
                guard ["=", "!=", "<>", "<", "<=", ">", ">="].contains(op) else { throw error("unknown operator '\(op)'", at: start) }
                result.append((.symbol(op), start))
            } else {
                throw error("unexpected character '\(c)' (operators are = != <> < <= > >=; strings use single quotes)", at: start)
            }
        }
        result.append((.end, characters.count))
        return result
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .identifier(let word): return "'\(word)'"
        case .number(let value): return "the number \(value)"
        case .string(let value): return "the string '\(value)'"
        case .symbol(let symbol): return "'\(symbol)'"
        case .end: return "the end of the condition"
        }
    }

    private func name(_ kind: Kind) -> String {
        switch kind {
        case .number: return "a number"
        case .text: return "text"
        case .boolean: return "an event (true/false)"
        }
    }

    private func suggestion(for word: String) -> String {
        let best = ConditionParser.columns.keys.min { editDistance($0, word) < editDistance($1, word) }
        guard let best, editDistance(best, word) <= max(2, word.count / 3) else { return "" }
        return " (did you mean '\(best)'?)"
    }

    private func error(_ message: String, at position: Int) -> ConditionError {
        ConditionError(message: message, position: position, text: text)
    }
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var row = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = row
    }
    return previous[b.count]
}
