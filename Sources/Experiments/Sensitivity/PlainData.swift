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
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PlainDataError("cannot read \(path): \(error.localizedDescription)")
        }
        var lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var header: [String]?
        if let first = lines.first, first.split(separator: ",").contains(where: { Double($0.trimmingCharacters(in: .whitespaces)) == nil }) {
            header = first.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            lines.removeFirst()
        }
        var width: Int?
        let rows = try lines.enumerated().map { index, line -> [Double] in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let values = try fields.map { field -> Double in
                guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw PlainDataError("\(path): line \(index + 1 + (header == nil ? 0 : 1)): '\(field)' is not a finite number")
                }
                return value
            }
            if let width, width != values.count {
                throw PlainDataError("\(path): line \(index + 1 + (header == nil ? 0 : 1)) has \(values.count) columns, not \(width)")
            }
            width = values.count
            return values
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
