@testable import AdvisorCore
import Foundation
import Testing

@Suite struct JSONParserTests {
    @Test func parsesAndKeepsMemberOrder() throws {
        let value = try JSONParser.parse(#"{"b": 1, "a": [true, null, "x\u00e9\n"], "c": -2.5e3}"#)
        #expect(value.objectValue?.map(\.0) == ["b", "a", "c"])
        #expect(value["a"]?.arrayValue?[2].stringValue == "xé\n")
        #expect(value["c"]?.numberValue == -2500)
        #expect(value.compactText() == #"{"b":1,"a":[true,null,"xé\n"],"c":-2500}"#)
    }

    @Test(arguments: [
        ("", "empty"), ("   ", "empty"), ("{", "end of input"), (#"{"a":1,"a":2}"#, "duplicate"),
        ("[1,]", "expected a value"), ("01", "may not start with 0"), ("1e400", "too large"),
        ("{\"a\":\"\u{01}\"}", "control character"), ("[1] [2]", "after the JSON value"), ("nul", "expected a value"),
    ])
    func refusesMalformedInput(text: String, fragment: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch let error as JSONParseError {
            #expect(error.message.contains(fragment), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC0, 0x80, 0x22]) }
    }

    @Test func refusesMalformedUTF8InPlainStrings() throws {
        // Surrogates, overlong forms, code points past U+10FFFF, cut-short sequences.
        for bad: [UInt8] in [[0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF5, 0x80, 0x80, 0x80]] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONParser.parse([0x22] + bad + [0x22]) }
        }
        #expect(try JSONParser.parse(Array("\"é€😀\"".utf8)).stringValue == "é€😀")
    }

    @Test func findsDuplicateNamesInSmallAndLargeObjects() {
        for count in [2, 15, 16, 17, 40] {
            let members = (0..<count).map { "\"k\($0)\":\($0)" } + ["\"k\(count - 1)\":0"]
            #expect(throws: JSONParseError.self, "\(count) members") { try JSONParser.parse("{" + members.joined(separator: ",") + "}") }
            let unique = (0..<count).map { "\"k\($0)\":\($0)" }
            #expect((try? JSONParser.parse("{" + unique.joined(separator: ",") + "}"))?.objectValue?.count == count)
        }
    }

    @Test func fixedDecimalsMatchPrintf() {
        var state: UInt64 = 42
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let exponent = Double(Int(state >> 60)) - 6
            let n = (Double(state >> 11) / Double(1 << 53) - 0.5) * pow(10, exponent)
            for decimals in [0, 2, 6] {
                #expect(JSON.fixed(n, decimals: decimals) == String(format: "%.\(decimals)f", n), "\(n)")
            }
        }
        #expect(JSON.format(number: 0.00013) == "0.00013")
        #expect(JSON.format(number: -2.5) == "-2.5")
        #expect(JSON.fixed(-0.0001, decimals: 2) == String(format: "%.2f", -0.0001))
    }

    @Test func limitsNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": tru\n}")
            Issue.record("accepted")
        } catch let error as JSONParseError {
            #expect(error.line == 2)
        } catch { Issue.record("\(error)") }
    }

    @Test func escapesControlCharactersOnOutput() {
        #expect(JSON.string("a\u{1B}[31m\u{0}").compactText() == #""a\u001b[31m\u0000""#)
    }
}

@Suite struct PlainWordTests {
    /// `JSON.plainWord` (eight bytes at a time: a string's bytes copied without a look of their
    /// own) against the rule byte by byte: printable ASCII without quote or backslash. Every
    /// byte value at every position of a plain word; three bytes from the edges of the rule at
    /// every three positions; words of random bytes and of bytes near the edges.
    @Test func plainWordIsTheRuleByteByByte() {
        func plain(_ w: UInt64) -> Bool {
            (0..<8).allSatisfy { k in
                let b = UInt8(truncatingIfNeeded: w >> UInt64(8 * k))
                return b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C
            }
        }
        var checked = 0, wrong: [UInt64] = [], plainOnes = 0
        func check(_ w: UInt64) {
            checked += 1
            if plain(w) { plainOnes += 1 }
            if JSON.plainWord(w) != plain(w) && wrong.count < 5 { wrong.append(w) }
        }
        func setting(_ w: UInt64, _ position: Int, _ b: UInt64) -> UInt64 {
            w & ~(0xFF << UInt64(8 * position)) | b << UInt64(8 * position)
        }
        let background: UInt64 = 0x6161_6161_6161_6161
        for p in 0..<8 { for v in 0..<256 as Range<UInt64> { check(setting(background, p, v)) } }
        let edges: [UInt64] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0x81, 0xA2, 0xFF]
        for p in 0..<8 { for q in p + 1..<8 { for r in q + 1..<8 {
            for a in edges { for b in edges { for c in edges { check(setting(setting(setting(background, p, a), q, b), r, c)) } } }
        } } }
        var random = SchemaPatternTests.SplitMix(seed: 0x2545_F491_4F6C_DD1D)
        for _ in 0..<100_000 {
            check(random.next())
            var w: UInt64 = 0
            for k in 0..<8 {
                let r = random.next()
                w = setting(w, k, r & 1 == 0 ? 0x20 + (r >> 8) % 0x5F : edges[Int((r >> 8) % 16)])
            }
            check(w)
        }
        #expect(wrong.isEmpty, "plainWord differs for \(wrong.map { String($0, radix: 16) })")
        #expect(checked > 400_000 && plainOnes > 10_000)
    }
}

