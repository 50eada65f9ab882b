/// The bundled catalog's files as the embedder writes them when the binary is built: each file
/// already parsed (and the catalog validated), laid out so that the binary rebuilds the same
/// `JSON` values without reading JSON text (no whitespace or escapes to scan, no number text to
/// parse, no duplicate member names to look for), and makes each distinct string once.
///
/// The layout is one line of text, so that it can sit in a Swift raw string literal (the
/// compiler stores its bytes in the binary as they are; a validated catalog holds no control
/// character, so no line break). Counts, lengths and indices are decimal, ended by `:`:
///
///     dbadvisor-snapshot-2:  STRINGS:  then STRINGS times  LENGTH:UTF-8
///                            COUNT:    then COUNT times    PATH-LENGTH:PATH  VALUE-LENGTH:VALUE
///
/// The string table holds every distinct string of the files (member names and string values,
/// told apart by their UTF-8 bytes, not by Unicode equivalence), in the order they first
/// appear. A VALUE is `n` (null), `t`, `f`, `d` and the 16 hex digits of a number's bits,
/// `s` INDEX `:` (the table's string), `a` COUNT `:` VALUE…, or `o` COUNT `:` (INDEX `:` VALUE)…
/// with each member's name by its index in the table.
/// A file's value is decoded only when it is asked for (the schema, for one, never is), and a
/// string of the table is made only when a decoded value first uses it.
public struct CatalogSnapshot: Sendable {
    static let header = "dbadvisor-snapshot-2:"

    /// The snapshot's text, and where each file's value and each string of the table lie in it
    /// (byte offsets).
    let text: String
    public let paths: [String]
    let ranges: [String: Range<Int>]
    let strings: [Range<Int>]

