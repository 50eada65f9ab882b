/// `batch` reuses the answer to a line whose bytes, apart from the value of its "id", equal
/// those of a line already answered. This finds that value without building anything.
enum LineScan {
    /// The line keys read, as far as a fixed table remembers (a bound on the memory): a digest
    /// and how often it was read (up to two), one per place. A digest two keys share, or one
    /// pushed out by another, only changes which answers are cached, never an answer.
    struct SeenKeys {
        static let places = 1 << 12
        /// Each place's digest, with its lowest bit set (0: an empty place).
        private var digests = [Int](repeating: 0, count: places)
        private var twice = [Bool](repeating: false, count: places)

        /// Counts a line read with `key`.
        mutating func sight(_ key: LineKey) {
            let i = key.digest & (SeenKeys.places - 1), mark = key.digest | 1
            if digests[i] == mark {
                twice[i] = true
            } else {
                digests[i] = mark
                twice[i] = false
            }
        }

        /// Whether `key` was read on two lines or more (as far as the table remembers).
        func repeated(_ key: LineKey) -> Bool {
            let i = key.digest & (SeenKeys.places - 1)
            return digests[i] == key.digest | 1 && twice[i]
        }
    }

    /// Where a line's top-level "id" value lies, found by a scan that builds nothing; the
    /// line's other bytes, with that place, are the key under which an answer is reused.
    struct LineKey: Hashable, Sendable {
        /// The line without the id's value.
        let rest: [UInt8]
        /// Where the id's value was cut out (-1: the line has no id).
        let idOffset: Int
        /// A digest of `rest`, worked out once: the key is hashed once or twice a line (the
        /// cache, the round), and hashing every byte each time cost more than the scan. Read
        /// eight bytes at a time (the standard hasher took 2.8k instructions on a 250-byte
        /// line, on the reading thread every line waits for): each word and the state so far,
        /// each mixed with a secret, are multiplied in full and the product's halves folded
        /// (as wyhash does); the secrets come per process from the standard hasher's random
        /// seed. It is not a keyed hash of the standard hasher's strength. A collision costs
        /// only time: the caches it serves (a round's lines, at most 512 for CSV and 96 a thread
        /// for JSON; the line cache, at most 512 answers) compare whole keys.
        let digest: Int

        init(rest: [UInt8], idOffset: Int) {
            self.rest = rest
            self.idOffset = idOffset
            digest = rest.withUnsafeBytes(LineKey.digest)
        }

        /// Per process: three secrets drawn (SplitMix64) from the standard hasher's value of a
        /// constant, which its random seed decides.
        static let secrets: (UInt64, UInt64, UInt64) = {
            var hasher = Hasher()
            hasher.combine(0x5EED as UInt64)
            var state = UInt64(bitPattern: Int64(hasher.finalize()))
            func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            return (next(), next(), next())
        }()

        static func digest(_ bytes: UnsafeRawBufferPointer) -> Int {
            let (s0, s1, s2) = secrets
            /// The 128-bit product of the two, its halves folded.
            func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
                let product = a.multipliedFullWidth(by: b)
                return product.high ^ product.low
            }
            var h = s2 ^ UInt64(bytes.count)
            var i = 0
            while i + 8 <= bytes.count {
                h = mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ s0, h ^ s1)
                i += 8
            }
            var tail: UInt64 = 0, shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            return Int(bitPattern: UInt(truncatingIfNeeded: mix(tail ^ s0 ^ UInt64(bytes.count), h ^ s2)))
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(digest)
            hasher.combine(idOffset)
        }
    }

    /// Scans a line that may be a JSON object: its key, and the id's text when it is a plain
    /// string (printable ASCII, no escape), which is then exactly the id's output form. Nil
    /// when the line is not that simple; such a line is parsed in full.
    ///
    /// A key is only ever looked up, never trusted: an answer is stored under it only after
    /// the line was parsed and validated in full, and a later line with the same key has the
    /// same bytes around a well-formed id, so it is the same valid profile.
    static func scan(_ line: UnsafeRawBufferPointer) -> (key: LineKey, id: Range<Int>?)? {
        let count = line.count
        var i = 0
        func skipSpace() { while i < count, line[i] == 0x20 || line[i] == 0x09 { i += 1 } }
        /// Moves past a string starting at i (a quote); false if it does not end. Eight bytes
        /// at a time while none of them is a quote or a backslash.
        func skipString() -> Bool {
            i += 1
            while true {
                while i + 8 <= count {
                    let w = UInt64(littleEndian: line.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let quote = w ^ 0x2222_2222_2222_2222, backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                    // A high bit for each byte that is zero in either; the lowest is exact.
                    let zero = ((quote &- 0x0101_0101_0101_0101) & ~quote | (backslash &- 0x0101_0101_0101_0101) & ~backslash) & 0x8080_8080_8080_8080
                    if zero != 0 {
                        i += zero.trailingZeroBitCount >> 3
                        break
                    }
                    i += 8
                }
                guard i < count else { return false }
                let b = line[i]
                if b == UInt8(ascii: "\\") { i += 2; continue }
                i += 1
                if b == UInt8(ascii: "\"") { return true }
            }
        }
        skipSpace()
        guard i < count, line[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var id: Range<Int>? = nil
        while true {
            skipSpace()
            guard i < count, line[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i
            guard skipString() else { return nil }
            let isID = i - keyStart == 4 && line[keyStart + 1] == UInt8(ascii: "i") && line[keyStart + 2] == UInt8(ascii: "d")
            skipSpace()
            guard i < count, line[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < count else { return nil }
            let valueStart = i
            // A value: a string, or anything up to the next separator at this depth.
            var depth = 0
            while i < count {
                let b = line[i]
                if b == UInt8(ascii: "\"") {
                    guard skipString() else { return nil }
                    if depth == 0 { break }
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                    if depth == 0 { i += 1; break }
                } else if depth == 0, b == UInt8(ascii: ",") || b == 0x20 || b == 0x09 { break }
                i += 1
            }
            if isID {
                guard id == nil else { return nil }
                // Plain: a quote, printable ASCII without quote or backslash, a quote.
                guard i - valueStart >= 2, line[valueStart] == UInt8(ascii: "\""), line[i - 1] == UInt8(ascii: "\"") else { return nil }
                for k in valueStart + 1..<i - 1 {
                    let b = line[k]
                    guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\"), b != UInt8(ascii: "\"") else { return nil }
                }
                id = valueStart..<i
            }
            skipSpace()
            guard i < count else { return nil }
            if line[i] == UInt8(ascii: ",") { i += 1; continue }
            guard line[i] == UInt8(ascii: "}") else { return nil }
            i += 1
            skipSpace()
            guard i == count else { return nil }
            break
        }
        var rest: [UInt8]
        if let id {
            rest = Array(line[..<id.lowerBound])
            rest.append(contentsOf: line[id.upperBound...])
        } else {
            rest = Array(line)
        }
        return (LineKey(rest: rest, idOffset: id?.lowerBound ?? -1), id)
    }
}
