@testable import AdvisorCLI
@testable import AdvisorCore
import BundledCatalog
import Testing

/// The catalog snapshot the embedder writes at build time (`CatalogSnapshot`): it must give
/// back exactly the values it was written from, refuse (not crash on) a damaged snapshot, and
/// the binary's snapshot must hold exactly the bundled catalog's files.
@Suite struct SnapshotTests {
    @Test func valuesComeBackExactly() throws {
        let values: [JSON] = [
            .null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(1e300), .number(-2.5),
            .number(0.1), .number(Double.leastNonzeroMagnitude), .number(9_007_199_254_740_992), .number(Double.greatestFiniteMagnitude),
            .string(""), .string("a"), .string("fifteen bytes!!"), .string("sixteen bytes!!!"),
            .string("é"), .string("e\u{301}"), .string("漢字 — “quoted” \"q\" \\ back"), .string("😀🇯🇵"),
            .string("s12:o3:a0:"), .string(String(repeating: "long text ", count: 300)),
            .array([]), .object([]), .array([.array([.array([])])]),
            .object([("", .null), ("ключ", .string("значение")), ("a", .object([("b", .array([.number(1), .string("x")]))]))]),
            .object([("dup", .number(1)), ("dup", .number(2))]),
        ]
        let files = values.enumerated().map { (path: "f\($0.offset).json", json: $0.element) }
        let text = CatalogSnapshot.encode(files)
        let snapshot = try CatalogSnapshot(text)
        #expect(snapshot.paths == files.map(\.path))
        for file in files {
            // Compared by their bytes written again (numbers by their bits, strings by their
            // UTF-8): `==` on JSON would take "é" for "e\u{301}" and -0 for 0.
            let back = try #require(try snapshot.json(at: file.path))
            #expect(Array(CatalogSnapshot.encode([(file.path, back)]).utf8) == Array(CatalogSnapshot.encode([file]).utf8), "\(file.path)")
        }
        #expect(try snapshot.json(at: "missing.json") == nil)
        #expect(try CatalogSnapshot(CatalogSnapshot.encode([])).paths.isEmpty)
    }

    /// Every prefix of a snapshot is refused; every one-byte change of one is refused or decodes
    /// to some value (never a crash, never a read outside the text), and most are refused.
    @Test func aDamagedSnapshotIsRefusedOrReadSafely() throws {
        let files: [(path: String, json: JSON)] = [
            ("a.json", .object([("k", .array([.string("vé"), .number(3), .bool(true), .null]))])),
            ("b.json", .string("x")),
        ]
        let text = CatalogSnapshot.encode(files)
        let bytes = Array(text.utf8)
        var refused = 0
        for end in 0..<bytes.count {
            let cut = String(decoding: bytes[..<end], as: UTF8.self)
            if (try? CatalogSnapshot(cut)) == nil { refused += 1 }
        }
        #expect(refused == bytes.count)
        var changed = 0, changedRefused = 0
        for i in bytes.indices {
            for replacement in [UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "o"), UInt8(ascii: "a"), UInt8(ascii: "z")] where bytes[i] != replacement {
                var damaged = bytes
                damaged[i] = replacement
                changed += 1
                guard let snapshot = try? CatalogSnapshot(String(decoding: damaged, as: UTF8.self)) else { changedRefused += 1; continue }
                var readable = true
                for path in snapshot.paths where (try? snapshot.json(at: path)) == nil { readable = false }
                if !readable { changedRefused += 1 }
            }
        }
        #expect(changedRefused * 2 > changed, "\(changedRefused) of \(changed) changes refused")
        #expect(throws: CatalogError.self) { try Catalog.load(snapshot: "not a snapshot") }
    }

    /// Each distinct string (member name or value, told apart by its bytes: "é" and
    /// "e\u{301}" are two) is stored once in the table, whichever files use it; the bundled
    /// snapshot's table holds exactly its files' distinct strings.
    @Test func eachDistinctStringIsStoredOnce() throws {
        let files: [(path: String, json: JSON)] = [
            ("a.json", .object([("id", .string("same")), ("list", .array([.string("same"), .string("é"), .string("e\u{301}"), .string("id")]))])),
            ("b.json", .object([("id", .string("same")), ("same", .string("a sentence long enough to be allocated"))])),
            ("c.json", .string("a sentence long enough to be allocated")),
        ]
        let text = CatalogSnapshot.encode(files)
        let snapshot = try CatalogSnapshot(text)
        #expect(snapshot.strings.count == 6)
        let bytes = Array(text.utf8), word = Array("allocated".utf8)
        #expect((0...(bytes.count - word.count)).filter { bytes[$0..<$0 + word.count].elementsEqual(word) }.count == 1)
        let decoded = try snapshot.files()
        #expect(decoded.map(\.path) == files.map(\.path))
        for (file, back) in zip(files, decoded) {
            #expect(Array(CatalogSnapshot.encode([back]).utf8) == Array(CatalogSnapshot.encode([file]).utf8), "\(file.path)")
        }

        let bundled = try CatalogSnapshot(BundledCatalog.snapshot)
        var distinct = Set<[UInt8]>(), occurrences = 0
        func walk(_ json: JSON) {
            switch json {
            case let .string(s): distinct.insert(Array(s.utf8)); occurrences += 1
            case let .array(items): items.forEach(walk)
            case let .object(members): for (name, member) in members { distinct.insert(Array(name.utf8)); occurrences += 1; walk(member) }
            default: break
            }
        }
        // Counted from the JSON texts, not from the decoder under test.
        for text in BundledCatalog.texts().values { walk(try JSONParser.parse(text)) }
        #expect(bundled.strings.count == distinct.count)
        #expect(occurrences > 5 * distinct.count, "\(occurrences) strings, \(distinct.count) distinct")
    }

    /// The binary's snapshot holds every bundled file, each the value of its JSON text.
    @Test func theBundledSnapshotHoldsTheBundledFiles() throws {
        let snapshot = try CatalogSnapshot(BundledCatalog.snapshot)
        let texts = BundledCatalog.texts()
        #expect(snapshot.paths.sorted() == texts.keys.sorted())
        #expect(texts.count > 30)
        for (path, text) in texts {
            let back = try #require(try snapshot.json(at: path))
            #expect(Array(CatalogSnapshot.encode([(path, back)]).utf8) == Array(CatalogSnapshot.encode([(path, try JSONParser.parse(text))]).utf8), "\(path)")
        }
    }
}

