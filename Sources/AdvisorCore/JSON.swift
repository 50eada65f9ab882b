/// A JSON value that keeps the order of object members as written, so that documents round-trip
/// and output is byte-identical across runs (Foundation's encoder does not promise key order).
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSON? {
        guard case let .object(members) = self else { return nil }
        for member in members where member.0.isSameKey(key) { return member.1 }
        return nil
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var numberValue: Double? {
        if case let .number(n) = self { return n }
        return nil
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var objectValue: [(String, JSON)]? {
        if case let .object(o) = self { return o }
        return nil
    }

    /// The JSON type name, as JSON Schema spells it ("integer" for whole numbers).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case let .number(n): return n == n.rounded() && abs(n) < 9.007_199_254_740_992e15 ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension String {
    /// `==`, with the cheap test first: strings of different UTF-8 lengths are rarely
    /// canonically equal, and `==` on two different strings pays for a Unicode comparison.
    /// Member names and catalog ids are compared this way many times a run.
    @inline(__always)
    func isSameKey(_ other: String) -> Bool {
        utf8.count == other.utf8.count && self == other
    }
}

// MARK: - Parsing

/// Why a JSON text could not be parsed, and where.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict RFC 8259 parser. It refuses what Foundation would accept silently or crash on:
/// duplicate member names, invalid UTF-8, nesting deeper than `maxDepth`, numbers outside Double.
public struct JSONParser {
    public static let defaultMaxDepth = 512

    /// The input, borrowed for the duration of one `parse` call (never copied when the caller's
    /// bytes are already contiguous, as a string literal's or a file's are).
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let maxDepth: Int
    /// Per nesting depth, a buffer reused for the members or items being read.
    private var memberBuffers: [[(String, JSON)]] = []
    private var itemBuffers: [[JSON]] = []
    /// A member of the top-level object whose value's place in the input is kept (`captured`).
    private var captureKey: String? = nil
    private var captured: Range<Int>? = nil
    /// Set for a trusted text (see `parse(trusted:)`): member names are not checked for duplicates.
    private var trusted = false

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value, surrounded by optional whitespace.
    public static func parse<Bytes: Collection>(_ input: Bytes, maxDepth: Int = defaultMaxDepth) throws -> JSON
    where Bytes.Element == UInt8 {
        if let result = try input.withContiguousStorageIfAvailable({ try parse(buffer: $0, maxDepth: maxDepth) }) {
            return result
        }
        return try Array(input).withUnsafeBufferPointer { try parse(buffer: $0, maxDepth: maxDepth) }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws -> JSON {
        var text = text
        text.makeContiguousUTF8()
        return try text.utf8.withContiguousStorageIfAvailable { try parse(buffer: $0, maxDepth: maxDepth) }
            ?? parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses like `parse`, and also gives the source text of the top-level object's member
    /// `key`, as written: a number keeps its digits (`1234567890123456789`, `1e16`), which a
    /// Double would round or respell.
    public static func parse(_ input: [UInt8], capturing key: String, maxDepth: Int = defaultMaxDepth) throws -> (JSON, String?) {
        try input.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
            parser.captureKey = key
            let value = try parser.parseDocument()
            return (value, parser.captured.map { String(decoding: buffer[$0], as: UTF8.self) })
        }
    }

    /// Parses a text that was already parsed and validated when the binary was built (the
    /// bundled catalog): the syntax is still followed (a malformed text still throws), but
    /// member names are not checked for duplicates again. The value is the one `parse` gives.
    static func parse(trusted text: String) throws -> JSON {
        var text = text
        text.makeContiguousUTF8()
        func run(_ buffer: UnsafeBufferPointer<UInt8>) throws -> JSON {
            var parser = JSONParser(bytes: buffer, maxDepth: defaultMaxDepth)
            parser.trusted = true
            return try parser.parseDocument()
        }
        return try text.utf8.withContiguousStorageIfAvailable(run) ?? Array(text.utf8).withUnsafeBufferPointer(run)
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws -> JSON {
        var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    private mutating func parseDocument() throws -> JSON {
        // A byte-order mark is tolerated at the start, as many editors write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        if index >= bytes.count { throw error("the input is empty; expected a JSON value") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw error("unexpected \(describeCurrent()) after the JSON value")
        }
        return value
    }

    private func error(_ message: String) -> JSONParseError {
        var line = 1
        var column = 1
        var i = 0
        while i < index && i < bytes.count {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return JSONParseError(message: message, line: line, column: column)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let b = bytes[index]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        let hex = String(b, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count < 2 ? "0" : "") + hex
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws -> JSON {
        guard index < bytes.count else { throw error("unexpected end of input; expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected \(describeCurrent()); expected a value")
        }
    }

    private mutating func expectLiteral(_ word: String) throws {
        let count = word.utf8.count
        guard index + count <= bytes.count, bytes[index..<index + count].elementsEqual(word.utf8) else {
            throw error("unexpected \(describeCurrent()); expected a value")
        }
        index += count
    }

    /// Members and items gather in a buffer kept for their depth, then move to an array of the
    /// exact size: growing a fresh array element by element reallocates it several times.
    private static func take<Element>(_ buffers: inout [[Element]], _ depth: Int) -> [Element] {
        guard depth < buffers.count else { return [] }
        defer { buffers[depth] = [] }
        return buffers[depth]
    }

    /// Empties `buffer`, keeping its capacity, and keeps it for the next value at `depth`.
    private static func giveBack<Element>(_ buffer: inout [Element], to buffers: inout [[Element]], _ depth: Int) {
        buffer.removeAll(keepingCapacity: true)
        while buffers.count <= depth { buffers.append([]) }
        buffers[depth] = buffer
    }

    private mutating func parseObject(depth: Int) throws -> JSON {
        if depth > maxDepth { throw error("nesting is deeper than \(maxDepth) levels") }
        index += 1
        var members = JSONParser.take(&memberBuffers, depth)
        defer { JSONParser.giveBack(&members, to: &memberBuffers, depth) }
        // Duplicate names are found by a scan while an object is small (most are), and by a set
        // once it grows: hashing every name of every small object costs more than the scan.
        var seen: Set<String>? = nil
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(Array(members))
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()); expected a member name in double quotes")
            }
            let keyStart = index
            let key = try parseString()
            let duplicate: Bool
            if trusted {
                duplicate = false
            } else if seen != nil {
                duplicate = !seen!.insert(key).inserted
            } else if members.count < 16 {
                duplicate = members.contains { $0.0 == key }
            } else {
                seen = Set(members.map(\.0))
                duplicate = !seen!.insert(key).inserted
            }
            if duplicate {
                index = keyStart
                throw error("duplicate member name \"\(Sanitize.forTerminal(key))\"")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()); expected ':' after a member name")
            }
            index += 1
            skipWhitespace()
            let valueStart = index
            members.append((key, try parseValue(depth: depth)))
            if depth == 1, let captureKey, key == captureKey { captured = valueStart..<index }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input; expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(Array(members))
            }
            throw error("unexpected \(describeCurrent()); expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSON {
        if depth > maxDepth { throw error("nesting is deeper than \(maxDepth) levels") }
        index += 1
        var items = JSONParser.take(&itemBuffers, depth)
        defer { JSONParser.giveBack(&items, to: &itemBuffers, depth) }
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(Array(items))
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input; expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(Array(items))
            }
            throw error("unexpected \(describeCurrent()); expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws -> JSON {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("a number may not start with 0") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a digit must follow the decimal point") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("an exponent needs digits") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            index = start
            throw error("the number \(text.prefix(40)) is too large to represent")
        }
        return .number(value)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private mutating func parseString() throws -> String {
        index += 1
        // Fast path: a run with no escape, no control byte and valid UTF-8 becomes a String at once.
        var end = index
        var highBits: UInt64 = 0
        if let base = bytes.baseAddress {
            // Eight bytes at a time while none is a quote, a backslash or a control byte.
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while end + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if special & highs != 0 { break }
                highBits |= word & highs
                end += 8
            }
        }
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            highBits |= UInt64(b & 0x80)
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""), highBits == 0 || isValidUTF8(from: index, to: end) {
            // Validated above, so decoding repairs nothing. (String(validating:) is generic and
            // looks up type metadata on every call: a third of the time of parsing a catalog.)
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
            index = end + 1
            return text
        }
        // Slow path: the string's UTF-8 is gathered in a buffer, escapes decoded, and made a
        // String once (appending scalar by scalar to a String cost ten times as much).
        var utf8: [UInt8] = []
        utf8.reserveCapacity(end - index + 16)
        func append(_ scalar: UInt32) {
            switch scalar {
            case ..<0x80: utf8.append(UInt8(scalar))
            case ..<0x800: utf8.append(0xC0 | UInt8(scalar >> 6)); utf8.append(0x80 | UInt8(scalar & 0x3F))
            case ..<0x10000:
                utf8.append(0xE0 | UInt8(scalar >> 12)); utf8.append(0x80 | UInt8((scalar >> 6) & 0x3F)); utf8.append(0x80 | UInt8(scalar & 0x3F))
            default:
                utf8.append(0xF0 | UInt8(scalar >> 18)); utf8.append(0x80 | UInt8((scalar >> 12) & 0x3F))
                utf8.append(0x80 | UInt8((scalar >> 6) & 0x3F)); utf8.append(0x80 | UInt8(scalar & 0x3F))
            }
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                // Well-formed by construction: decoding repairs nothing.
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unterminated string") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    let high = try parseHex4()
                    if (0xD800...0xDBFF).contains(high) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("a high surrogate \\u escape must be followed by a low surrogate")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                        append(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                    } else if (0xDC00...0xDFFF).contains(high) {
                        throw error("a lone low surrogate in a \\u escape")
                    } else {
                        append(high)
                    }
                default:
                    index -= 1
                    throw error("invalid escape \\\(describeCurrent())")
                }
            case 0x00..<0x20:
                throw error("a control character (byte 0x\(String(b, radix: 16, uppercase: true))) must be escaped inside a string")
            case 0x00..<0x80:
                utf8.append(b)
                index += 1
            default:
                // A whole, checked sequence, copied as it is.
                let start = index
                _ = try decodeUTF8Scalar()
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
        }
    }

    /// Why a UTF-8 sequence is malformed.
    private enum UTF8Problem: Error {
        case badByte(UInt8), cutShort, overlongOrSurrogate
    }

    /// The scalar value and length of the multi-byte UTF-8 sequence at `i` (which must end
    /// by `end`): no overlong forms, no surrogates, nothing past U+10FFFF.
    private func decodeSequence(at i: Int, end: Int) -> Result<(value: UInt32, length: Int), UTF8Problem> {
        let b0 = bytes[i]
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return .failure(.badByte(b0))
        }
        guard i + length <= end else { return .failure(.cutShort) }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return .failure(.badByte(b)) }
            value = (value << 6) | UInt32(b & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return .failure(.overlongOrSurrogate) }
        return .success((value, length))
    }

    /// Whether bytes[start..<end] is well-formed UTF-8.
    private func isValidUTF8(from start: Int, to end: Int) -> Bool {
        var i = start
        while i < end {
            if bytes[i] < 0x80 { i += 1; continue }
            guard case let .success((_, length)) = decodeSequence(at: i, end: end) else { return false }
            i += length
        }
        return true
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error("a \\u escape needs four hex digits")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func decodeUTF8Scalar() throws -> Unicode.Scalar {
        switch decodeSequence(at: index, end: bytes.count) {
        case let .success((value, length)):
            index += length
            return Unicode.Scalar(value)!
        case let .failure(.badByte(b)): throw error("invalid UTF-8 (byte 0x\(String(b, radix: 16, uppercase: true)))")
        case .failure(.cutShort): throw error("invalid UTF-8: a sequence is cut short")
        case .failure(.overlongOrSurrogate): throw error("invalid UTF-8 (an overlong or surrogate sequence)")
        }
    }
}

