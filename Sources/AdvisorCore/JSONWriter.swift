#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compact JSON appended to a buffer of its own: literal pieces copied as they are, strings
/// and numbers as the compact writer (`compactBytes()`) writes them. What batch writes every
/// line with, some 500 small pieces: each is a room check and a copy here, where an array's
/// append also checks that its storage is unshared and goes through the generic copy (about a
/// hundred instructions a piece, callgrind).
///
/// The pieces are inlinable: the CLI writes a recommendation's members with them, and a call
/// across modules for each piece would cost more than the piece.
public struct JSONWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    /// What a writer into an array (a finding's JSON, a citation's) writes, before it is copied in.
    @usableFromInline var scratch: [UInt8] = []

    public init(capacity: Int = 1 << 15) {
        self.capacity = max(capacity, 16)
        base = JSONWriter.allocate(self.capacity)
    }

    // The buffer is the C allocator's (malloc, realloc, free), not Swift's: `takeBuffer` hands
    // it over shrunk in place with realloc, which memory from `allocate(capacity:)` may not be.
    deinit { free(base) }

    public static func allocate(_ bytes: Int) -> UnsafeMutablePointer<UInt8> {
        guard let memory = malloc(bytes) else { fatalError("out of memory (\(bytes) bytes for JSON being written)") }
        return memory.bindMemory(to: UInt8.self, capacity: bytes)
    }

    /// How many bytes are written and not yet taken.
    public var written: Int { count }

    /// Moves what was written so far to the end of `out`, and goes on from empty (a long
    /// document, such as a plan, is moved piece by piece, not held twice).
    public mutating func flush(into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// Hands over what was written so far in memory of its own, exactly as long (at least one
    /// byte), for the caller to `free`; goes on from empty in a new buffer of the same room (at
    /// most 64 KB: one long line does not make every later one take a long buffer).
    /// The buffer itself, shrunk where it lies, not a copy: batch's JSON lines (some 17 KB
    /// each) were copied once more into their answers.
    public mutating func takeBuffer() -> (bytes: UnsafeMutableRawPointer, count: Int) {
        let n = count
        let kept: UnsafeMutableRawPointer
        if let shrunk = realloc(base, max(n, 1)) {
            kept = shrunk
        } else {
            // realloc may refuse (then the buffer is as it was): copied out instead.
            kept = UnsafeMutableRawPointer(JSONWriter.allocate(max(n, 1)))
            kept.copyMemory(from: base, byteCount: n)
            free(base)
        }
        capacity = min(capacity, 1 << 16)
        base = JSONWriter.allocate(capacity)
        count = 0
        return (kept, n)
    }

    @inlinable @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @usableFromInline mutating func grow(_ needed: Int) {
        let bigger = max(needed, 2 * capacity)
        guard let moved = realloc(base, bigger) else { fatalError("out of memory (\(bigger) bytes for JSON being written)") }
        base = moved.bindMemory(to: UInt8.self, capacity: bigger)
        capacity = bigger
    }

    /// Appends bytes as they are.
    @inlinable @inline(__always) public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    @inlinable @inline(__always) public mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    /// Appends bytes written out in the source as they are.
    @inlinable @inline(__always) public mutating func raw(_ s: StaticString) {
        append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends bytes as they are.
    public mutating func bytes(_ a: [UInt8]) { a.withUnsafeBytes { append($0) } }

    /// A string as `JSON.appendString` writes it.
    public mutating func string(_ s: String) {
        // Lent where the string lies (a native string's, always here), not copied first:
        // a copy counts a reference in and out.
        if s.utf8.withContiguousStorageIfAvailable({ escaped($0) }) != nil { return }
        var s = s
        s.withUTF8 { escaped($0) }
    }

    /// Between quotes, what needs no escape copied in runs and the rest escaped
    /// (`JSON.escape`).
    mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        if JSON.needsNoEscape(utf8) {
            append(UnsafeRawBufferPointer(utf8))
        } else {
            JSON.escape(utf8) { append($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// A number as `JSON.appendNumber` writes it, its digits copied straight in.
    public mutating func number(_ n: Double) {
        // Laid out at the end of the room reserved, then moved to where the text goes on.
        reserve(JSON.digitsRoom)
        let end = base + count + JSON.digitsRoom
        if let length = JSON.writeDigits(n, decimals: 6, trimZeros: true, end: end) {
            UnsafeMutableRawPointer(base + count).copyMemory(from: end - length, byteCount: length)
            count += length
        } else if !JSON.withNumberBytes(n, { append(UnsafeRawBufferPointer($0)) }) {
            raw("null")
        }
    }

    /// An array of strings.
    public mutating func strings(_ list: [String]) {
        byte(UInt8(ascii: "["))
        for i in list.indices {
            if i > 0 { byte(UInt8(ascii: ",")) }
            string(list[i])
        }
        byte(UInt8(ascii: "]"))
    }

    /// An array of the texts `forEach` hands on, each escaped as `string` escapes a string,
    /// written as they come (no list is made).
    mutating func strings(_ forEach: ((TextBytes) -> Void) -> Void) { list(forEach) }

    /// An array of the literals `forEach` hands on, each as `plain` writes it.
    mutating func plainStrings(_ forEach: ((PlainText) -> Void) -> Void) { list(forEach) }

    /// `[`, each text `forEach` hands on, separated by commas, `]`.
    @inline(__always) private mutating func list<T: JSONText>(_ forEach: ((T) -> Void) -> Void) {
        byte(UInt8(ascii: "["))
        var first = true
        forEach { text in
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            text.write(to: &self)
        }
        byte(UInt8(ascii: "]"))
    }

    /// A literal that needs no escape, between quotes as it lies: what `string` writes of it,
    /// without looking for what to escape. Only for a closed set of literals a test holds to
    /// that (an estimate's items, keys and assumptions: EstimateTests).
    mutating func plain(_ s: StaticString) {
        byte(UInt8(ascii: "\""))
        s.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
        byte(UInt8(ascii: "\""))
    }

    /// A cost range as JSON shows it: `{"low":…,"high":…}` to the cent, `null` for none.
    public mutating func range(_ r: CostRange?) {
        guard let r else { return raw("null") }
        raw(#"{"low":"#)
        cents(CostRange.cents(r.low))
        raw(#","high":"#)
        cents(CostRange.cents(r.high))
        byte(UInt8(ascii: "}"))
    }

    /// A figure to the cent (`CostRange.cents`) as `number` writes it, from its count of cents:
    /// below 2^31 the figure lies within half a unit in its last place (at most 2^-23) of that
    /// count over 100, so `number`'s six decimals are the cents and zeros, which it drops.
    /// Above, and for a figure not finite, `number` itself. (Some 40 figures a batch line:
    /// the six decimals and the zeros trimmed cost more than the cents.)
    mutating func cents(_ v: Double) {
        guard v.magnitude < 2_147_483_648 else { return number(v) }
        let k = Int64((v * 100).rounded())
        let whole = k.magnitude / 100
        let c = k.magnitude % 100
        // Laid out at the end of the room reserved, then moved to where the text goes on.
        reserve(24)
        let end = base + count + 24
        var start = end
        if c != 0 {
            if c % 10 == 0 {
                start -= 1; start.pointee = UInt8(48 + c / 10)
            } else {
                start -= 2; start[0] = UInt8(48 + c / 10); start[1] = UInt8(48 + c % 10)
            }
            start -= 1; start.pointee = UInt8(ascii: ".")
        }
        start = JSON.writeWhole(whole, endingAt: start)
        if k < 0 { start -= 1; start.pointee = UInt8(ascii: "-") }
        let length = end - start
        UnsafeMutableRawPointer(base + count).copyMemory(from: start, byteCount: length)
        count += length
    }

    /// What `body` appends to an array (a writer of AdvisorCore's that writes into one).
    public mutating func appending(_ body: (inout [UInt8]) -> Void) {
        scratch.removeAll(keepingCapacity: true)
        body(&scratch)
        bytes(scratch)
    }
}

/// A text a list of `JSONWriter`'s holds: UTF-8 bytes (`TextBytes`, `escaped`), or a literal
/// that needs no escape (`PlainText`, `plain`).
protocol JSONText {
    func write(to w: inout JSONWriter)
}

/// A text's UTF-8 bytes, lent for the call, written as `escaped` writes them (as `string`
/// writes the same text as a string).
struct TextBytes: JSONText {
    let bytes: UnsafeBufferPointer<UInt8>
    func write(to w: inout JSONWriter) { w.escaped(bytes) }
}

struct PlainText: JSONText {
    let text: StaticString
    init(_ text: StaticString) { self.text = text }
    func write(to w: inout JSONWriter) { w.plain(text) }
}
