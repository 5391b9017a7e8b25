// MARK: - BinaryCopyWriter

/// Builds the payload of `COPY ... FROM STDIN (FORMAT binary)`: a signature, then per row a field
/// count and each field as a big-endian length and value (PostgreSQL docs, "COPY: Binary Format").
/// Binary COPY skips text parsing on the server: the fastest way to load rows.
///
/// Every stored run passes through here (a run with its series is about 380 fields), so the
/// field writers are inlinable into the modules that encode rows, and each writes its length and
/// value with one capacity check and two stores into storage kept ahead of the bytes written,
/// rather than appending byte by byte (a worker's profile showed a third of its time there).
public struct BinaryCopyWriter: Sendable {
    /// Storage: the first `byteCount` bytes are the payload, the rest is room to grow.
    @usableFromInline var storage: [UInt8]
    /// Bytes of payload written so far.
    public var byteCount: Int { written }
    public var rowCount: Int { rows }
    @usableFromInline var written = 0
    @usableFromInline var rows = 0

    public init(reservingCapacity capacity: Int = 1 << 16) {
        storage = Self.room(max(capacity, 64))
        for byte in Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] { put(UInt8(byte)) }
        put(UInt32(0))  // flags: no OIDs
        put(UInt32(0))  // header extension length
    }

    /// Starts a row of `fields` values.
    @inlinable public mutating func startRow(fields: Int) {
        put(UInt16(fields))
        rows += 1
    }

    @inlinable public mutating func null() { put(UInt32(bitPattern: -1)) }

    /// int8 (bigint)
    @inlinable public mutating func int64(_ value: Int64) { field(UInt64(bitPattern: value)) }

    /// int4 (integer)
    @inlinable public mutating func int32(_ value: Int32) { field(UInt32(bitPattern: value)) }

    /// int2 (smallint)
    @inlinable public mutating func int16(_ value: Int16) { field(UInt16(bitPattern: value)) }

    /// float8 (double precision); nil is NULL.
    @inlinable public mutating func double(_ value: Double?) {
        guard let value else { return null() }
        field(value.bitPattern)
    }

    /// float8 (double precision), never NULL.
    @inlinable public mutating func double(_ value: Double) { field(value.bitPattern) }

    /// boolean
    @inlinable public mutating func bool(_ value: Bool) { field(UInt8(value ? 1 : 0)) }

    /// text or varchar; nil is NULL.
    public mutating func text(_ value: String?) {
        guard var value else { return null() }
        // Straight from the string's own UTF-8 storage: no intermediate array per field.
        value.withUTF8 { utf8 in
            put(UInt32(utf8.count))
            putBytes(UnsafeRawBufferPointer(utf8))
        }
    }

    /// float8[] (a one-dimensional array of double precision, lower bound 1, no NULLs): the
    /// array header (dimensions, null flag, element type OID 701, length, lower bound), then each
    /// element with its length. Thirteen bytes a value, against twenty or more as jsonb text.
    public mutating func doubleArray(_ values: [Double]) {
        doubleArray(count: values.count) { values[$0] }
    }

    /// float8[] of `count` elements, element `i` given by `element(i)` (no array built first).
    @inlinable public mutating func doubleArray(count: Int, _ element: (Int) -> Double) {
        arrayHeader(byteCount: 20 + 12 * count, elementType: 701, count: count)
        for index in 0..<count { field(element(index).bitPattern) }
    }

    /// text[] (one-dimensional, lower bound 1, no NULLs).
    public mutating func textArray(_ values: [String]) {
        let utf8Bytes = values.reduce(0) { $0 + $1.utf8.count }
        arrayHeader(byteCount: 20 + 4 * values.count + utf8Bytes, elementType: 25, count: values.count)
        for value in values { text(value) }
    }

    /// A one-dimensional array's field length and header (PostgreSQL's array_recv).
    @usableFromInline mutating func arrayHeader(byteCount: Int, elementType: UInt32, count: Int) {
        put(UInt32(byteCount))
        put(UInt32(1))            // dimensions
        put(UInt32(0))            // no NULL elements
        put(elementType)
        put(UInt32(count))
        put(UInt32(1))            // lower bound
    }

    /// jsonb: a version byte (1) and the JSON text.
    public mutating func jsonb(_ json: String) {
        let utf8 = Array(json.utf8)
        put(UInt32(utf8.count + 1))
        put(UInt8(1))
        utf8.withUnsafeBytes { putBytes($0) }
    }

    /// The rows written so far, without the header (for `BinaryCopyPayload`).
    func withRowBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[Self.headerLength..<written])) }
    }

    /// Signature (11 bytes), flags and header extension length.
    static let headerLength = 19
    static let header = Array(BinaryCopyWriter(reservingCapacity: 64).storage[..<headerLength])
    /// The end of the rows: a field count of -1.
    static let trailer: [UInt8] = [0xFF, 0xFF]

    /// The finished payload, with the trailer. Its storage is handed over rather than copied (a
    /// payload can be tens of megabytes); the writer starts afresh, a new payload's header.
    public mutating func finished() -> [UInt8] {
        put(UInt16(bitPattern: -1))
        var payload = BinaryCopyWriter(reservingCapacity: 64).storage
        swap(&payload, &storage)
        payload.removeLast(payload.count - written)
        written = Self.headerLength
        rows = 0
        return payload
    }

    /// A field: its length, then its value, big-endian.
    @inlinable mutating func field<T: FixedWidthInteger>(_ value: T) {
        reserve(4 + MemoryLayout<T>.size)
        let offset = written
        storage.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(MemoryLayout<T>.size).bigEndian, toByteOffset: offset, as: UInt32.self)
            raw.storeBytes(of: value.bigEndian, toByteOffset: offset + 4, as: T.self)
        }
        written += 4 + MemoryLayout<T>.size
    }

    /// A value alone, big-endian.
    @inlinable mutating func put<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        let offset = written
        storage.withUnsafeMutableBytes { $0.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self) }
        written += MemoryLayout<T>.size
    }

    @usableFromInline mutating func putBytes(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        let offset = written
        storage.withUnsafeMutableBytes { raw in
            if let source = bytes.baseAddress { (raw.baseAddress! + offset).copyMemory(from: source, byteCount: bytes.count) }
        }
        written += bytes.count
    }

    /// Room for `count` more bytes: the storage at least doubles when it grows.
    @inlinable mutating func reserve(_ count: Int) {
        if written + count > storage.count { grow(written + count) }
    }

    @usableFromInline mutating func grow(_ needed: Int) {
        var larger = Self.room(max(needed, 2 * storage.count))
        let written = written
        larger.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { target.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: written) }
        }
        storage = larger
    }

    /// Storage of `count` bytes left as the allocator gave them: only bytes written are ever read
    /// (zeroing them first is one more pass over a task's megabytes: 2% of a worker's profile).
    static func room(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}