// MARK: - Writing

extension JSON {
    /// The compact, single-line text of this value; members in their stored order.
    public func compactText() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(to: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The compact text as UTF-8 bytes.
    public func compactBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Two-space indented text, as jq prints it.
    public func prettyText() -> String {
        var out: [UInt8] = []
        write(to: &out, indent: "  ", level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private func newline(_ out: inout [UInt8], _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        for _ in 0..<level { out.append(contentsOf: indent.utf8) }
    }

    private func write(to out: inout [UInt8], indent: String?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(n): JSON.writeNumber(n, to: &out)
        case let .string(s): JSON.writeString(s, to: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                JSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Whole numbers print without a fraction; others with at most six decimals, so that
    /// floating-point noise never reaches the output.
    public static func format(number n: Double) -> String {
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return withDigits(n, decimals: 6, trimZeros: true) { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Hands `body` the bytes of `format(number: n)`, laid out on the stack; false when `n` is
    /// not finite (`null`, not handed). For a writer with a buffer of its own. Not generic: a
    /// generic function called from another module looks its types up at run time.
    public static func withNumberBytes(_ n: Double, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        withDigits(n, decimals: 6, trimZeros: true, body) != nil
    }

    /// Appends `format(number: n)` to `out` without building a String.
    static func writeNumber(_ n: Double, to out: inout [UInt8]) {
        if withDigits(n, decimals: 6, trimZeros: true, { out.append(contentsOf: $0) }) == nil { out.append(contentsOf: "null".utf8) }
    }

    /// `n` as plain decimal digits that read back as exactly `n`: `format(number:)` when that
    /// is exact, otherwise the shortest round-trip digits, never in exponent form (a size or a
    /// rate is written with digits and a point only).
    public static func exactDecimal(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        // A whole number below 10^15 is its digits, exactly (what `format` writes; reading
        // them back, the slow part, would only say so).
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        let short = format(number: n)
        if Double(short) == n { return short }
        return plainDigits(n)
    }

    /// The shortest round-trip digits of `n` (Swift's own), written out without an exponent.
    static func plainDigits(_ n: Double) -> String {
        var text = "\(n)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else {
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        }
        let mantissa = text[..<e]
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa
        let digits = unsigned.filter { $0 != "." }
        let point = (unsigned.firstIndex(of: ".").map { unsigned.distance(from: unsigned.startIndex, to: $0) } ?? unsigned.count) + exponent
        var plain: String
        if point <= 0 {
            plain = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            plain = digits + String(repeating: "0", count: point - digits.count)
        } else {
            plain = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        if plain.contains(".") {
            while plain.hasSuffix("0") { plain.removeLast() }
            if plain.hasSuffix(".") { plain.removeLast() }
        }
        return (negative ? "-" : "") + plain
    }

    /// `n` with exactly `decimals` digits after the point (ties to even, as glibc), as
    /// printf's %.Nf writes it, without printf or Foundation.
    public static func fixed(_ n: Double, decimals: Int) -> String {
        withDigits(n, decimals: decimals, trimZeros: false) { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Hands `body` the digits of `n`: `decimals` digits after the point, or (`trimZeros`) at
    /// most that many, zeros after the point dropped, and no point when none remain — what
    /// `fixed` and `format(number:)` write, laid out in a buffer on the stack (they run for
    /// every figure of every estimate). Nil when `n` is not finite.
    @inline(__always)
    static func withDigits<R>(_ n: Double, decimals: Int, trimZeros: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard n.isFinite else { return nil }
        let laidOut: R?? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digitsRoom) { buffer in
            let end = buffer.baseAddress! + digitsRoom
            guard let length = writeDigits(n, decimals: decimals, trimZeros: trimZeros, end: end) else { return R??.none }
            return body(UnsafeBufferPointer(start: end - length, count: length))
        }
        if let laidOut { return laidOut }
        // Beyond what these digits can hold exactly, the digits that are there.
        var text = plainDigits(n)
        if trimZeros, text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text.withUTF8 { body($0) }
    }

    /// The most bytes `writeDigits` writes.
    static let digitsRoom = 48

    /// "00" to "99", two bytes for each number below 100 (a constant in the binary: no
    /// initialization to check on each use, as a static list would need).
    static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Writes `value`'s decimal digits backwards, ending just before `end`, two at a time (one
    /// division by 100 for two digits, not one by 10 for each); returns where they begin.
    @inline(__always)
    static func writeWhole(_ value: UInt64, endingAt end: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let pairs = digitPairs.utf8Start
        var v = value, start = end
        while v >= 100 {
            let r = Int(truncatingIfNeeded: v % 100) &* 2
            v /= 100
            start -= 2
            start[0] = pairs[r]
            start[1] = pairs[r &+ 1]
        }
        if v >= 10 {
            let r = Int(truncatingIfNeeded: v) &* 2
            start -= 2
            start[0] = pairs[r]
            start[1] = pairs[r &+ 1]
        } else {
            start -= 1
            start.pointee = UInt8(truncatingIfNeeded: 48 &+ v)
        }
        return start
    }

    /// Writes the digits `withDigits` hands on backwards, ending just before `end` (at most
    /// `digitsRoom` bytes), and says how many; nil when `n` is not finite, or too large for
    /// them to be exact (`withDigits` then writes Swift's own digits).
    @inline(__always)
    static func writeDigits(_ n: Double, decimals: Int, trimZeros: Bool, end: UnsafeMutablePointer<UInt8>) -> Int? {
        guard n.isFinite else { return nil }
        var start = end
        if trimZeros, n == n.rounded(), abs(n) < 1e15 {
            let whole = Int64(n)
            start = writeWhole(whole.magnitude, endingAt: start)
            if whole < 0 { start -= 1; start.pointee = UInt8(ascii: "-") }
            return end - start
        }
        let magnitude = abs(n)
        guard magnitude < 9e15, decimals <= 15 else { return nil }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        // The whole part and the fraction are split exactly, so that only the fraction is
        // scaled (a large whole part would lose the digits the rounding depends on).
        var whole = UInt64(magnitude.rounded(.towardZero))
        var fraction = UInt64(((magnitude - Double(whole)) * scale).rounded(.toNearestOrEven))
        let unit = UInt64(scale)
        if fraction >= unit { whole += 1; fraction -= unit }
        // Written from the end: the fraction's digits, the point, the whole part, the sign.
        var digits = decimals
        if trimZeros {
            while digits > 0, fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        }
        if digits > 0 {
            for _ in 0..<digits { start -= 1; start.pointee = UInt8(48 + fraction % 10); fraction /= 10 }
            start -= 1; start.pointee = UInt8(ascii: ".")
        }
        start = writeWhole(whole, endingAt: start)
        if n < 0 { start -= 1; start.pointee = UInt8(ascii: "-") }
        return end - start
    }

    /// `\u` and four lowercase hex digits.
    static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Writes a JSON string literal. Runs of plain bytes are copied whole; quotes, backslashes
    /// and control characters (C0, DEL, C1, U+2028/9) are escaped so output is safe to print.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var owned = s
        owned.makeContiguousUTF8()
        _ = owned.utf8.withContiguousStorageIfAvailable { bytes in
            escape(bytes) { out.append(contentsOf: $0) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Hands `emit` UTF-8 text as a JSON string literal holds it, without the quotes: runs of
    /// plain bytes whole, and quotes, backslashes and control characters (C0, DEL, C1,
    /// U+2028/9) escaped.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeRawBufferPointer) -> Void) {
        var i = 0
        var runStart = 0
        func flush(_ end: Int) {
            if end > runStart { emit(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart..<end])) }
        }
        while i < bytes.count {
            // Eight plain bytes at a time (JSON.plainWord).
            if i + 8 <= bytes.count, JSON.plainWord(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let b = bytes[i]
            var escape: String? = nil
            var width = 1
            switch b {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0x00..<0x20, 0x7F: escape = unicodeEscape(UInt32(b))
            case 0xC2 where i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1]):
                escape = unicodeEscape(UInt32(bytes[i + 1])); width = 2
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                escape = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"; width = 3
            default: break
            }
            if var escape {
                flush(i)
                escape.withUTF8 { emit(UnsafeRawBufferPointer($0)) }
                i += width
                runStart = i
            } else {
                i += 1
            }
        }
        flush(bytes.count)
    }
}
