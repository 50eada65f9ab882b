@testable import AdvisorCore
import Testing

/// `prerenderReasons` writes out once what a reason reads of no answer (whole sentences, and
/// the runs of parts between the answers of the others) and counts the services' names: every
/// finding's text and subject length must be what the template written out in full gives.
@Suite struct ReasonPieceTests {
    /// A reason is laid out on the stack when it fits a kilobyte, else in an array: the same
    /// text either way, every piece in its place (65 bytes besides the filler: 959 fills the
    /// room exactly).
    @Test func aReasonIsWrittenWholeOnEitherSideOfTheStackRoom() {
        func written(_ filler: Int) -> String {
            let pieces: [Engine.ReasonPiece] = [.bytes(Array("A ".utf8)), .answer("k", position: 0),
                                                .bytes([UInt8](repeating: UInt8(ascii: "x"), count: filler)), .missing, .bytes(Array(".".utf8))]
            return Engine.write(pieces, missing: ["a", "long value past a small string's fifteen bytes", "é"]) { key, q in "\(key)\(q)-answer" }
        }
        for filler in [0, 10, 900, 958, 959, 960, 1024, 5000] {
            #expect(written(filler) == "A k0-answer" + String(repeating: "x", count: filler) + "a, long value past a small string's fifteen bytes, é.", "filler \(filler)")
        }
        // The room outgrown by an answer, or by a missing value, and an empty piece.
        let long = String(repeating: "y", count: 1100)
        let byAnswer = Engine.write([.bytes([]), .answer("k", position: 0), .bytes(Array("!".utf8))], missing: []) { _, _ in long }
        #expect(byAnswer == long + "!")
        let byMissing = Engine.write([.bytes(Array("m: ".utf8)), .missing, .bytes([])], missing: ["a", long]) { _, _ in "" }
        #expect(byMissing == "m: a, " + long)
        #expect(Engine.write([.bytes([])], missing: []) { _, _ in "" } == "")
    }

