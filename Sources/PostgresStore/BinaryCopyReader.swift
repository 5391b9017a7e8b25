import Foundation

// MARK: - BinaryCopyReader

/// Reads the rows of `COPY ... TO STDOUT (FORMAT binary)` whose fields are a number of float8
/// columns followed by a number of boolean columns, into one array per column: the fast way to
/// bring a million runs' outcomes into memory (a report's exact quantiles need every value).
/// Feed it the chunks `PostgresConnection.copyOut` hands over, in order, then call `finish`.
public struct BinaryCopyReader {
    public private(set) var doubles: [[Double]]
    public private(set) var bools: [[Bool]]
    private let doubleCount: Int, boolCount: Int
    /// Bytes of an incomplete row (or header) carried to the next chunk.
    private var pending: [UInt8] = []
    private var headerRead = false
    private var trailerRead = false

    public init(doubleColumns: Int, boolColumns: Int) {
        doubleCount = doubleColumns
        boolCount = boolColumns
        doubles = Array(repeating: [], count: doubleColumns)
        bools = Array(repeating: [], count: boolColumns)
    }

    public enum ReadError: Error, CustomStringConvertible {
        case badHeader, wrongFieldCount(Int), wrongFieldLength(column: Int, length: Int), truncated
        public var description: String {
            switch self {
            case .badHeader: return "the COPY data does not start with PostgreSQL's binary COPY signature"
            case .wrongFieldCount(let n): return "a COPY row has \(n) fields, not the columns asked for"
            case .wrongFieldLength(let column, let length): return "COPY column \(column + 1) has a value of \(length) bytes"
            case .truncated: return "the COPY data ended in the middle of a row"
            }
        }
    }

    public mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
        if pending.isEmpty {
            let used = try parse(chunk)
            if used < chunk.count { pending.append(contentsOf: chunk[used...]) }
        } else {
            pending.append(contentsOf: chunk)
            let used = try pending.withUnsafeBytes { try parse($0) }
            pending.removeFirst(used)
        }
    }

    /// Checks the data ended at a row boundary with the trailer.
    public func finish() throws {
        guard pending.isEmpty, !headerRead || trailerRead else { throw ReadError.truncated }
    }

    /// Parses the header and every complete row in `bytes`; returns how many bytes it used.
    private mutating func parse(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        var offset = 0
        func int32(_ at: Int) -> Int { Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int32.self))) }
        if !headerRead {
            // "PGCOPY\n\xff\r\n\0", flags (int32), header extension length (int32), extension.
            guard bytes.count >= 19 else { return 0 }
            let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
            guard signature.indices.allSatisfy({ bytes[$0] == signature[$0] }) else { throw ReadError.badHeader }
            let extensionLength = int32(15)
            guard bytes.count >= 19 + extensionLength else { return 0 }
            offset = 19 + extensionLength
            headerRead = true
        }
        let fields = doubleCount + boolCount
        while offset + 2 <= bytes.count && !trailerRead {
            let count = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
            if count == -1 { trailerRead = true; offset += 2; break }
            guard count == fields else { throw ReadError.wrongFieldCount(count) }
            // Check the whole row is here before taking any of it.
            var end = offset + 2
            for _ in 0..<fields {
                guard end + 4 <= bytes.count else { return offset }
                end += 4 + max(0, int32(end))
            }
            guard end <= bytes.count else { return offset }
            var at = offset + 2
            for column in 0..<doubleCount {
                let length = int32(at)
                at += 4
                if length == 8 {
                    doubles[column].append(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
                    at += 8
                } else if length == -1 {
                    doubles[column].append(.nan)  // NULL: an outcome undefined for this run
                } else {
                    throw ReadError.wrongFieldLength(column: column, length: length)
                }
            }
            for column in 0..<boolCount {
                let length = int32(at)
                at += 4
                if length == 1 {
                    bools[column].append(bytes[at] != 0)
                    at += 1
                } else if length == -1 {
                    bools[column].append(false)
                } else {
                    throw ReadError.wrongFieldLength(column: doubleCount + column, length: length)
                }
            }
            offset = end
        }
        return offset
    }
}
