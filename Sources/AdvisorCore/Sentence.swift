/// A sentence written by interpolation straight into one byte buffer: what an estimate's parts
/// say of their figures, written for every estimate of every batch line.
///
/// `"\(a) GB at $\(b)"` as a `String` appends each piece to a growing string through the
/// standard library's general path, some 400 instructions a piece (callgrind, batch); here a
/// literal piece is a copy of its bytes and the buffer is sized once from the literal's
/// length. The text is the same as the `String` interpolation's for every value it takes:
/// strings as they are, and `description` for the rest (numbers, as `"\(x)"` writes them).
struct Sentence: ExpressibleByStringInterpolation, Sendable {
    var bytes: [UInt8]

    init(stringLiteral value: StaticString) {
        bytes = Array(UnsafeBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
    }

    init(stringInterpolation: StringInterpolation) {
        bytes = stringInterpolation.bytes
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the text ends in ".", as `string.hasSuffix(".")` says (by characters): a final
    /// "." after an ASCII byte is a character of its own (only a non-ASCII scalar, a prepended
    /// mark, joins one), so the string is made only when a non-ASCII byte comes before it.
    var endsWithPeriod: Bool {
        guard bytes.last == UInt8(ascii: ".") else { return false }
        if bytes.count < 2 || bytes[bytes.count - 2] < 0x80 { return true }
        return string.hasSuffix(".")
    }

    /// Whether the text begins with `prefix`, byte for byte (an ASCII prefix: as `hasPrefix`).
    func hasPrefix(_ prefix: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return bytes.count >= p.count && bytes[..<p.count].elementsEqual(p)
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            // Room for what an interpolation adds: a figure, a name, a family and size (a
            // sentence that outgrows it is copied to a larger buffer, some 35 a batch line at 12).
            bytes.reserveCapacity(literalCapacity + 24 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        mutating func appendInterpolation(_ text: String) {
            // Lent where the string lies (a native string's), not copied first.
            if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) != nil { return }
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }

        mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            appendInterpolation(value.description)
        }

        /// A number as `JSON.format(number:)` writes it, without making the string.
        mutating func appendInterpolation(number: Double) {
            JSON.writeNumber(number, to: &bytes)
        }
    }

    static func += (sentence: inout Sentence, more: Sentence) {
        sentence.bytes.append(contentsOf: more.bytes)
    }
}