    /// A snapshot that cannot be read: only a snapshot not written by `encode` gives one.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var description: String { "the catalog snapshot is malformed at byte \(offset)" }
    }

    /// The snapshot of `files` (path, parsed value), in the order given.
    public static func encode(_ files: [(path: String, json: JSON)]) -> String {
        // The table, in order of first appearance; keyed by bytes, since `==` on String is
        // canonical equivalence ("é" == "e\u{301}") and would merge different strings.
        var table: [[UInt8]] = [], indices: [[UInt8]: Int] = [:]
        func index(_ text: String) -> Int {
            let bytes = Array(text.utf8)
            if let i = indices[bytes] { return i }
            indices[bytes] = table.count
            table.append(bytes)
            return table.count - 1
        }
        var out: [UInt8] = []
        func count(_ n: Int) { out.append(contentsOf: String(n).utf8); out.append(UInt8(ascii: ":")) }
        func value(_ json: JSON) {
            switch json {
            case .null: out.append(UInt8(ascii: "n"))
            case let .bool(b): out.append(UInt8(ascii: b ? "t" : "f"))
            case let .number(n):
                out.append(UInt8(ascii: "d"))
                let hex = String(n.bitPattern, radix: 16)
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 16 - hex.utf8.count))
                out.append(contentsOf: hex.utf8)
            case let .string(s): out.append(UInt8(ascii: "s")); count(index(s))
            case let .array(items):
                out.append(UInt8(ascii: "a")); count(items.count)
                for item in items { value(item) }
            case let .object(members):
                out.append(UInt8(ascii: "o")); count(members.count)
                for (name, member) in members { count(index(name)); value(member) }
            }
        }
        count(files.count)
        for (path, json) in files {
            count(path.utf8.count)
            out.append(contentsOf: path.utf8)
            let start = out.count
            value(json)
            let encoded = Array(out[start...])
            out.removeSubrange(start...)
            count(encoded.count)
            out.append(contentsOf: encoded)
        }
        var head: [UInt8] = Array(header.utf8)
        swap(&head, &out)
        count(table.count)
        for bytes in table { count(bytes.count); out.append(contentsOf: bytes) }
        out.append(contentsOf: head)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads the snapshot's string table and list of files (their values are decoded by
    /// `json(at:)`).
    public init(_ text: String) throws {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        let text = contiguous
        self.text = text
        var paths: [String] = [], ranges: [String: Range<Int>] = [:], strings: [Range<Int>] = []
        try text.utf8.withContiguousStorageIfAvailable { buffer in
            var reader = Reader(bytes: buffer)
            guard buffer.starts(with: Self.header.utf8) else { throw Malformed(offset: 0) }
            reader.index = Self.header.utf8.count
            let stringCount = try reader.count()
            guard stringCount <= buffer.count - reader.index else { throw Malformed(offset: reader.index) }
            strings.reserveCapacity(stringCount)
            for _ in 0..<stringCount { strings.append(try reader.stringRange(length: try reader.count())) }
            let files = try reader.count()
            for _ in 0..<files {
                let path = reader.string(try reader.stringRange(length: try reader.count()))
                let length = try reader.count()
                guard length <= buffer.count - reader.index else { throw Malformed(offset: reader.index) }
                guard ranges[path] == nil else { throw Malformed(offset: reader.index) }
                paths.append(path)
                ranges[path] = reader.index..<reader.index + length
                reader.index += length
            }
            guard reader.index == buffer.count else { throw Malformed(offset: reader.index) }
        }!
        self.paths = paths
        self.ranges = ranges
        self.strings = strings
    }

    /// The value of the file at `path`, or nil when the snapshot has no such file.
    public func json(at path: String) throws -> JSON? {
        var made = Strings(count: strings.count)
        return try json(at: path, strings: &made)
    }

    /// The strings of the table made so far, shared by the files decoded with them.
    struct Strings {
        var made: [String?]
        init(count: Int) { made = Array(repeating: nil, count: count) }
    }

    /// The value of the file at `path`, or nil; the table's strings are taken from `made`
    /// when another file already made them (so files decoded together share them).
    func json(at path: String, strings made: inout Strings) throws -> JSON? {
        guard let range = ranges[path] else { return nil }
        guard made.made.count == strings.count else { preconditionFailure("strings made for another snapshot") }
        return try text.utf8.withContiguousStorageIfAvailable { buffer in
            try strings.withUnsafeBufferPointer { table in
                try made.made.withUnsafeMutableBufferPointer { made in
                    var reader = Reader(bytes: buffer, table: table, made: made)
                    reader.index = range.lowerBound
                    let value = try reader.value(depth: 0)
                    guard reader.index == range.upperBound else { throw Malformed(offset: reader.index) }
                    return value
                }
            }
        }!
    }

    /// Every file, decoded, in the snapshot's order.
    public func files() throws -> [(path: String, json: JSON)] {
        var made = Strings(count: strings.count)
        return try paths.map { ($0, try json(at: $0, strings: &made)!) }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var table: UnsafeBufferPointer<Range<Int>> = UnsafeBufferPointer(start: nil, count: 0)
        var made: UnsafeMutableBufferPointer<String?> = UnsafeMutableBufferPointer(start: nil, count: 0)
        var index = 0

        func malformed() -> Malformed { Malformed(offset: index) }

        mutating func byte() throws -> UInt8 {
            guard index < bytes.count else { throw malformed() }
            defer { index += 1 }
            return bytes[index]
        }

        /// A decimal count ended by `:` (1 to 12 digits).
        mutating func count() throws -> Int {
            var i = index, n = 0
            let end = min(bytes.count, index + 12)
            while i < end {
                let digit = bytes[i] &- UInt8(ascii: "0")
                guard digit <= 9 else { break }
                n = n &* 10 &+ Int(digit)
                i += 1
            }
            guard i > index, i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                index = i
                throw malformed()
            }
            index = i + 1
            return n
        }

        /// The next `length` bytes, checked to be a run of whole scalars.
        mutating func stringRange(length: Int) throws -> Range<Int> {
            guard length <= bytes.count - index else { throw malformed() }
            // A run must start and end on a scalar's first byte.
            guard index + length == bytes.count || bytes[index + length] & 0xC0 != 0x80,
                  length == 0 || bytes[index] & 0xC0 != 0x80 else { throw malformed() }
            defer { index += length }
            return index..<index + length
        }

        /// The bytes of `range` as a String (a short one is stored inline, with no
        /// allocation). Made straight from the bytes: slicing the snapshot's String instead
        /// (no UTF-8 validation) measured costlier, its index checks outweighing the validation.
        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// The table's string whose index comes next, made on its first use.
        mutating func tableString() throws -> String {
            let i = try count()
            guard i < table.count else { throw malformed() }
            if let text = made[i] { return text }
            let text = string(table[i])
            made[i] = text
            return text
        }

        mutating func value(depth: Int) throws -> JSON {
            guard depth < 512 else { throw malformed() }
            switch try byte() {
            case UInt8(ascii: "n"): return .null
            case UInt8(ascii: "t"): return .bool(true)
            case UInt8(ascii: "f"): return .bool(false)
            case UInt8(ascii: "d"):
                guard bytes.count - index >= 16 else { throw malformed() }
                var bits: UInt64 = 0
                for _ in 0..<16 {
                    let b = bytes[index]
                    let digit: UInt8
                    switch b {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
                    default: throw malformed()
                    }
                    bits = bits << 4 | UInt64(digit)
                    index += 1
                }
                return .number(Double(bitPattern: bits))
            case UInt8(ascii: "s"): return .string(try tableString())
            case UInt8(ascii: "a"):
                let n = try count()
                guard n <= bytes.count - index else { throw malformed() }
                var items: [JSON] = []
                items.reserveCapacity(n)
                for _ in 0..<n { items.append(try value(depth: depth + 1)) }
                return .array(items)
            case UInt8(ascii: "o"):
                let n = try count()
                guard n <= bytes.count - index else { throw malformed() }
                var members: [(String, JSON)] = []
                members.reserveCapacity(n)
                for _ in 0..<n {
                    let name = try tableString()
                    members.append((name, try value(depth: depth + 1)))
                }
                return .object(members)
            default:
                index -= 1
                throw malformed()
            }
        }
    }
}

extension Catalog {
    /// Loads the bundled catalog from the snapshot the embedder wrote when the binary was built
    /// (`CatalogSnapshot`): the catalog was validated then, from the same files, so it is not
    /// validated again; it is built from the files' values exactly as `load(files:)` builds it.
    /// The decoded files are kept with the catalog (`parsedFiles`), as `load(texts:)` keeps them.
    public static func load(snapshot text: String) throws -> Catalog {
        let snapshot: CatalogSnapshot
        do { snapshot = try CatalogSnapshot(text) } catch {
            throw CatalogError(problems: [Problem(file: "(snapshot)", path: "$", message: "\(error)")])
        }
        var decoded: [JSON] = []
        var strings = CatalogSnapshot.Strings(count: snapshot.strings.count)
        var catalog = try load(paths: Set(snapshot.paths), validated: true) { path in
            // `load` asks only for the paths it was given, which are the snapshot's own.
            guard let json = try snapshot.json(at: path, strings: &strings) else { preconditionFailure("the snapshot has no file \(path)") }
            decoded.append(json)
            return json
        }
        catalog.parsedFiles = decoded
        return catalog
    }
}