@Suite struct DigitTests {
    /// `JSON.writeWhole` (two digits at a time, backwards) against the library's decimal text:
    /// every number to 100,000, each power of ten and its neighbours, and the largest.
    @Test func wholeNumbersAreTheirDecimalText() {
        var values: [UInt64] = Array(0...100_000)
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        values += [UInt64.max, UInt64.max - 1, UInt64(Int64.max)]
        var wrong: [UInt64] = []
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { room in
            let end = room.baseAddress! + 32
            for v in values {
                let start = JSON.writeWhole(v, endingAt: end)
                if String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self) != String(v), wrong.count < 5 { wrong.append(v) }
            }
        }
        #expect(wrong.isEmpty, "differs for \(wrong)")
    }
}

@Suite struct QuantityTests {
    static let sizes: [(String, Double)] = [("500MB", 524_288_000), ("2.5 TB", 2.5 * 1_099_511_627_776), ("400KB", 409_600), ("128TiB", 128 * 1_099_511_627_776), ("1pb", 1_125_899_906_842_624)]

    @Test(arguments: sizes)
    func parsesSizes(text: String, bytes: Double) throws {
        #expect(try DataSize.parse(text).get().bytes == bytes)
    }

    @Test(arguments: ["", "MB", "500", "-5GB", "0GB", "5XB", "99999999999999999999PB", "1e400GB", "abc"])
    func refusesBadSizes(text: String) {
        if case .success = DataSize.parse(text) { Issue.record("accepted \(text)") }
    }

    static let rates: [(String, Double)] = [("500", 500), ("20k", 20_000), ("1.5M", 1_500_000), ("2,000", 2000), ("300/s", 300)]

    @Test(arguments: rates)
    func parsesRates(text: String, value: Double) throws {
        #expect(try RequestRate.parse(text).get().perSecond == value)
    }

    @Test(arguments: ["", "-1", "0", "k", "1e400", "ten", "5x", "99999999999999999999M"])
    func refusesBadRates(text: String) {
        if case .success = RequestRate.parse(text) { Issue.record("accepted \(text)") }
    }

    @Test func printsShortestSpelling() {
        #expect(DataSize(bytes: 409_600).description == "400KB")
        #expect(RequestRate(perSecond: 1_500_000).description == "1.5M")
        #expect(DataSize(bytes: 1.5 * 1_099_511_627_776).description == "1.5TB")
        #expect(RequestRate(perSecond: 20_000).description == "20k")
        #expect(RequestRate(perSecond: 500).description == "500")
    }

    /// Found by fuzzing: 5030MB printed as 4.912GB, which reads back as another size. Every
    /// spelling must read back as exactly what was typed (echoed profiles, saved answers and
    /// reproducing commands depend on it).
    @Test(arguments: ["5030MB", "1234567", "0.0000001", "12345.6789PB", "1.0000001KB", "33.3333333%", "0.5B", "999999.999999PB", "1.2345678M"])
    func spellingReadsBackExactly(text: String) throws {
        let catalog = sharedCatalog
        let key = text.hasSuffix("%") ? "read-share" : text.last!.isNumber || text.hasSuffix("M") ? "throughput" : "data-size"
        let answer = try catalog.parseAnswer(key: key, text: text).get()
        #expect(try catalog.parseAnswer(key: key, text: answer.text).get() == answer, "\(text) → \(answer.text)")
    }

    @Test func spellingsOfGeneratedQuantitiesReadBack() throws {
        var state: UInt64 = 7
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(state >> 11) / Double(1 << 53) * pow(10, Double(Int(state >> 59) % 24) - 6)
            guard value > 0 else { continue }
            let size = DataSize(bytes: value * 1024)
            if size.bytes <= 1_000_000 * 1_125_899_906_842_624 {
                #expect(try DataSize.parse(size.description).get() == size, "\(size.bytes) → \(size.description)")
            }
            let rate = RequestRate(perSecond: value)
            if rate.perSecond <= 1e12 {
                #expect(try RequestRate.parse(rate.description).get() == rate, "\(rate.perSecond) → \(rate.description)")
            }
        }
    }
}