// MARK: - BinaryCopyPayload

/// A COPY payload made of the rows of several writers in order (chunks of a task encoded on
/// several threads), sent one after another: header, each writer's rows, trailer. Joining them
/// into one buffer first copied every byte of a task once more (with series, 9 MB for a task of
/// 2,000 runs) into fresh memory the kernel had to supply page by page.
public struct BinaryCopyPayload: Sendable {
    public let chunks: [BinaryCopyWriter]

    public init(_ chunks: [BinaryCopyWriter]) {
        self.chunks = chunks
    }

    public var rowCount: Int { chunks.reduce(0) { $0 + $1.rowCount } }
    /// Bytes sent: header, rows and trailer.
    public var byteCount: Int {
        chunks.reduce(BinaryCopyWriter.headerLength + BinaryCopyWriter.trailer.count) { $0 + $1.byteCount - BinaryCopyWriter.headerLength }
    }

    /// Hands `body` the payload's bytes in order, piece by piece, until it returns false.
    @discardableResult
    public func forEachPiece(_ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard BinaryCopyWriter.header.withUnsafeBytes(body) else { return false }
        for chunk in chunks {
            guard chunk.withRowBytes(body) else { return false }
        }
        return BinaryCopyWriter.trailer.withUnsafeBytes(body)
    }

    /// The payload in one buffer (for tests and small payloads).
    public var bytes: [UInt8] {
        var joined = [UInt8]()
        joined.reserveCapacity(byteCount)
        forEachPiece { joined.append(contentsOf: $0); return true }
        return joined
    }
}
