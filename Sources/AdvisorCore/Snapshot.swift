/// The layout of the bundled catalog's snapshot (what `CatalogSnapshot.encode(catalog:)` writes
/// at build time and `Catalog.load(snapshot:)` reads at start-up; see CatalogSnapshot.swift):
/// its reader and writer, and how a JSON value a catalog type holds is laid out in it.
///
/// The layout is one line of text, so that it can sit in a Swift raw string literal (the
/// compiler stores its bytes in the binary as they are; a validated catalog holds no control
/// character, so no line break). Counts, lengths and indices are decimal, ended by `:`:
///
///     HEADER  STRINGS:  then STRINGS times  LENGTH:UTF-8   then the values
///
/// The string table holds every distinct string (told apart by their UTF-8 bytes, not by
/// Unicode equivalence), in the order they are first written; a string of the table is made
/// only when a decoded value first uses it, and once. A JSON VALUE is `n` (null), `t`, `f`,
/// `d` and the 16 hex digits of a number's bits, `s` INDEX `:` (the table's string),
/// `a` COUNT `:` VALUE…, or `o` COUNT `:` (INDEX `:` VALUE)… with each member's name by its
/// index in the table.
public enum CatalogSnapshot {
    /// A snapshot that cannot be read: only a snapshot not written by the embedder gives one.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var description: String { "the catalog snapshot is malformed at byte \(offset)" }
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

        /// A number's bits as 16 hex digits.
        mutating func double() throws -> Double {
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
            return Double(bitPattern: bits)
        }

        mutating func value(depth: Int) throws -> JSON {
            guard depth < 512 else { throw malformed() }
            switch try byte() {
            case UInt8(ascii: "n"): return .null
            case UInt8(ascii: "t"): return .bool(true)
            case UInt8(ascii: "f"): return .bool(false)
            case UInt8(ascii: "d"): return .number(try double())
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


/// Writes a snapshot: values as `CatalogSnapshot` lays them out, with the strings they use
/// gathered in the table (used by `CatalogSnapshot.encode(catalog:)`, at build time).
struct SnapshotWriter {
    /// The table, in order of first appearance; keyed by bytes, since `==` on String is
    /// canonical equivalence ("é" == "e\u{301}") and would merge different strings.
    var table: [[UInt8]] = []
    var indices: [[UInt8]: Int] = [:]
    var out: [UInt8] = []

    /// A count, length or index: decimal, ended by `:`.
    mutating func count(_ n: Int) {
        precondition(n >= 0 && n < 1_000_000_000_000, "a snapshot count out of range")
        out.append(contentsOf: String(n).utf8)
        out.append(UInt8(ascii: ":"))
    }

    /// A whole number that may be negative: `-` then the count of its magnitude.
    mutating func int(_ n: Int) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        count(Int(n.magnitude))
    }

    /// A number's bits, as 16 hex digits.
    mutating func double(_ n: Double) {
        let hex = String(n.bitPattern, radix: 16)
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 16 - hex.utf8.count))
        out.append(contentsOf: hex.utf8)
    }

    mutating func bool(_ b: Bool) { out.append(UInt8(ascii: b ? "t" : "f")) }

    /// A string, by its index in the table.
    mutating func string(_ text: String) {
        let bytes = Array(text.utf8)
        if let i = indices[bytes] { count(i); return }
        indices[bytes] = table.count
        table.append(bytes)
        count(table.count - 1)
    }

    /// Whether an optional value follows: `y` (then the value) or `n`.
    mutating func present(_ isPresent: Bool) { out.append(UInt8(ascii: isPresent ? "y" : "n")) }

    mutating func string(_ text: String?) {
        present(text != nil)
        if let text { string(text) }
    }

    mutating func strings(_ list: [String]) {
        count(list.count)
        for text in list { string(text) }
    }

    mutating func json(_ json: JSON) {
        switch json {
        case .null: out.append(UInt8(ascii: "n"))
        case let .bool(b): bool(b)
        case let .number(n): out.append(UInt8(ascii: "d")); double(n)
        case let .string(s): out.append(UInt8(ascii: "s")); string(s)
        case let .array(items):
            out.append(UInt8(ascii: "a")); count(items.count)
            for item in items { self.json(item) }
        case let .object(members):
            out.append(UInt8(ascii: "o")); count(members.count)
            for (name, member) in members { string(name); self.json(member) }
        }
    }

    /// The whole snapshot: the header, the table, then what was written.
    func finish(header: String) -> String {
        var text: [UInt8] = Array(header.utf8)
        func count(_ n: Int) { text.append(contentsOf: String(n).utf8); text.append(UInt8(ascii: ":")) }
        count(table.count)
        for bytes in table { count(bytes.count); text.append(contentsOf: bytes) }
        text.append(contentsOf: out)
        return String(decoding: text, as: UTF8.self)
    }
}