    @Test func piecesWriteWhatTheTemplateWrites() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prerenderReasons()
        #expect(!prepared.reasonPieces.isEmpty && prepared.serviceNameLengths.count == sharedCatalog.services.count)
        let n = sharedCatalog.services.count
        // Some reasons read answers and some the values found missing, so both kinds of hole are filled.
        let holes = prepared.reasonPieces.flatMap { $0 }
        #expect(holes.contains { if case .answer = $0 { return true } else { return false } })
        #expect(holes.contains { if case .missing = $0 { return true } else { return false } })
        var compared = 0, mismatches = 0, withMissing = 0
        for (k, p) in WhatIfClassTests.profiles(40, engine: engine).enumerated() {
            let a = engine.evaluator.answers(p)
            let fired = engine.matrix(engine.firing(a))
            for i in engine.serviceRules.indices {
                for s in 0..<n where fired[i * n + s] || k % 8 == 0 {
                    let full = engine.writtenReason(i, service: s, profile: p, answers: a)
                    let pieces = prepared.writtenReason(i, service: s, profile: p, answers: a)
                    compared += 1
                    if engine.serviceRules[i].needsBindings, fired[i * n + s] { withMissing += 1 }
                    if Array(full.text.utf8) != Array(pieces.text.utf8) || full.subjectLength != pieces.subjectLength {
                        mismatches += 1
                        if mismatches <= 3 { Issue.record("rule \(engine.serviceRules[i].id), service \(sharedCatalog.services[s].id): \(pieces) against \(full)") }
                    }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(compared > 10_000 && withMissing > 0)
    }

    /// A `ReasonMemo` gives back a reason only for what it was written from. Each reason is
    /// asked for across the profiles in turn through a memo of one entry, so that every lookup
    /// lands on the reason asked for before it: a kept sentence is reused only when the
    /// answers it reads are the same (sets in another order are another text), and its JSON
    /// is the finding's as the compact writer writes the tree. The same with ids for so few
    /// texts that they run out again and again (every kept reason forgotten with them).
    @Test(arguments: [4096, 12]) func aKeptReasonIsReusedOnlyForTheSameAnswers(texts: Int) throws {
        var engine = Engine(catalog: sharedCatalog)
        engine.prerenderReasons()
        let n = sharedCatalog.services.count
        var profiles = WhatIfClassTests.profiles(40, engine: engine)
        profiles += profiles.map { p in
            var q = p
            for (key, answer) in p.answers { if case let .set(items) = answer { q[key] = .set(items.reversed()) } }
            return q
        }
        let answers = profiles.map(engine.evaluator.answers)
        let fired = answers.map { engine.matrix(engine.firing($0)) }
        var memo = ReasonMemo(engine: engine, capacity: 1, texts: texts)
        var compared = 0, reused = 0, reusedReadingAnswers = 0, mismatches = 0
        for i in engine.serviceRules.indices {
            for s in 0..<n {
                let slot = i * n + s
                let readsAnswers = engine.memoKeys[slot]?.isEmpty == false
                var previous: UnsafeRawPointer? = nil
                for (k, p) in profiles.enumerated() where fired[k][slot] {
                    memo.begin(p, engine: engine)
                    let plain = engine.writtenReason(i, service: s, profile: p, answers: answers[k])
                    let finding = engine.writtenFinding(i, service: s, profile: p, answers: answers[k], memo: &memo)
                    compared += 1
                    var tree: [(String, JSON)] = [("rule", .string(finding.rule)), ("text", .string(plain.text))]
                    if finding.weight != 0 { tree.append(("weight", .number(finding.weight))) }
                    if !finding.source.isEmpty { tree.append(("source", .string(finding.source))) }
                    if let json = finding.json {
                        if json != JSON.object(tree).compactBytes() { mismatches += 1 }
                        // The same storage as the last time: the JSON was kept, not written again.
                        let base = json.withUnsafeBytes { UnsafeRawPointer($0.baseAddress) }
                        if base == previous {
                            reused += 1
                            if readsAnswers { reusedReadingAnswers += 1 }
                        }
                        previous = base
                    }
                    if Array(plain.text.utf8) != Array(finding.text.utf8) || plain.subjectLength != finding.subjectLength {
                        mismatches += 1
                        if mismatches <= 3 { Issue.record("rule \(finding.rule), service \(sharedCatalog.services[s].id): \(finding.text) against \(plain.text)") }
                    }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(compared > 2_000 && reused * 2 > compared && reusedReadingAnswers > 0, "\(compared) \(reused) \(reusedReadingAnswers)")
        #expect(texts == 4096 ? memo.forgotten == 0 : memo.forgotten > 100, "\(memo.forgotten)")
    }

    /// Texts get ids byte for byte: the same bytes the same id, whatever string holds them;
    /// canonically equivalent texts (which `==` takes as equal) and texts that differ in one
    /// byte anywhere get ids of their own; forgotten, ids are given from 1 again.
    @Test func textIDsAreByteForByte() {
        var ids = ReasonMemo.TextIDs(capacity: 64)
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        let a = ids.id(composed), b = ids.id(decomposed)
        #expect(a == 1 && b == 2)
        #expect(ids.id(String(decoding: Array(composed.utf8), as: UTF8.self)) == a)
        var texts = ["", "key-range", "key-range,similarity-search", String(repeating: "x", count: 40)]
        for length in 0...20 {
            let text = String(decoding: (0..<length).map { UInt8(0x61 + $0 % 26) }, as: UTF8.self)
            texts.append(text)
            for offset in 0..<length {
                var other = Array(text.utf8)
                other[offset] ^= 0x20
                texts.append(String(decoding: other, as: UTF8.self))
            }
        }
        var bytesSeen: [[UInt8]: Int] = [:]
        ids = ReasonMemo.TextIDs(capacity: texts.count + 2)
        for text in texts + texts.reversed() {
            let id = ids.id(text)
            if let seen = bytesSeen[Array(text.utf8)] { #expect(seen == id, "\(text)") } else { bytesSeen[Array(text.utf8)] = id }
        }
        #expect(Set(bytesSeen.values).count == bytesSeen.count && ids.count == bytesSeen.count)
        ids.removeAll()
        #expect(ids.count == 0 && ids.id("key-range") == 1)
    }

    /// The memo's texts are compared eight bytes at a time: a difference at any offset of
    /// any length up to 40 is seen, and a shorter text is never the same as a longer one.
    @Test func keptTextsAreComparedByteForByte() {
        for length in 0...40 {
            let text = (0..<length).map { UInt8(0x61 + $0 % 26) }
            text.withUnsafeBufferPointer { a in
                #expect(Bytes.same(a, a))
                Array(text + [0x61]).withUnsafeBufferPointer { #expect(!Bytes.same(a, $0)) }
            }
            for offset in 0..<length {
                var other = text
                other[offset] ^= 0x20
                text.withUnsafeBufferPointer { a in other.withUnsafeBufferPointer { #expect(!Bytes.same(a, $0), "\(length) \(offset)") } }
            }
        }
    }

    /// A memo is made for one engine: used with another, it stops the process rather than
    /// give that engine's findings another's sentences (checked by `precondition`, so not
    /// run here); made for an engine without prerendered reasons, it is off.
    @Test func aMemoForAnEngineWithoutPiecesIsOff() {
        #expect(!ReasonMemo(engine: Engine(catalog: sharedCatalog)).isOn)
        var engine = Engine(catalog: sharedCatalog)
        engine.prerenderReasons()
        #expect(ReasonMemo(engine: engine).isOn)
    }

    /// The same for whole recommendations: every finding of every service (text, subject length).
    @Test func recommendationsAreTheSameWithPieces() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prerenderReasons()
        func findings(_ r: Recommendation) -> [[Finding]] {
            ([r.pick] + r.alternatives.map(\.0) + r.excluded).map { $0.scoreFindings + $0.exclusions + $0.configuration }
        }
        for p in WhatIfClassTests.profiles(30, engine: engine) {
            #expect(findings(engine.recommend(p, withWhatIf: false)) == findings(prepared.recommend(p, withWhatIf: false)))
        }
    }

    /// Batch's JSON lines leave out the findings no output shows (`onlyShown`): an excluded
    /// service's score findings and configuration, and an alternative's configuration. What
    /// is shown is the same as in the whole recommendation, scores included, and the pick is
    /// whole, the fallback pick too (its score findings are written once it is known).
    @Test func onlyShownLeavesOutExactlyTheUnshownFindings() {
        var engine = Engine(catalog: sharedCatalog)
        engine.prerenderReasons()
        var memo = ReasonMemo(engine: engine)
        var fallbacks = 0, leftOut = 0
        for p in WhatIfClassTests.profiles(60, engine: engine) + sweptProfiles(stride: 97) {
            let whole = engine.recommend(p, withWhatIf: false)
            let shown = engine.recommend(p, withWhatIf: false, memo: &memo, onlyShown: true)
            #expect(shown.onlyShownFindings && !whole.onlyShownFindings)
            #expect(shown.pick.service === whole.pick.service && shown.pick.score == whole.pick.score)
            #expect(shown.pick.scoreFindings == whole.pick.scoreFindings && shown.pick.exclusions == whole.pick.exclusions)
            #expect(shown.pick.configuration == whole.pick.configuration)
            #expect(shown.alternatives.map(\.0.service.id) == whole.alternatives.map(\.0.service.id))
            #expect(shown.alternatives.map(\.0.score) == whole.alternatives.map(\.0.score))
            #expect(shown.alternatives.map(\.0.scoreFindings) == whole.alternatives.map(\.0.scoreFindings))
            #expect(shown.alternatives.map(\.1) == whole.alternatives.map(\.1))
            #expect(shown.alternatives.allSatisfy { $0.0.configuration.isEmpty })
            #expect(shown.excluded.map(\.service.id) == whole.excluded.map(\.service.id))
            #expect(shown.excluded.map(\.score) == whole.excluded.map(\.score))
            #expect(shown.excluded.map(\.exclusions) == whole.excluded.map(\.exclusions))
            #expect(shown.excluded.allSatisfy { $0.scoreFindings.isEmpty && $0.configuration.isEmpty })
            #expect(shown.warnings == whole.warnings && shown.confidence == whole.confidence)
            if whole.pick.isExcluded { fallbacks += 1 }
            leftOut += whole.excluded.reduce(0) { $0 + $1.scoreFindings.count + $1.configuration.count }
        }
        // The profiles reach both kinds of pick, and something is left out.
        #expect(fallbacks > 0 && leftOut > 0)
    }

    /// A service's exclusions, when several, are a list the memo keeps (`ReasonMemo.sharedList`):
    /// the next line that excludes it for the very same findings (here, the same profile again)
    /// takes that list itself, and every list is its own service's findings, as the
    /// recommendation without a memo gives them.
    @Test func severalExclusionsAreAListKeptForTheSameFindings() {
        var engine = Engine(catalog: sharedCatalog)
        engine.prerenderReasons()
        var memo = ReasonMemo(engine: engine)
        func lists(_ r: Recommendation) -> [(service: String, findings: [Finding], storage: UnsafeRawPointer?)] {
            r.excluded.filter { $0.exclusions.count > 1 }.map { a in
                (a.service.id, a.exclusions, a.exclusions.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) })
            }
        }
        var compared = 0, sameBoxes = 0, same = 0
        for p in WhatIfClassTests.profiles(60, engine: engine) + sweptProfiles(stride: 97) {
            let first = lists(engine.recommend(p, withWhatIf: false, memo: &memo, onlyShown: true))
            let again = lists(engine.recommend(p, withWhatIf: false, memo: &memo, onlyShown: true))
            let whole = lists(engine.recommend(p, withWhatIf: false))
            #expect(first.map(\.service) == whole.map(\.service) && first.map(\.findings) == whole.map(\.findings))
            #expect(again.map(\.service) == whole.map(\.service) && again.map(\.findings) == whole.map(\.findings))
            for (a, b) in zip(again, first) {
                compared += 1
                // A finding the reason memo did not keep is a box of its own each time, and so
                // is its list; a list of the very same boxes is the list kept.
                guard zip(a.findings, b.findings).allSatisfy({ $0.identity == $1.identity }) else { continue }
                sameBoxes += 1
                if a.storage == b.storage { same += 1 }
            }
        }
        // Two lists of one line may want one place (direct-mapped): nearly all, not all.
        #expect(compared > 1_000 && sameBoxes * 2 > compared && same * 10 > sameBoxes * 9, "\(same) of \(sameBoxes) lists of the same boxes kept (\(compared) lists)")
    }
}
