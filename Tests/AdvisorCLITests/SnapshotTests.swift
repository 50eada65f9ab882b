@testable import AdvisorCLI
@testable import AdvisorCore
import BundledCatalog
import Foundation
import Testing

/// The typed catalog snapshot the embedder writes at build time (`CatalogSnapshot`,
/// CatalogSnapshot.swift): the binary's must decode to the catalog `--catalog catalog/` loads
/// from the JSON, every stored property; any catalog must come back exactly; a damaged
/// snapshot is refused or read safely, never a crash.
@Suite struct SnapshotTests {
    /// The catalog the binary loads at start-up is the catalog loaded and validated from
    /// catalog/'s JSON files (as `--catalog DIR` loads it), compared by `CatalogDump`: every
    /// stored property, recursively (it walks `Mirror`s, which list every stored property,
    /// private and derived ones included: see CatalogDump.swift; that it reaches them is
    /// checked below with two private or derived ones).
    @Test func theBundledSnapshotIsTheCatalogOfTheJSONFiles() throws {
        let decoded = try Catalog.load(snapshot: BundledCatalog.snapshot)
        let directory = packageRoot.appendingPathComponent("catalog").path
        let loaded = try CatalogDirectory.load(directory, schema: BundledCatalog.files()[Catalog.schemaFile])
        let a = CatalogDump.lines(decoded), b = CatalogDump.lines(loaded)
        let differences = CatalogDump.differences(a, b)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(a.count > 20_000)
        for reached in [".factIndex[", ".valueNames", ".whenIsProfileOnly", ".template[", ".prices.slots[", ".prices.ids[", ".offerings[", ".strings["] {
            #expect(a.contains { $0.contains(reached) }, "the dump does not reach \(reached)")
        }
        #expect(!a.contains { $0.contains("custom mirror") || $0.contains("superclass") })
        #expect(!loaded.services.isEmpty && !loaded.rules.isEmpty && !loaded.prices.isEmpty && !loaded.regionTable.regions.isEmpty)
    }

