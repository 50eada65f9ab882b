@testable import AdvisorCore
import Testing

/// What session 14 changed for a batch JSON line's cost (issue 19) must change no value:
/// findings and citations held in one box, a sentence written into bytes, price look-ups from
/// the ids' bytes, numbers and dollars written without a detour, lint's blank findings made
/// once. Each is held here to the way it was done before, or to the value's definition.
@Suite struct LineCostTests {
    /// Changing a field drops exactly the kept JSON that shows it: the rule, text and weight
    /// show in both, the source only in the JSON with it, the subject length in neither.
    @Test func aChangedFindingDropsTheJSONThatShowsTheField() {
        var kept = Finding(rule: "r", text: "t", source: "s", weight: -3, subjectLength: 1)
        kept.keepJSON(withSource: true, withoutSource: true)
        #expect(kept.json != nil && kept.jsonWithoutSource != nil)
        var f = kept
        f.rule = "r2"
        #expect(f.json == nil && f.jsonWithoutSource == nil && f.rule == "r2" && f.text == "t")
        f = kept
        f.text = "t2"
        #expect(f.json == nil && f.jsonWithoutSource == nil && f.text == "t2" && f.source == "s")
        f = kept
        f.weight = 4
        #expect(f.json == nil && f.jsonWithoutSource == nil && f.weight == 4)
        f = kept
        f.source = "s2"
        #expect(f.json == nil && f.jsonWithoutSource == kept.jsonWithoutSource && f.source == "s2")
        f = kept
        f.subjectLength = 0
        #expect(f.json == kept.json && f.jsonWithoutSource == kept.jsonWithoutSource && f.subjectLength == 0)
        // The copy changed; the finding it was copied from did not.
        #expect(kept.rule == "r" && kept.text == "t" && kept.source == "s" && kept.weight == -3 && kept.subjectLength == 1)
        // Kept JSON is not part of the value, and is what the fields write.
        let plain = Finding(rule: "r", text: "t", source: "s", weight: -3, subjectLength: 1)
        #expect(plain == kept)
        for withSource in [true, false] {
            var a: [UInt8] = [], b: [UInt8] = [], lent: [UInt8] = []
            plain.appendJSON(withSource: withSource, to: &a)
            kept.appendJSON(withSource: withSource, to: &b)
            #expect(kept.withKeptJSON(withSource: withSource) { lent.append(contentsOf: $0) })
            #expect(!plain.withKeptJSON(withSource: withSource) { _ in })
            #expect(a == b && a == lent)
        }
    }

