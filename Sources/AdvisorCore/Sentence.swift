/// A sentence written by interpolation straight into one byte buffer: what an estimate's parts
/// say of their figures, written for every estimate of every batch line.
///
/// `"\(a) GB at $\(b)"` as a `String` appends each piece to a growing string through the
/// standard library's general path, some 400 instructions a piece (callgrind, batch); here a
/// literal piece is a copy of its bytes and the buffer is sized once from the literal's
/// length. The text is the same as the `String` interpolation's for every value it takes:
/// strings as they are, and `description` for the rest (numbers, as `"\(x)"` writes them).
///
/// The bytes lie in one allocation with their count (`ManagedBuffer`), appended to where they
/// end: an array's `append(contentsOf:)` checked and copied through the general path, some
/// 70 instructions a piece and 130 pieces a batch line. A value: a sentence shared is copied
/// before it changes, as an array is. Not `Sendable`: no sentence crosses a thread (each is
/// made, written and dropped where it is needed).
struct Sentence: ExpressibleByStringInterpolation {
    /// The count of bytes and the room for them; the bytes follow.
    typealias Header = (count: Int, capacity: Int)
    private var storage: ManagedBuffer<Header, UInt8>

    init(capacity: Int) {
        // At least `smallest`: a sentence that outgrows its room is copied to a new buffer, and
        // a sentence made of a literal or an interpolation and then added to (a part's basis,
        // an unmet warning) did so some three times a batch line, where the room costs the
        // same (the allocator's small sizes).
        let room = max(capacity, Sentence.smallest)
        storage = ManagedBuffer<Header, UInt8>.create(minimumCapacity: room) { _ in (0, 0) }
        // The room as asked (what the allocator gave beyond it is not counted on).
        storage.header.capacity = room
    }

    static let smallest = 256

    init(stringLiteral value: StaticString) {
        self.init(capacity: value.utf8CodeUnitCount)
        value.withUTF8Buffer { append($0) }
    }

    init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.sentence
    }

    var count: Int { storage.header.count }

    /// Lends the bytes.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointers { header, bytes in try body(UnsafeBufferPointer(start: bytes, count: header.pointee.count)) }
    }

    /// The bytes, as a list (tests).
    var bytes: [UInt8] { withBytes { Array($0) } }

    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Appends bytes where the text ends.
    @inline(__always)
    mutating func append(_ more: UnsafeBufferPointer<UInt8>) {
        let n = more.count
        guard n > 0 else { return }
        if !isKnownUniquelyReferenced(&storage) || count + n > storage.header.capacity { grow(count + n) }
        storage.withUnsafeMutablePointers { header, bytes in
            (bytes + header.pointee.count).initialize(from: more.baseAddress!, count: n)
            header.pointee.count += n
        }
    }

    /// Appends a string's bytes, lent where a native string has them (`+=` would make a
    /// sentence of it first).
    mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) != nil { return }
        var text = text
        text.withUTF8 { append($0) }
    }

    /// A buffer of its own with room for `needed` bytes (twice the room when it outgrew it;
    /// the same room when it was only shared), the bytes copied in.
    private mutating func grow(_ needed: Int) {
        let room = storage.header.capacity
        var larger = Sentence(capacity: needed > room ? max(needed, room * 2) : room)
        // Its own buffer, with room: `append` copies the bytes in without growing again.
        withBytes { larger.append($0) }
        self = larger
    }

    /// Whether the text ends in ".", as `string.hasSuffix(".")` says (by characters): a final
    /// "." after an ASCII byte is a character of its own (only a non-ASCII scalar, a prepended
    /// mark, joins one), so the string is made only when a non-ASCII byte comes before it.
    var endsWithPeriod: Bool {
        let (last, before) = withBytes { b in (b.last, b.count >= 2 ? b[b.count - 2] : nil) }
        guard last == UInt8(ascii: ".") else { return false }
        if before.map({ $0 < 0x80 }) ?? true { return true }
        return string.hasSuffix(".")
    }

    /// Whether the text begins with `prefix`, byte for byte (an ASCII prefix: as `hasPrefix`).
    func hasPrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { p in withBytes { b in b.count >= p.count && b[..<p.count].elementsEqual(p) } }
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var sentence: Sentence

        init(literalCapacity: Int, interpolationCount: Int) {
            // Room for what an interpolation adds: a figure, a name, a family and size (a
            // sentence that outgrows it is copied to a buffer twice as large).
            sentence = Sentence(capacity: literalCapacity + 24 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { sentence.append($0) }
        }

        mutating func appendInterpolation(_ text: String) {
            // Lent where the string lies (a native string's), not copied first.
            sentence.append(text)
        }

        mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            appendInterpolation(value.description)
        }

        /// A number as `JSON.format(number:)` writes it, without making the string.
        mutating func appendInterpolation(number: Double) {
            if !JSON.withNumberBytes(number, { sentence.append($0) }) { appendLiteral("null") }
        }
    }

    static func += (sentence: inout Sentence, more: Sentence) {
        more.withBytes { sentence.append($0) }
    }
}
