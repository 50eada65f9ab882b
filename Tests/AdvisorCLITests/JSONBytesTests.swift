@testable import AdvisorCLI
import AdvisorCore
import Foundation
import Testing

/// Batch writes a recommendation's JSON straight into bytes (`Render.writeJSON`), without the
/// tree `recommend --format json` builds: the two must give the same bytes.
@Suite struct JSONBytesTests {
    /// Strings with everything the compact writer escapes (quotes, backslashes, C0 and C1
    /// controls, DEL, U+2028/9), at every position around the eight-byte steps, and plain
    /// ones of every length up to 40, non-ASCII included.
    @Test func stringsAreEscapedAsTheTreeEscapesThem() {
        let specials = ["\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}", "\u{2028}", "\u{2029}", "é", "–", "😀", "\u{A0}"]
        var samples = [""]
        for length in 1...40 { samples.append(String(repeating: "a", count: length)) }
        for special in specials {
            for position in 0...17 {
                samples.append(String(repeating: "x", count: position) + special + String(repeating: "y", count: 17 - position))
            }
        }
        for s in samples {
            var out: [UInt8] = [0x5B]
            JSON.appendString(s, to: &out)
            #expect(out == [0x5B] + JSON.string(s).compactBytes(), "\(s.unicodeScalars.map { $0.value })")
        }
    }