    /// The dump tells apart what the snapshot must keep apart: a change deep in a rule's
    /// condition, a number's sign of zero, "é" from "e\u{301}", a private index.
    @Test func theDumpSeesSmallDifferences() throws {
        let catalog = Self.small()
        let base = CatalogDump.lines(catalog)
        var changed = catalog
        changed.rules = [try Self.rule(#"{"answer":"q","atLeast":"2GB"}"#)]
        #expect(!CatalogDump.differences(base, CatalogDump.lines(changed)).isEmpty)
        // One leaf deep in a condition, a threshold a few bytes apart, is seen.
        func deep(_ size: String) throws -> [String] {
            var c = catalog
            c.rules = [try Self.rule(#"{"all":[{"any":[{"answer":"q","atLeast":""# + size + #""},{"answer":"q","is":"a"}]}]}"#)]
            return CatalogDump.lines(c)
        }
        #expect(try CatalogDump.differences(deep("2GB"), deep("2GB")).isEmpty)
        #expect(try !CatalogDump.differences(deep("2GB"), deep("2.000000001GB")).isEmpty)
        #expect(CatalogDump.lines(JSON.number(0)) != CatalogDump.lines(JSON.number(-0.0)))
        #expect(!CatalogDump.differences(CatalogDump.lines(JSON.string("é")), CatalogDump.lines(JSON.string("e\u{301}"))).isEmpty)
        let s = catalog.services[0]
        let reordered = Service(copying: s, facts: s.facts.reversed())
        #expect(!CatalogDump.differences(CatalogDump.lines(s), CatalogDump.lines(reordered)).isEmpty)
        #expect(CatalogDump.differences(base, CatalogDump.lines(Self.small())).isEmpty)
    }

    static let values: [JSON] = [
        .null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(1e300), .number(-2.5),
        .number(0.1), .number(Double.leastNonzeroMagnitude), .number(9_007_199_254_740_992), .number(Double.greatestFiniteMagnitude),
        .string(""), .string("a"), .string("fifteen bytes!!"), .string("sixteen bytes!!!"),
        .string("é"), .string("e\u{301}"), .string("漢字 — “quoted” \"q\" \\ back"), .string("😀🇯🇵"),
        .string("s12:o3:a0:"), .string(String(repeating: "long text ", count: 300)),
        .array([]), .object([]), .array([.array([.array([])])]),
        .object([("", .null), ("ключ", .string("значение")), ("a", .object([("b", .array([.number(1), .string("x")]))]))]),
        .object([("dup", .number(1)), ("dup", .number(2))]),
    ]

    static func rule(_ when: String) throws -> Rule {
        let json = try JSONParser.parse(#"{"id":"r","effect":"score","weight":-2.5,"when":"# + when
            + #","reason":"{service} {missing} {answer:q} {fact:k1} {factText:k2} {successor}{since} {odd} done","source":"s","#
            + #""examples":{"fires":[{"profile":{"q":"a"},"service":"svc"}],"doesNotFire":[{"profile":{}}]}}"#)
        return Rule(json: json, file: "rules/r.json", index: 3)
    }

    /// A small catalog with every kind of condition and template part, odd strings and numbers.
    static func small(values: [JSON] = values) -> Catalog {
        let facts = values.enumerated().map {
            Fact(kind: "k\($0.offset)", value: $0.offset == 0 ? nil : $0.element, text: "t", source: "s", asOf: "2026-01-01",
                 confidence: "stated", note: $0.offset % 2 == 0 ? nil : "n")
        }
        let service = Service(id: "svc", name: "é", family: "e\u{301}", summary: "a sentence long enough to be allocated", facts: facts,
                              lists: [("prices", values), ("useWhen", [])], file: "services/svc.json", neverPickedBecause: "never")
        let question = Question(key: "q", isCore: true, kind: .size, prompt: "p", hint: "h", help: "a sentence long enough to be allocated",
                                values: [.init(value: "a", label: "A", help: "", rank: -3, family: nil), .init(value: "b", label: "B", help: "x", rank: nil, family: "f")],
                                example: "1GB", askWhen: .not(.answer(key: "q", test: .atLeast("1GB", size: 1e9, rate: nil))), ranked: "faster")
        let when = #"{"all":[{"any":[{"service":["svc"]},{"family":["f"]},{"familyMatchesAnswer":"q"}]},{"not":{"answer":"q","answered":true}},"#
            + #"{"answer":"q","is":"a"},{"answer":"q","in":["a","b"]},{"answer":"q","includes":"a"},{"answer":"q","includesAny":["a"]},"#
            + #"{"answer":"q","atLeast":"1GB"},{"answer":"q","below":"5000/s"},{"fact":"k1","present":false},{"fact":"k2","field":"f","is":{"x":[1]}},"#
            + #"{"fact":"k3","in":["a"]},{"fact":"k4","includes":"a"},{"fact":"k5","includesAnswer":"q"},{"fact":"k6","lacksAnswer":"q"},"#
            + #"{"fact":"k7","belowAnswer":"q"},{"fact":"k8","slowerThanAnswer":"q"},{"fact":"k9","notSlowerThanAnswer":"q"},{"nothing":1}]}"#
        var catalog = Catalog(name: "n", version: "v", date: "d", services: [service], questions: [question], rules: [try! rule(when)])
        catalog.declaredServiceIDs = ["svc", "gone"]
        catalog.prices = PriceTable(prices: [UnitPrice(service: "svc", key: "k", item: "i", usd: 0.115, unit: "per hour", region: "r", source: "s",
                                                       retrievedFrom: "w", sourceType: "aws-price-list", asOf: "a", note: nil)])
        catalog.regionTable.regions = [.init(code: "r", name: "R", source: "s", asOf: "a")]
        catalog.regionTable.offerings = ["svc": .init(service: "svc", fact: "regions", capability: nil, regions: ["r", "q", "é"], confidence: "stated", source: "s", asOf: "a", note: "n")]
        catalog.regionTable.capabilities = [.init(service: "svc", fact: "f", capability: "c", regions: [], confidence: "inferred", source: "s", asOf: "a", note: nil)]
        catalog.migrationGuide = ["b": [GuideEntry(id: "i", text: "t", source: "s")], "a": []]
        catalog.ranking.fitThreshold = -0.0
        catalog.ranking.tieBreak = [.init(fact: "k1", preferred: ["x", "y"], says: "s"), .init(fact: "k2", preferred: [], says: "")]
        catalog.factLabels = ["k1": "one", "k2": "two"]
        return catalog
    }

    @Test func aCatalogComesBackExactly() throws {
        let catalog = Self.small()
        let text = CatalogSnapshot.encode(catalog: catalog)
        let back = try Catalog.load(snapshot: text)
        let differences = CatalogDump.differences(CatalogDump.lines(catalog), CatalogDump.lines(back))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(CatalogSnapshot.encode(catalog: back).utf8.elementsEqual(text.utf8))
        // Each distinct string is stored once ("é" and "e\u{301}" are two).
        let bytes = Array(text.utf8), word = Array("allocated".utf8)
        #expect((0...(bytes.count - word.count)).filter { bytes[$0..<$0 + word.count].elementsEqual(word) }.count == 1)
        #expect(back.services[0].name.utf8.elementsEqual("é".utf8) && back.services[0].family.utf8.elementsEqual("e\u{301}".utf8))
        #expect(!text.utf8.contains { $0 < 0x20 })
    }

    /// Every prefix of a snapshot is refused; every one-byte change of one is refused or loads
    /// (never a crash, never a read outside the text), and one that loads gives another
    /// catalog (no byte is skipped unread).
    @Test func aDamagedSnapshotIsRefusedOrReadSafely() throws {
        // Without the long string (whose every byte would be one more string change).
        let catalog = Self.small(values: Self.values.filter { $0.stringValue?.utf8.count ?? 0 < 100 })
        let lines = CatalogDump.lines(catalog)
        let bytes = Array(CatalogSnapshot.encode(catalog: catalog).utf8)
        var refused = 0
        for end in 0..<bytes.count {
            do { _ = try Catalog.load(snapshot: String(decoding: bytes[..<end], as: UTF8.self)) } catch is CatalogError { refused += 1 }
        }
        #expect(refused == bytes.count)
        var changed = 0, changedRefused = 0
        for i in bytes.indices {
            for replacement in [UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "o"), UInt8(ascii: "a"), UInt8(ascii: "-"), 0xC3] where bytes[i] != replacement {
                var damaged = bytes
                damaged[i] = replacement
                changed += 1
                guard let loaded = try? Catalog.load(snapshot: String(decoding: damaged, as: UTF8.self)) else { changedRefused += 1; continue }
                #expect(!CatalogDump.differences(lines, CatalogDump.lines(loaded), limit: 1).isEmpty, "byte \(i) changed to \(replacement)")
            }
        }
        // Counts, tags, separators and lengths refuse; a digit of an index or a number, or a
        // string's byte, gives another value.
        #expect(changedRefused * 3 > changed, "\(changedRefused) of \(changed) changes refused")
        #expect(throws: CatalogError.self) { try Catalog.load(snapshot: "not a snapshot") }
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