/// `wrap` keeps a running count of the line's characters; these are the lines counting them
/// afresh for every word gives (the implementation before), over ASCII, wide, combining and
/// joining text, at many widths and indents.
@Suite struct WrapTests {
    static func reference(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> String {
        var lines: [String] = []
        var line = String(repeating: " ", count: firstIndent ?? indent)
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            if lineHasWord { line += " " }
            line += word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    @Test func theLinesAreThoseOfCountingAfresh() throws {
        let pieces = ["a", "word", "Aurora", "—", "é", "e\u{301}", "\u{301}x", "\u{301}", "漢字", "😀", "🇯🇵", "👩\u{200D}💻",
                      "\u{200D}", "x\u{200D}", "\u{600}", "a\u{600}", "\r", "\n", "\r\n", "$0.25/GB-month", "(p99)", "—and",
                      "“q”", "…", "≤", "→", "✓", "✗", "•", "µs", "×", "\u{E33}", "\u{903}", "\u{FE0F}", "\u{1F3FB}", "\u{200C}", "\u{2060}", "\u{AD}"]
        var random = BatchEquivalenceTests.Random(state: 0x0123_4567_89AB_CDEF)
        var texts = ["", " ", "   ", "one", "one two", "  leading and trailing  "]
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<random.next(30) {
                text += pieces[random.next(pieces.count)]
                text += random.next(4) == 0 ? pieces[random.next(pieces.count)] : String(repeating: " ", count: random.next(3))
            }
            texts.append(text)
        }
        let catalog = try Catalog.load(snapshot: BundledCatalog.snapshot)
        texts += catalog.services.flatMap { [$0.summary] + $0.facts.map(\.text) }
        texts += catalog.rules.map(\.reason)
        var compared = 0
        for (i, text) in texts.enumerated() {
            let width = [1, 5, 10, 20, 40, 72, 78, 100][i % 8], indent = i % 5, first: Int? = i % 3 == 0 ? nil : i % 7
            #expect(wrap(text, width: width, indent: indent, firstIndent: first).utf8.elementsEqual(Self.reference(text, width: width, indent: indent, firstIndent: first).utf8),
                    "\(text.debugDescription) at \(width)")
            #expect(Self.bytes(spaceSeparatedWords(text)) == Self.bytes(text.split(separator: " ", omittingEmptySubsequences: true)), "\(text.debugDescription)")
            #expect(Self.bytes(lineFeedSeparatedLines(text)) == Self.bytes(text.split(separator: "\n", omittingEmptySubsequences: false)), "\(text.debugDescription)")
            compared += 1
        }
        #expect(compared > 3_000)
    }

    /// Substrings by their bytes (`==` on strings is canonical equivalence: "é" == "e\u{301}").
    static func bytes(_ pieces: [Substring]) -> [[UInt8]] { pieces.map { Array($0.utf8) } }

    /// Every scalar from U+00A0 to U+27FF (all that the byte-wise split lets stand beside a
    /// space, and more) before, after and between spaces: the split is the character split's.
    @Test func everyScalarBesideASpaceSplitsAsCharactersDo() {
        var compared = 0
        for v in UInt32(0xA0)...0x27FF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let s = String(Character(scalar))
            for text in ["a \(s)", "\(s) a", "\(s) \(s)", "x\(s) \(s)y", " \(s) "] {
                #expect(Self.bytes(spaceSeparatedWords(text)) == Self.bytes(text.split(separator: " ", omittingEmptySubsequences: true)),
                        "U+\(String(v, radix: 16)) in \(text.debugDescription)")
                #expect(wrap(text, width: 2, indent: 1).utf8.elementsEqual(Self.reference(text, width: 2, indent: 1).utf8), "U+\(String(v, radix: 16))")
                compared += 1
            }
        }
        #expect(compared > 40_000)
    }
}
