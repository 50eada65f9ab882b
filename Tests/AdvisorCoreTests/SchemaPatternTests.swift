@testable import AdvisorCore
import Testing

/// The schema's own patterns matched by hand (`SchemaPattern`) decide exactly as the regex
/// engine does: on every string of the catalog and on strings generated around each pattern.
@Suite struct SchemaPatternTests {
    /// The validator's decision: the hand matcher, or the regex when it declines the text.
    func decide(_ known: SchemaPattern, _ regex: Regex<AnyRegexOutput>, _ text: String) -> (hand: Bool, regex: Bool) {
        let byRegex = (try? regex.firstMatch(in: text)) != nil
        return (known.matches(text) ?? byRegex, byRegex)
    }

    @Test func everyBundledSchemaPatternIsKnown() throws {
        let files = try catalogFiles(in: catalogDirectory)
        let schema = try JSONParser.parse(files[Catalog.schemaFile] ?? [])
        var patterns = Set<String>()
        func walk(_ j: JSON) {
            switch j {
            case let .object(members):
                for (k, v) in members {
                    if k == "pattern", let p = v.stringValue { patterns.insert(p) }
                    walk(v)
                }
            case let .array(items): items.forEach(walk)
            default: break
            }
        }
        walk(schema)
        #expect(!patterns.isEmpty)
        for p in patterns { #expect(SchemaPattern(p) != nil, "pattern \(p) has no hand matcher") }
        #expect(Set(SchemaPattern.allCases.map(\.pattern)) == patterns)
    }

    @Test func matchersDecideAsTheRegexOnCatalogStrings() throws {
        var strings = Set<String>()
        func walk(_ j: JSON) {
            switch j {
            case let .string(s): strings.insert(s)
            case let .object(members): for (k, v) in members { strings.insert(k); walk(v) }
            case let .array(items): items.forEach(walk)
            default: break
            }
        }
        for (_, bytes) in try catalogFiles(in: catalogDirectory) { walk(try JSONParser.parse(bytes)) }
        #expect(strings.count > 1000)
        var matched = 0
        for known in SchemaPattern.allCases {
            let regex = try Regex(known.pattern)
            for s in strings {
                let (hand, byRegex) = decide(known, regex, s)
                #expect(hand == byRegex, "\(known.pattern) on \(s.debugDescription): hand \(hand), regex \(byRegex)")
                if byRegex { matched += 1 }
            }
        }
        #expect(matched > 100)
    }

    @Test func matchersDecideAsTheRegexOnGeneratedStrings() throws {
        let seeds = ["a", "ab-c", "a1-b2-c3", "2026-12-02", "https://aws.amazon.com/x?y=1", "per month", "per ",
                     "rules/ab-c.json", "us-east-1", "us-e-1", "us-gov-west-1", "ap-southeast-2", "xx-gov-1", "usRegions", "fooBarRegions",
                     "10GB", "1.5TiB", "unlimited", "0B", "64KiB", "3PB", "-", "", "Regions", "perx", "rules/.json"]
        let alphabet: [String] = ["a", "z", "A", "R", "0", "9", "-", ".", " ", "/", "_", "é", "e\u{301}", "\n", "\r\n", "\t", "\u{0}", "~", "B", "i", "gov", "s:"]
        var rng = SplitMix(seed: 19)
        var texts = Set(seeds)
        for seed in seeds {
            let chars = Array(seed)
            for i in 0...chars.count {
                for a in alphabet {
                    texts.insert(String(chars[..<i]) + a + String(chars[i...]))
                    if i < chars.count {
                        texts.insert(String(chars[..<i]) + a + String(chars[(i + 1)...]))
                        texts.insert(String(chars[..<i]) + String(chars[(i + 1)...]))
                    }
                }
            }
        }
        for _ in 0..<4000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 14) { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            texts.insert(s)
            texts.insert(seeds[Int(rng.next() % UInt64(seeds.count))] + s)
        }
        var agreedMatches = 0, agreedMisses = 0
        for known in SchemaPattern.allCases {
            let regex = try Regex(known.pattern)
            for s in texts {
                let (hand, byRegex) = decide(known, regex, s)
                #expect(hand == byRegex, "\(known.pattern) on \(s.debugDescription): hand \(hand), regex \(byRegex)")
                if hand == byRegex { if byRegex { agreedMatches += 1 } else { agreedMisses += 1 } }
            }
        }
        // Both outcomes arise for many texts (the generated strings are not all misses).
        #expect(agreedMatches > 200 && agreedMisses > 1000)
    }

    /// Every string of up to `most` pieces from a small alphabet of each pattern's own parts:
    /// all short shapes, where an off-by-one in a length check hides (`us-e-1` was one).
    @Test func matchersDecideAsTheRegexOnEveryShortString() throws {
        let pieces: [(SchemaPattern, [String], Int)] = [
            (.slug, ["a", "0", "-", "A"], 6),
            (.date, ["0", "-"], 11),
            (.https, ["https://", "a", " ", "/"], 4),
            (.per, ["per ", "p", "e", "r", " "], 4),
            (.ruleFile, ["rules/", ".json", "a", "-", "A"], 4),
            (.region, ["a", "-", "0", "-gov"], 7),
            (.regionsFact, ["a", "A", "Regions", "-"], 4),
            (.size, ["0", ".", "B", "K", "i"], 6),
        ]
        #expect(Set(pieces.map { $0.0.pattern }) == Set(SchemaPattern.allCases.map(\.pattern)))
        var tried = 0, agreedMatches = 0
        for (known, alphabet, most) in pieces {
            let regex = try Regex(known.pattern)
            var level = [""]
            for length in 0...most {
                for s in level {
                    let (hand, byRegex) = decide(known, regex, s)
                    #expect(hand == byRegex, "\(known.pattern) on \(s.debugDescription): hand \(hand), regex \(byRegex)")
                    tried += 1
                    if hand && byRegex { agreedMatches += 1 }
                }
                if length < most { level = level.flatMap { s in alphabet.map { s + $0 } } }
            }
        }
        // Every pattern's alphabet reaches strings it matches, the shortest region among them.
        #expect(tried > 30_000 && agreedMatches > 100)
        #expect(SchemaPattern.region.matches("us-e-1") == true)
    }

    /// A deterministic generator (SplitMix64).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