    /// Every way of writing a string (the tree, `appendString`, the writer) gives what a
    /// scalar-by-scalar escape gives: quotes, backslashes, C0 and C1 controls, DEL and
    /// U+2028/9 escaped, every other character as it is. Texts drawn from characters whose
    /// bytes sit next to the ones that matter (0xC2 and 0xE2 begin both escaped and plain
    /// characters), at every length to 40 and every offset around the eight-byte steps.
    @Test func stringsAreEscapedScalarByScalar() {
        func reference(_ s: String) -> [UInt8] {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar.value {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                case 0..<0x20, 0x7F, 0x80...0x9F, 0x2028, 0x2029:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return Array((out + "\"").utf8)
        }
        let alphabet: [Unicode.Scalar] = ["a", " ", "\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{BF}",
                                          "×", "é", "\u{2013}", "\u{2019}", "\u{2027}", "\u{2028}", "\u{2029}", "\u{202A}", "\u{2FFF}", "\u{FFFF}", "😀"]
        var seed: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var samples: [String] = []
        for length in 0...40 {
            for _ in 0..<60 {
                var s = String.UnicodeScalarView()
                for _ in 0..<length { s.append(alphabet[next(4) == 0 ? next(alphabet.count) : 0]) }
                samples.append(String(s))
            }
        }
        for special in alphabet.dropFirst() {
            for position in 0...17 {
                samples.append(String(repeating: "x", count: position) + String(special) + String(repeating: "y", count: 17 - position))
            }
        }
        for s in samples {
            let expected = reference(s)
            var appended: [UInt8] = []
            JSON.appendString(s, to: &appended)
            var w = JSONWriter(capacity: 16)
            w.string(s)
            var written: [UInt8] = []
            w.flush(into: &written)
            let context = "\(s.unicodeScalars.map { $0.value })"
            #expect(JSON.string(s).compactBytes() == expected, "\(context)")
            #expect(appended == expected, "\(context)")
            #expect(written == expected, "\(context)")
        }
    }

    /// A line's answer takes the writer's buffer (`takeBuffer`): what was written, exactly as
    /// long, and the writer goes on from empty, long lines and empty ones alike.
    @Test func anAnswerTakesTheWrittenBytes() {
        var w = JSONWriter(capacity: 16)
        for length in [0, 1, 15, 16, 17, 4_000, 70_000, 3, 200_000, 0, 12] {
            let text = String(repeating: "x", count: length)
            w.string(text)
            let rendered = w.line()
            #expect(Array(rendered.bytes) == Array(("\"" + text + "\"\n").utf8), "\(length)")
            #expect(w.written == 0)
        }
        let copied = Batch.Rendered(Array("a,b\n".utf8), tail: 2)
        #expect(Array(copied.bytes) == Array("a,b\n".utf8) && copied.tail == 2)
        #expect(Batch.Rendered([UInt8]()).bytes.isEmpty)
    }

    @Test func numbersAreWrittenAsTheTreeWritesThem() {
        let numbers: [Double] = [0, -0.0, 1, -1, 0.5, 1e-7, 123.456789, 1e15, 9e15, 1e20, -2.5e-3, .infinity, -.infinity, .nan, 4_503_599_627_370_497, 0.1 + 0.2]
        // And cents as estimates have them, with every count of digits the writer lays out.
        var cents: [Double] = []
        for i in 0..<400 {
            let figure: Double = Double(i * 7919 % 100_000) / 100
            let sign: Double = i % 3 == 0 ? -1 : 1
            cents.append(figure * sign * pow(10, Double(i % 9)))
        }
        for n in numbers + cents {
            var out: [UInt8] = []
            JSON.appendNumber(n, to: &out)
            #expect(out == JSON.number(n).compactBytes(), "\(n)")
            var w = JSONWriter(capacity: 16)
            w.number(n)
            var written: [UInt8] = []
            w.flush(into: &written)
            #expect(written == out, "\(n)")
        }
    }

    /// A cost range's figures, written from their cents (`JSONWriter.range`), are the bytes
    /// the tree writes for the same figures to the cent: every count of digits, both sides of
    /// 2^31 (where the writer leaves the cents for `number`), negatives, zero, and figures
    /// that are not finite.
    @Test func figuresToTheCentAreWrittenAsTheTreeWritesThem() {
        var figures: [Double] = [0, -0.0, 0.004, 0.005, 0.015, -0.005, 0.1, 0.999, 1.005, 2.675, 179498335.53, 621332637.75,
                                 2_147_483_647.99, 2_147_483_647.995, 2_147_483_648, 2_147_483_648.01, -2_147_483_647.99, 1e15, 9e15, 1e20,
                                 .infinity, -.infinity, .nan, .ulpOfOne, 1 / 3, 2 / 3]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for i in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let cents = Double(state >> 11 % 64 == 0 ? 1 : (state >> 20) % (1 << UInt64(i % 44 + 1)))
            let sign: Double = i % 5 == 0 ? -1 : 1
            figures.append(sign * cents / 100)
            figures.append(sign * Double(state >> 12) / Double(1 << 40) * pow(10, Double(i % 12)))
        }
        for x in figures {
            var w = JSONWriter(capacity: 16)
            w.range(CostRange(low: x, high: -x))
            var written: [UInt8] = []
            w.flush(into: &written)
            let tree = JSON.object([("low", .number(CostRange.cents(x))), ("high", .number(CostRange.cents(-x)))]).compactBytes()
            #expect(written == tree, "\(x)")
        }
    }

