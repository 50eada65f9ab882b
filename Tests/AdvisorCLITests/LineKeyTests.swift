@testable import AdvisorCLI
import Testing

/// Batch's line key digests a line's bytes (without its id) eight at a time. Equal bytes give
/// equal digests; bytes that differ anywhere (in the last few, past the last whole word,
/// included) should not, apart from chance.
@Suite struct LineKeyTests {
    @Test func linesThatDifferAnywhereGetDifferentDigests() {
        var inputs = Set<[UInt8]>(), digests = Set<Int>()
        let base = Array(#"{"data-shape":"key-value","data-size":"4103GB","throughput":"1687900","read-share":"9%"}"#.utf8)
        for length in [0, 1, 7, 8, 9, 15, 16, 17, base.count] {
            let prefix = Array(base.prefix(length))
            // Every way one byte among the last eight can change, and each length alone.
            for position in max(0, length - 8)..<max(length, 1) {
                for value in [0x00, 0x20, 0x41, 0x7F, 0xFF] as [UInt8] {
                    var bytes = prefix
                    if position < bytes.count { bytes[position] = value } else { bytes.append(value) }
                    let key = LineScan.LineKey(rest: bytes, idOffset: -1)
                    #expect(key.digest == LineScan.LineKey(rest: bytes, idOffset: -1).digest)
                    inputs.insert(bytes)
                    digests.insert(key.digest)
                }
            }
        }
        // Lines of a fleet: a number changed in the middle.
        for n in 0..<20_000 {
            let bytes = Array(#"{"data-shape":"graph","data-size":"\#(n)GB","role":"primary"}"#.utf8)
            inputs.insert(bytes)
            digests.insert(LineScan.LineKey(rest: bytes, idOffset: 5).digest)
        }
        // Two words changed so that a plain multiply-and-shift mix would cancel them: the top
        // bit of a word, then bits 32 and 63 of the next (a collision whatever the seed for
        // `(h ^ w) * k; h ^= h >> 31`).
        var word = Array(repeating: UInt8(ascii: "a"), count: 64)
        inputs.insert(word)
        digests.insert(LineScan.LineKey(rest: word, idOffset: -1).digest)
        for at in stride(from: 0, to: 48, by: 8) {
            word = Array(repeating: UInt8(ascii: "a"), count: 64)
            word[at + 7] ^= 0x80
            word[at + 12] ^= 0x01
            word[at + 15] ^= 0x80
            inputs.insert(word)
            digests.insert(LineScan.LineKey(rest: word, idOffset: -1).digest)
        }
        // 64-bit digests: a collision at these counts would be a flaw in the mix rather than
        // chance (about one in 10^10).
        #expect(digests.count == inputs.count, "\(inputs.count - digests.count) collisions among \(inputs.count)")
    }

    /// Batch caches a line's answer only once its key has been read on two lines: a key read
    /// once is not repeated, read twice it is; another key in its place makes it new again;
    /// many keys stay apart.
    @Test func aKeyIsRepeatedUntilAnotherTakesItsPlace() {
        var seen = LineScan.SeenKeys()
        let keys = (0..<1_000).map { LineScan.LineKey(rest: Array(#"{"data-size":"\#($0)GB"}"#.utf8), idOffset: -1) }
        for key in keys { seen.sight(key) }
        #expect(keys.filter { seen.repeated($0) }.isEmpty, "each key read once")
        for key in keys { seen.sight(key) }
        // About 1,000 × e^(−1,000/4,096) ≈ 783 keep their place (the digests are per process).
        let repeated = keys.filter { seen.repeated($0) }
        #expect(repeated.count > 700, "1,000 keys in \(LineScan.SeenKeys.places) places: most are remembered")
        guard let kept = repeated.first else { Issue.record("no key remembered"); return }
        // Each place holds one digest: a key that lands on kept's place pushes it out.
        let mask = LineScan.SeenKeys.places - 1
        let place = kept.digest & mask
        guard let other = (1_000..<1_000_000).lazy.map({ LineScan.LineKey(rest: Array(#"{"data-size":"\#($0)GB"}"#.utf8), idOffset: -1) })
            .first(where: { $0.digest & mask == place && $0.digest | 1 != kept.digest | 1 }) else { Issue.record("no key for the place"); return }
        seen.sight(other)
        #expect(!seen.repeated(other) && !seen.repeated(kept), "pushed out")
        seen.sight(kept)
        #expect(!seen.repeated(kept), "read once since")
        seen.sight(kept)
        #expect(seen.repeated(kept))
    }

    /// The scan skips strings eight bytes at a time: escapes and quotes at every offset of a
    /// word, before and after the id, still leave the id where it is.
    @Test func theIdIsFoundPastEscapesAtEveryOffset() {
        let specials = [#"\""#, #"\\"#, #"\u0041"#, "é"]
        var lines = 0
        for before in 0..<20 {
            for special in specials {
                for after in 0..<12 {
                    let padding = String(repeating: "x", count: before)
                    let value = padding + special + String(repeating: "y", count: after)
                    let head = #"{"a":"\#(value)","id":"#
                    let id = #""n\#(before)-\#(after)""#
                    let line = head + id + #","b":"\#(String(repeating: "z", count: after) + special + padding)"}"#
                    let bytes = Array(line.utf8)
                    let scanned = bytes.withUnsafeBytes { LineScan.scan($0) }
                    let start = head.utf8.count
                    #expect(scanned?.id == start..<start + id.utf8.count, "\(line)")
                    // A string that does not end is no line.
                    let cut = Array(#"{"a":"\#(value)"#.utf8)
                    #expect(cut.withUnsafeBytes { LineScan.scan($0) } == nil, "\(line)")
                    lines += 1
                }
            }
        }
        #expect(lines == 960)
    }
}