    @Test func aChangedCitationDropsItsJSON() {
        var kept = PriceCitation(text: "$1 per hour (x, us-east-1)", source: "https://example.com/a\"b", asOf: "2026-11-01")
        #expect(kept.json == nil)
        kept.keepJSON()
        let plain = PriceCitation(text: kept.text, source: kept.source, asOf: kept.asOf)
        #expect(plain == kept && plain.json == nil)
        // The kept JSON is what the fields write, escapes and all.
        let written = Array(#"{"text":"$1 per hour (x, us-east-1)","source":"https://example.com/a\"b","asOf":"2026-11-01"}"#.utf8)
        var fromFields: [UInt8] = [], fromKept: [UInt8] = []
        plain.appendJSON(to: &fromFields)
        kept.appendJSON(to: &fromKept)
        #expect(kept.json == written && fromFields == written && fromKept == written)
        for change in 0..<3 {
            var c = kept
            switch change {
            case 0: c.text = "other"
            case 1: c.source = "other"
            default: c.asOf = "other"
            }
            #expect(c.json == nil && c != kept)
        }
        #expect(kept.json == written)
    }

    /// A sentence is byte for byte what the same `String` interpolation writes.
    @Test func aSentenceIsTheStringInterpolation() {
        let texts = ["", "db.r7g", "café ×", "\u{301}combining", "quote \" and \\", "line\nbreak", String(repeating: "x", count: 300)]
        let numbers: [Double] = [0, -0.0, 1, 0.1, 2.5, 1_000_000, 1e-7, 123_456.789, 1e20, .infinity, -3]
        for a in texts {
            for b in texts.reversed() {
                let sentence: Sentence = "\(a) to \(b), 730 h × 2"
                #expect(sentence.string == "\(a) to \(b), 730 h × 2")
                var grown: Sentence = "\(a)"
                grown += "; \(b)"
                #expect(grown.string == "\(a); \(b)")
            }
        }
        for n in numbers {
            let whole = n.isFinite && abs(n) < 1e18 ? Int(n) : 0
            let sentence: Sentence = "$\(number: n) and \(n) and \(whole)"
            #expect(sentence.string == "$\(JSON.format(number: n)) and \(n) and \(whole)")
        }
        #expect(("literal only" as Sentence).string == "literal only")
    }

    /// A sentence is a value: a copy changed leaves the original as it was, and a sentence
    /// added to itself, or grown well past its room, keeps every byte.
    @Test func aSentenceIsAValue() {
        var a: Sentence = "first \(number: 1.5)"
        var b = a
        b += " and more"
        #expect(a.string == "first 1.5" && b.string == "first 1.5 and more")
        let c = b
        b += b
        #expect(b.string == "first 1.5 and morefirst 1.5 and more" && c.string == "first 1.5 and more")
        for _ in 0..<6 { a += a }
        #expect(a.string == String(repeating: "first 1.5", count: 64) && a.count == 9 * 64)
        #expect(a.hasPrefix("first 1.5first") && !a.hasPrefix("first 2") && !a.endsWithPeriod)
        a += "."
        #expect(a.endsWithPeriod && a.bytes == Array(a.string.utf8))
    }

    /// The digits handed to a writer are `JSON.format(number:)`'s; a number that is not
    /// finite hands none (the writer writes `null`).
    @Test func numberBytesAreTheFormattedNumber() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.1, 1e-7, 123.456789, 999_999_999_999_999, 1e15, 1e16, 1e300, -2.25, 0.1234565, 0.0000005]
        var seed: UInt64 = 0x1234_5678
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let mantissa = Double(seed >> 11) / Double(1 << 53)
            values.append(mantissa * Double(1 << Int(seed % 50)) * (seed & 1 == 0 ? 1 : -1))
            values.append((mantissa * 100_000).rounded() / 100)
        }
        for n in values {
            var bytes: [UInt8] = []
            #expect(JSON.withNumberBytes(n) { bytes.append(contentsOf: $0) })
            #expect(String(decoding: bytes, as: UTF8.self) == JSON.format(number: n), "\(n)")
        }
        for n in [Double.nan, .infinity, -.infinity] { #expect(!JSON.withNumberBytes(n) { _ in }) }
    }

    /// The exact decimal of a whole number is its digits, as reading them back confirmed
    /// before; dollars are grouped by threes from the right, as before.
    @Test func wholeNumbersAndDollarsAreWrittenAsBefore() {
        func oldExact(_ n: Double) -> String {
            let short = JSON.format(number: n)
            return Double(short) == n ? short : JSON.plainDigits(n)
        }
        func oldDollars(_ x: Double) -> String {
            guard x >= 100 else { return "$" + JSON.fixed(x, decimals: 2) }
            var digits = x.rounded() < 9e18 ? String(Int(x.rounded())) : JSON.fixed(x.rounded(), decimals: 0)
            var groups: [String] = []
            while digits.count > 3 { groups.insert(String(digits.suffix(3)), at: 0); digits.removeLast(3) }
            groups.insert(digits, at: 0)
            return "$" + groups.joined(separator: ",")
        }
        var x = 0.5
        while x < 1e22 {
            for n in [x, x.rounded(), -x.rounded(), x * 1.37, (x * 1.37).rounded()] {
                #expect(JSON.exactDecimal(n) == oldExact(n), "\(n)")
                if n >= 0 { #expect(Engine.dollars(n) == oldDollars(n), "\(n)") }
            }
            x *= 3.1
        }
    }

    /// Every price is found at the first position with its ids, from the table's own bytes;
    /// an absent one is not found, ids are not read across their ends, and a Region the table
    /// lacks falls back to us-east-1's price.
    @Test func priceLookUpsFindWhatALinearSearchFinds() {
        let table = sharedCatalog.prices
        func first(_ service: String, _ key: String, _ region: String) -> Int? {
            table.prices.firstIndex { Array($0.service.utf8) == Array(service.utf8) && Array($0.key.utf8) == Array(key.utf8) && Array($0.region.utf8) == Array(region.utf8) }
        }
        func expected(_ service: String, _ key: String, _ region: String) -> (Int, Bool)? {
            if let i = first(service, key, region) { return (i, false) }
            guard region != PriceTable.defaultRegion, let i = first(service, key, PriceTable.defaultRegion) else { return nil }
            return (i, true)
        }
        #expect(table.prices.count > 100)
        var probes = 0
        for p in table.prices {
            // The price, the same ids cut elsewhere, a byte more or less, a Region with no prices.
            let tries = [(p.service, p.key, p.region), (p.service + String(p.key.prefix(1)), String(p.key.dropFirst()), p.region),
                         (p.service, p.key + "x", p.region), (p.service, String(p.key.dropLast()), p.region), (p.service, p.key, "xx-nowhere-1"),
                         (String(p.service.dropLast()), p.key, p.region), (p.service, p.key, String(p.region.dropLast()))]
            for (service, key, region) in tries {
                let found = table.lookupPosition(service, key, region: region).map { ($0.position, $0.fellBack) }
                let wanted = expected(service, key, region)
                #expect(found?.0 == wanted?.0 && found?.1 == wanted?.1, "\(service) \(key) \(region)")
                probes += 1
            }
            #expect(table.lookupPosition(p.service, p.key, region: p.region) != nil)
        }
        #expect(probes > 700)
        #expect(table.lookupPosition("no-such-service", "storage", region: PriceTable.defaultRegion) == nil)
        // A table of its own: duplicates (the first is kept), ids that run into each other,
        // non-ASCII ids, and ids built at run time rather than written as literals.
        let made = PriceTable(prices: [
            UnitPrice(service: "ab", key: "c", item: "i", usd: 1, unit: "u", region: "r", source: "s", sourceType: "t", asOf: "d"),
            UnitPrice(service: "a", key: "bc", item: "i", usd: 2, unit: "u", region: "r", source: "s", sourceType: "t", asOf: "d"),
            UnitPrice(service: "ab", key: "c", item: "i", usd: 3, unit: "u", region: "r", source: "s", sourceType: "t", asOf: "d"),
            UnitPrice(service: "caf\u{E9}", key: "k", item: "i", usd: 4, unit: "u", region: "us-east-1", source: "s", sourceType: "t", asOf: "d"),
        ])
        #expect(made.lookupPosition("ab", "c", region: "r")?.position == 0)
        #expect(made.lookupPosition("a", "bc", region: "r")?.position == 1)
        #expect(made.lookupPosition("abc", "", region: "r") == nil)
        #expect(made.lookupPosition(String(["c", "a", "f", "\u{E9}"]), "k", region: "eu-west-1").map { ($0.position, $0.fellBack) } ?? (-1, false) == (3, true))
        // Canonically equivalent but other bytes: ids are compared byte for byte.
        #expect(made.lookupPosition("cafe\u{301}", "k", region: "us-east-1") == nil)
    }

    /// Lint's blank findings made once are the findings `assess(withReasons: false)` makes.
    @Test func preparedBlankFindingsAreTheFindingsMadeEachTime() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prepareBlankFindings()
        #expect(prepared.blankFindings.count == engine.serviceRules.count * sharedCatalog.services.count)
        var compared = 0
        for p in WhatIfClassTests.profiles(60, engine: engine) + sweptProfiles(stride: 997) {
            let a = engine.evaluator.answers(p)
            let fired = engine.matrix(engine.firing(a))
            let made = engine.assess(p, a, fired: fired, withReasons: false)
            let kept = prepared.assess(p, a, fired: fired, withReasons: false)
            for (x, y) in zip(made, kept) {
                #expect(x.service === y.service && x.score == y.score)
                #expect(x.exclusions == y.exclusions && x.scoreFindings == y.scoreFindings && x.configuration == y.configuration)
                #expect(zip(x.exclusions + x.scoreFindings, y.exclusions + y.scoreFindings).allSatisfy { $0.subjectLength == $1.subjectLength })
                compared += x.exclusions.count + x.scoreFindings.count + x.configuration.count
            }
        }
        #expect(compared > 1_000)
    }

    /// The estimates' literals say what they stand for: the RDS instance keys are their
    /// templates filled, and every one is priced; the sizing assumption gives CostMath's figures.
    @Test func estimateLiteralsAreWhatTheyStandFor() {
        for (template, keys) in EstimateBuilder.deploymentKeyTemplates {
            let filled = EstimateBuilder.deploymentKeys(template)
            #expect(filled.single == keys.single && filled.multi == keys.multi, "\(template)")
            for key in [keys.single, keys.multi] {
                #expect(sharedCatalog.prices.prices.contains { $0.key == key && $0.region == PriceTable.defaultRegion }, "\(key) is priced")
            }
        }
        #expect(EstimateBuilder.deploymentKeyTemplates.count == 4)
        #expect(EstimateBuilder.Assumption.sizing.text.description.hasPrefix("one vCPU serves \(Int(CostMath.requestsPerVCPU.low)) (low) to \(Int(CostMath.requestsPerVCPU.high)) (high) requests per second;"))
    }

    /// The figures an estimate's sentences write in place (no string made for each) read as
    /// the strings did: counts to the cent and in millions from a million, gigabytes whole
    /// from 100, dollars grouped by thousands from $100 and to the cent below. An infinite
    /// dollar amount (a price near the largest number, in a catalog of one's own) is "$null",
    /// as JSON says it.
    @Test func anEstimatesFiguresReadAsBefore() {
        func said(_ s: Sentence) -> String { s.string }
        #expect(said("\(amount: 950)") == "950")
        #expect(said("\(amount: 2.5)") == "2.50")
        #expect(said("\(amount: 0.333)") == "0.33")
        #expect(said("\(amount: 999_999.996)") == "1.0 million")
        #expect(said("\(amount: 18_234_567)") == "18.2 million")
        #expect(said("\(amount: 125_000_000)") == "125 million")
        #expect(said("\(gigabytes: 26601)") == "26601")
        #expect(said("\(gigabytes: 20.5)") == "20.50")
        #expect(said("\(gigabytes: 99.999)") == "100.00")
        #expect(said("\(dollars: 61_590_072.48)") == "$61,590,072")
        #expect(said("\(dollars: 100)") == "$100")
        #expect(said("\(dollars: 95)") == "$95.00")
        #expect(said("\(dollars: 0.42)") == "$0.42")
        #expect(Engine.dollars(1_234.5) == "$1,235" && Engine.dollars(12_345_678_901_234_567_890) == "$12,345,678,901,234,567,000")
        #expect(Engine.dollars(.infinity) == "$null" && Engine.dollars(.nan) == "$null" && Engine.dollars(-.infinity) == "$null")
    }
}
