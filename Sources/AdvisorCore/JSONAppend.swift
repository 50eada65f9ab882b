/// The compact writer's pieces, for renderers that write JSON straight into bytes (batch
/// lines) instead of building a `JSON` tree: the same escaping and number formatting, so the
/// bytes are those `compactBytes()` would give for the same values.
extension JSON {
    /// Appends `s` as a JSON string literal, escaped as `compactBytes()` escapes it. A string
    /// with nothing to escape (the catalog's texts, nearly always) is copied whole.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        let copied = s.withUTF8 { bytes in
            guard needsNoEscape(bytes) else { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if !copied { writeString(s, to: &out) }
    }

    /// Whether `writeString` would copy these bytes unchanged: plain ASCII from 0x20 to 0x7E
    /// without a quote or backslash. (Non-ASCII bytes go the careful way, for C1 controls and
    /// U+2028/9.)
    @inlinable @inline(__always)
    public static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var i = 0
        while i + 8 <= count {
            if !plainWord(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { return false }
            i += 8
        }
        while i < count {
            let b = base[i]
            if b < 0x20 || b >= 0x7F || b == 0x22 || b == 0x5C { return false }
            i += 1
        }
        return true
    }

    /// Whether none of eight bytes needs a look of its own when written as a JSON string: none
    /// below 0x20, none a quote, backslash or DEL, none outside ASCII (those are looked at one by
    /// one, for C1 controls and U+2028/9). Exact: a word with any such byte is never plain.
    ///
    /// Each term sets a byte's high bit for the bytes it is about: the byte itself (0x80 and
    /// up); the byte plus one (0x7F, DEL); the byte minus 0x20 (below 0x20); the byte xor a
    /// quote or a backslash, minus one (that byte). A carry or borrow crosses into the next
    /// byte only from a byte that is flagged already, and in a word of plain bytes no term
    /// reaches a high bit, so the test is exact with no mask of its own for each term.
    @inlinable @inline(__always)
    static func plainWord(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let care = word | (word &+ ones) | (word &- ones &* 0x20)
            | ((word ^ (ones &* 0x22)) &- ones) | ((word ^ (ones &* 0x5C)) &- ones)
        return care & highs == 0
    }

    /// Appends bytes written out in the source as they are.
    @inline(__always)
    public static func appendLiteral(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends `format(number: n)` (`null` when it is not finite), as `compactBytes()` writes a number.
    public static func appendNumber(_ n: Double, to out: inout [UInt8]) { writeNumber(n, to: &out) }
}
