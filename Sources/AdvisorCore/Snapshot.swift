/// The bundled catalog's files as the embedder writes them when the binary is built: each file
/// already parsed (and the catalog validated), laid out so that the binary rebuilds the same
/// `JSON` values without reading JSON text (no whitespace or escapes to scan, no number text to
/// parse, no duplicate member names to look for: each string is made from a byte run of known
/// length).
///
/// The layout is one line of text, so that it can sit in a Swift raw string literal (the
/// compiler stores its bytes in the binary as they are; a validated catalog holds no control
/// character, so no line break). Counts and lengths are decimal, ended by `:`:
///
///     dbadvisor-snapshot-1:  COUNT:  then COUNT times  PATH-LENGTH:PATH  VALUE-LENGTH:VALUE
///
/// and a VALUE is `n` (null), `t`, `f`, `d` and the 16 hex digits of a number's bits,
/// `s` LENGTH `:` UTF-8, `a` COUNT `:` VALUE…, or `o` COUNT `:` (LENGTH `:` NAME VALUE)….
/// A file's value is decoded only when it is asked for (the schema, for one, never is).
public struct CatalogSnapshot: Sendable {
    static let header = "dbadvisor-snapshot-1:"

    /// The snapshot's text, and where each file's value lies in it (byte offsets).
    let text: String
    public let paths: [String]
    let ranges: [String: Range<Int>]

    /// A snapshot that cannot be read: only a snapshot not written by `encode` gives one.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var description: String { "the catalog snapshot is malformed at byte \(offset)" }
    }

    /// The snapshot of `files` (path, parsed value), in the order given.
    public static func encode(_ files: [(path: String, json: JSON)]) -> String {
        var out: [UInt8] = Array(header.utf8)
        func count(_ n: Int) { out.append(contentsOf: String(n).utf8); out.append(UInt8(ascii: ":")) }
        func bytes(_ text: String) { count(text.utf8.count); out.append(contentsOf: text.utf8) }
        func value(_ json: JSON) {
            switch json {
            case .null: out.append(UInt8(ascii: "n"))
            case let .bool(b): out.append(UInt8(ascii: b ? "t" : "f"))
            case let .number(n):
                out.append(UInt8(ascii: "d"))
                let hex = String(n.bitPattern, radix: 16)
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 16 - hex.utf8.count))
                out.append(contentsOf: hex.utf8)
            case let .string(s): out.append(UInt8(ascii: "s")); bytes(s)
            case let .array(items):
                out.append(UInt8(ascii: "a")); count(items.count)
                for item in items { value(item) }
            case let .object(members):
                out.append(UInt8(ascii: "o")); count(members.count)
                for (name, member) in members { bytes(name); value(member) }
            }
        }
        count(files.count)
        for (path, json) in files {
            bytes(path)
            let start = out.count
            value(json)
            let encoded = Array(out[start...])
            out.removeSubrange(start...)
            count(encoded.count)
            out.append(contentsOf: encoded)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads the snapshot's list of files (their values are decoded by `json(at:)`).
    public init(_ text: String) throws {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        let text = contiguous
        self.text = text
        var paths: [String] = [], ranges: [String: Range<Int>] = [:]
        try text.utf8.withContiguousStorageIfAvailable { buffer in
            var reader = Reader(bytes: buffer)
            guard buffer.starts(with: Self.header.utf8) else { throw Malformed(offset: 0) }
            reader.index = Self.header.utf8.count
            let files = try reader.count()
            for _ in 0..<files {
                let path = try reader.string(length: try reader.count())
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
    }

    /// The value of the file at `path`, or nil when the snapshot has no such file.
    public func json(at path: String) throws -> JSON? {
        guard let range = ranges[path] else { return nil }
        return try text.utf8.withContiguousStorageIfAvailable { buffer in
            var reader = Reader(bytes: buffer)
            reader.index = range.lowerBound
            let value = try reader.value(depth: 0)
            guard reader.index == range.upperBound else { throw Malformed(offset: reader.index) }
            return value
        }!
    }

    /// Every file, decoded, in the snapshot's order.
    public func files() throws -> [(path: String, json: JSON)] {
        try paths.map { ($0, try json(at: $0)!) }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        func malformed() -> Malformed { Malformed(offset: index) }

        mutating func byte() throws -> UInt8 {
            guard index < bytes.count else { throw malformed() }
            defer { index += 1 }
            return bytes[index]
        }

        /// A decimal count ended by `:`.
        mutating func count() throws -> Int {
            var n = 0, digits = 0
            while true {
                let b = try byte()
                if b == UInt8(ascii: ":") { break }
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), digits < 12 else { throw malformed() }
                n = n * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
            }
            guard digits > 0 else { throw malformed() }
            return n
        }

        /// The next `length` bytes as a String (a short one is stored inline, with no
        /// allocation). Made straight from the bytes: slicing the snapshot's String instead
        /// (no UTF-8 validation) measured costlier, its index checks outweighing the validation.
        mutating func string(length: Int) throws -> String {
            guard length <= bytes.count - index else { throw malformed() }
            // A run must start and end on a scalar's first byte.
            guard index + length == bytes.count || bytes[index + length] & 0xC0 != 0x80,
                  length == 0 || bytes[index] & 0xC0 != 0x80 else { throw malformed() }
            defer { index += length }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self)
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
            case UInt8(ascii: "s"): return .string(try string(length: try count()))
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
                    let name = try string(length: try count())
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
        var catalog = try load(paths: Set(snapshot.paths), validated: true) { path in
            // `load` asks only for the paths it was given, which are the snapshot's own.
            guard let json = try snapshot.json(at: path) else { preconditionFailure("the snapshot has no file \(path)") }
            decoded.append(json)
            return json
        }
        catalog.parsedFiles = decoded
        return catalog
    }
}