    /// Every profile of the equivalence tests' generator (every question; migrations,
    /// Regions, lowest-cost, no answer at all), with and without what-if.
    @Test func recommendationsAreWrittenAsTheTreeWritesThem() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        var engine = Engine(catalog: catalog)
        engine.prerenderReasons()
        let generated = [[]] + BatchEquivalenceTests.profiles(600, catalog: catalog)
        var mismatches = 0
        var buffer: [UInt8] = Array("left over from the line before".utf8)
        for (i, answers) in generated.enumerated() {
            let profile = try catalog.parseProfile(.object(answers.map { ($0.0, .string($0.1)) })).get().0
            let recommendation = engine.recommend(profile, withWhatIf: i % 20 == 0)
            Self.compare(recommendation, with: recommendation, catalog: catalog, buffer: &buffer, mismatches: &mismatches, "profile \(i)")
        }
        #expect(mismatches == 0)
    }

    /// Writes `r` with the byte writer into `buffer` and counts a mismatch (recording the
    /// first three) when the bytes are not the compact writer's for `tree`.
    static func compare(_ r: Recommendation, with tree: Recommendation, catalog: Catalog, buffer: inout [UInt8], mismatches: inout Int, _ what: String) {
        buffer.removeAll(keepingCapacity: true)
        Render.writeJSON(r, catalog: catalog, to: &buffer)
        guard buffer != Render.json(tree, catalog: catalog).compactBytes() else { return }
        mismatches += 1
        if mismatches <= 3 { Issue.record("\(what) is written differently:\n\(String(decoding: buffer, as: UTF8.self))") }
    }

    /// Batch's lines leave the estimates out of the recommendation (`withEstimates: false`)
    /// and write them as they are worked out (`Engine.writeEstimates`): the bytes are those of
    /// the estimates made as values, for every profile of the generator (availability
    /// unanswered among them: the single-AZ and Multi-AZ ends merged), with the price
    /// citations' JSON kept (batch's engine) and without.
    @Test func estimatesWrittenAsWorkedOutAreTheEstimatesMade() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        var engine = Engine(catalog: catalog)
        engine.prerenderReasons()
        var batchEngine = engine
        batchEngine.prepareEstimates()
        let generated = [[]] + BatchEquivalenceTests.profiles(600, catalog: catalog)
        var mismatches = 0, availabilityUnanswered = 0, merged = 0
        // One workspace an engine for every line, as a batch thread keeps it: what one
        // estimate leaves in its builders must not reach the next.
        let workspaces = [engine.estimateWorkspace(), batchEngine.estimateWorkspace()]
        for (i, answers) in generated.enumerated() {
            let profile = try catalog.parseProfile(.object(answers.map { ($0.0, .string($0.1)) })).get().0
            let whole = engine.recommend(profile, withWhatIf: false)
            if profile["availability"] == nil {
                availabilityUnanswered += 1
                if whole.estimates.contains(where: { $0.parts.contains { $0.basis.hasPrefix("single-AZ: ") } }) { merged += 1 }
            }
            for (e, workspace) in zip([engine, batchEngine], workspaces) {
                var memo = ReasonMemo.off
                let left = e.recommend(profile, withWhatIf: false, memo: &memo, withEstimates: false)
                #expect(!left.estimatesComputed && left.estimates.isEmpty)
                var w = JSONWriter()
                w.recommendation(left, catalog: catalog, engine: e, estimates: workspace)
                var bytes: [UInt8] = []
                w.flush(into: &bytes)
                if bytes != Render.json(whole, catalog: catalog).compactBytes() {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("profile \(i): \(String(decoding: bytes, as: UTF8.self))") }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(availabilityUnanswered > 20 && merged > 10, "\(availabilityUnanswered) without availability, \(merged) merged")
    }

    /// Batch keeps written reasons, with their JSON, from one line to the next (`ReasonMemo`):
    /// a recommendation made with a memo is written exactly as one made without. The profiles
    /// come three times, the second with each set's values in reverse order (another text of
    /// the same answer, which the parser would have put in the question's order), through a
    /// memo of the usual size and one of eight entries that keeps evicting. The recommendation
    /// is made as batch makes it, without the findings nothing shows (`onlyShown`), by an
    /// engine whose price citations carry their JSON (`prepareEstimates`), as batch's does.
    @Test func reasonsKeptFromLineToLineAreWrittenTheSame() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        var engine = Engine(catalog: catalog)
        engine.prerenderReasons()
        var batchEngine = engine
        batchEngine.prepareEstimates()
        let generated = [[]] + BatchEquivalenceTests.profiles(400, catalog: catalog)
        let parsed = try generated.map { answers in try catalog.parseProfile(.object(answers.map { ($0.0, .string($0.1)) })).get().0 }
        let reversed = parsed.map { p in
            var q = p
            for (key, answer) in p.answers { if case let .set(items) = answer { q[key] = .set(items.reversed()) } }
            return q
        }
        #expect(zip(parsed, reversed).contains { $0 != $1 })
        for capacity in [16384, 8] {
            var memo = ReasonMemo(engine: batchEngine, capacity: capacity)
            #expect(memo.isOn)
            var mismatches = 0, kept = 0, written = 0, citations = 0, keptCitations = 0
            var buffer: [UInt8] = []
            for (i, profile) in (parsed + reversed + parsed).enumerated() {
                let withMemo = batchEngine.recommend(profile, withWhatIf: false, memo: &memo, onlyShown: true)
                citations += withMemo.estimates.reduce(0) { $0 + $1.prices.count }
                keptCitations += withMemo.estimates.reduce(0) { $0 + $1.prices.count { $0.json != nil } }
                let without = engine.recommend(profile, withWhatIf: false)
                for a in [withMemo.pick] + withMemo.excluded {
                    for f in a.exclusions + a.scoreFindings + a.configuration {
                        written += 1
                        if f.json != nil { kept += 1 }
                    }
                }
                Self.compare(withMemo, with: without, catalog: catalog, buffer: &buffer, mismatches: &mismatches, "profile \(i), memo of \(capacity),")
            }
            #expect(mismatches == 0)
            // Most findings carry their JSON (the others read a number).
            #expect(kept * 2 > written, "\(kept) of \(written)")
            // Every citation is written from its kept JSON.
            #expect(citations > 1_000 && keptCitations == citations, "\(keptCitations) of \(citations)")
        }
        // Without prerendered reasons a memo keeps nothing.
        #expect(!ReasonMemo(engine: Engine(catalog: catalog)).isOn)
    }

    /// `recommend --format json` writes through the byte writer: its output is the tree's
    /// compact text, line break added, for profiles of every question with what-if (the
    /// command computes it), migrations, Regions and estimates, no answer at all, and saved
    /// answers whose recorded pick has changed (the warning the command adds).
    @Test func theRecommendCommandWritesTheTreesBytes() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let engine = Engine(catalog: catalog)
        let generated = [[]] + BatchEquivalenceTests.profiles(120, catalog: catalog)
        var mismatches = 0, withWhatIf = 0, withMigration = 0, withEstimates = 0
        for (i, answers) in generated.enumerated() {
            let profile = try catalog.parseProfile(.object(answers.map { ($0.0, .string($0.1)) })).get().0
            let recommendation = engine.recommend(profile)
            if !recommendation.whatIf.isEmpty { withWhatIf += 1 }
            if recommendation.migration != nil { withMigration += 1 }
            if !recommendation.estimates.isEmpty { withEstimates += 1 }
            let expected = Render.json(recommendation, catalog: catalog).compactText() + "\n"
            let r = runCLI(["recommend", "--format", "json"] + answers.flatMap { ["--\($0.0)", $0.1] })
            #expect(r.status == 0, "\(r.err)")
            if !r.out.utf8.elementsEqual(expected.utf8) {
                mismatches += 1
                if mismatches <= 3 { Issue.record("profile \(i) is written differently:\n\(r.out)\n\(expected)") }
            }
        }
        #expect(mismatches == 0)
        #expect(withWhatIf > 10 && withMigration > 5 && withEstimates > 10, "\(withWhatIf) \(withMigration) \(withEstimates)")

        // Saved answers recording another pick: the command adds a warning to the recommendation.
        let saved = #"{"data-shape":"key-value","latency":"microseconds","_dbadvisor":{"recommendation":"dynamodb","catalogVersion":"2020-01-01"}}"#
        let r = runCLI(["recommend", "--format", "json", "--answers", "-"], stdin: saved)
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONParser.parse(r.out)
        let warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(warnings.first?.hasPrefix("The pick has changed since these answers were saved") == true, "\(warnings)")
        // The tree of the same recommendation, warning included, gives the same bytes.
        var changed = engine.recommend(try catalog.parseProfile(.object([("data-shape", .string("key-value")), ("latency", .string("microseconds"))])).get().0)
        Commands.noteChangedPick(&changed, record: try JSONParser.parse(saved)["_dbadvisor"], catalog: catalog)
        #expect(changed.warnings.first?.kind == .changedPick)
        #expect(r.out == Render.json(changed, catalog: catalog).compactText() + "\n")
    }
}
