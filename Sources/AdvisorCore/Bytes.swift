/// Texts as bytes: compared and mixed byte for byte, as reasons and prices show them (`==` on
/// strings takes canonically equivalent ones as equal, and hashes them alike).
enum Bytes {
    /// `body` of the text's bytes where they lie (a copy's for a text not laid out in one run).
    @inline(__always)
    static func of<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = text.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = text
        return copy.withUTF8(body)
    }

    /// `h` mixed with the bytes' length and the bytes, eight at a time (the price table's
    /// slots, its lint index, the reason memo's text ids).
    static func mixed(_ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = (h ^ UInt64(bytes.count)) &* 0x9E37_79B9_7F4A_7C15
        var tail: UInt64 = 0, shift: UInt64 = 0
        // An empty id (perhaps without an address) mixes in as no bytes, wherever it is.
        if let base = bytes.baseAddress {
            var i = 0
            while i + 8 <= bytes.count {
                h = (h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
                i += 8
            }
            while i < bytes.count {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ h >> 29
    }

    /// Whether two texts are the same bytes, compared eight at a time.
    @inline(__always)
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        var i = 0
        while i + 8 <= a.count {
            if UnsafeRawPointer(x + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(y + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < a.count {
            if x[i] != y[i] { return false }
            i += 1
        }
        return true
    }
}
