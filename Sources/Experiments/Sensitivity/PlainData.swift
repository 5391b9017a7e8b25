import Foundation

// MARK: - Parameter bounds for designs on plain data

/// The uncertain inputs of a model run outside nepsim: `nepsim design --parameters FILE.toml`.
///
///     [[parameter]]
///     name = "x1"
///     low = -3.141592653589793
///     high = 3.141592653589793
///
/// Each input is uniform on [low, high] (SALib's "bounds"), in the order of the file.
public struct ParameterBounds: Sendable, Equatable {
    public let name: String
    public let low: Double
    public let high: Double

    public static func load(path: String) throws -> [ParameterBounds] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PlainDataError("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> [ParameterBounds] {
        let document: [String: TOMLNode]
        switch TOMLDocument.parse(text) {
        case .success(let table): document = table
        case .failure(let error): throw PlainDataError("\(file):\(error.line):\(error.column): \(error.message)")
        }
        guard case .array(let entries)? = document["parameter"], !entries.isEmpty else {
            throw PlainDataError("\(file): no [[parameter]] entries (each has name, low and high)")
        }
        var seen = Set<String>()
        return try entries.enumerated().map { index, entry in
            guard case .table(let fields) = entry, case .string(let name)? = fields["name"], !name.isEmpty,
                  let low = fields["low"]?.number, let high = fields["high"]?.number
            else { throw PlainDataError("\(file): parameter \(index + 1) needs name (a string), low and high (numbers)") }
            guard low.isFinite, high.isFinite, low < high else {
                throw PlainDataError("\(file): parameter '\(name)' needs finite low < high (got \(low), \(high))")
            }
            guard seen.insert(name).inserted else { throw PlainDataError("\(file): parameter '\(name)' appears twice") }
            return ParameterBounds(name: name, low: low, high: high)
        }
    }

    /// The value at unit coordinate `u`.
    public func value(at u: Double) -> Double { low + (high - low) * u }
}

/// A problem with a plain-data file, naming the file.
public struct PlainDataError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - CSV of numbers

/// A CSV file of numbers with an optional header row (the first row if it is not all numbers).
public struct NumericTable: Sendable {
    public let header: [String]?
    public let rows: [[Double]]

    public static func load(path: String) throws -> NumericTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlainDataError("cannot read \(path): no such file or no permission")
        }
        return try parse([UInt8](data), file: path)
    }

    /// Parses bytes directly (strtod on each field): a million numbers in well under a second,
    /// where String splitting takes several.
    public static func parse(_ bytes: [UInt8], file: String) throws -> NumericTable {
        var header: [String]?
        var rows: [[Double]] = []
        var width: Int?
        var lineNumber = 0
        var field = [CChar](repeating: 0, count: 64)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { start = end + 1 }
            if bytes[start..<lineEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var values: [Double] = []
            var texts: [String] = []
            var numeric = true
            var fieldStart = start
            while fieldStart <= lineEnd {
                var fieldEnd = fieldStart
                while fieldEnd < lineEnd && bytes[fieldEnd] != 0x2C { fieldEnd += 1 }
                var a = fieldStart, b = fieldEnd
                while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
                while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
                let length = b - a
                if field.count < length + 1 { field = [CChar](repeating: 0, count: length + 1) }
                for i in 0..<length { field[i] = CChar(bitPattern: bytes[a + i]) }
                field[length] = 0
                var parsed: Double?
                field.withUnsafeMutableBufferPointer { buffer in
                    var stop: UnsafeMutablePointer<CChar>?
                    let value = strtod(buffer.baseAddress!, &stop)
                    if length > 0, stop == buffer.baseAddress! + length { parsed = value }
                }
                if let parsed, parsed.isFinite {
                    values.append(parsed)
                } else {
                    numeric = false
                }
                texts.append(String(decoding: bytes[a..<b], as: UTF8.self))
                fieldStart = fieldEnd + 1
            }
            if !numeric {
                if header == nil && rows.isEmpty {
                    header = texts
                    continue
                }
                let bad = texts.first { Double($0).map { !$0.isFinite } ?? true } ?? ""
                throw PlainDataError("\(file): line \(lineNumber): '\(bad)' is not a finite number")
            }
            if let width, width != values.count {
                throw PlainDataError("\(file): line \(lineNumber) has \(values.count) columns, not \(width)")
            }
            width = values.count
            rows.append(values)
        }
        return NumericTable(header: header, rows: rows)
    }
}

// MARK: - Sobol' indices of plain data

extension SobolIndices {
    /// Indices from a Saltelli sample (rows in the layout `nepsim design saltelli` prints:
    /// base row r, block j at row r x (k + 2) + j) and its outputs, one per row.
    public static func analyze(saltelliOutputs outputs: [Double], parameters k: Int, resamples: Int = 1000, seed: UInt64 = 1)
        throws -> [Estimate]
    {
        let blocks = k + 2
        guard k >= 1, outputs.count % blocks == 0 else {
            throw PlainDataError("\(outputs.count) outputs do not fill whole Saltelli rows of k + 2 = \(blocks) "
                + "(is the sample from `nepsim design saltelli` with these \(k) parameters?)")
        }
        let rows = outputs.count / blocks
        var a = [Double](), b = [Double](), ab = [[Double]](repeating: [], count: k)
        for row in 0..<rows {
            a.append(outputs[row * blocks])
            for i in 0..<k { ab[i].append(outputs[row * blocks + 1 + i]) }
            b.append(outputs[row * blocks + k + 1])
        }
        return try analyze(a: a, b: b, ab: ab, resamples: resamples, seed: seed)
    }
}
