@testable import AdvisorCore
import Testing

/// Batch keeps each rule's firing word by the classes of the answers it reads (`FiringMemo`),
/// and what a reason's evaluation captures by the same key (`ReasonMemo`). Here the kept
/// words and captures are held to the evaluated ones over generated answers: every kind of
/// answer, numbers at, just above and just below every limit a rule compares, and numbers
/// in between (which share a class, so most words come from the table).
@Suite struct FiringMemoTests {
    /// With the bounds as they are (tables for most rules, a few hashed), and so small that
    /// most rules are hashed in a few places (evicting one another) and the rest evaluated
    /// every time.
    @Test(arguments: [false, true]) func keptWordsAreTheEvaluatedOnes(small: Bool) {
        var engine = Engine(catalog: sharedCatalog)
        let questions = engine.evaluator.questions
        engine.prerenderReasons()
        let n = engine.catalog.services.count
        // The firing memo is the reason memo's, as batch has it.
        var reasons = ReasonMemo(engine: engine)
        reasons.firings = small ? FiringMemo(engine: engine, largestTable: 8, largestTotal: 64, largestHashed: 1 << 14) : FiringMemo(engine: engine)
        var memo: FiringMemo { reasons.firings }
        #expect(memo.isOn)
        #expect(!memo.hashedRules.isEmpty)
        if small { #expect(memo.unkeptRules.count > 5 && memo.hashedRules.count > 5, "\(memo.unkeptRules.count) unkept, \(memo.hashedRules.count) hashed") }
        var g = PropertyTests.Generator(state: 0x5EED_F12E)
        let profiles = 6_000
        var differences = 0, captureDifferences = 0, capturesChecked = 0, unclassified = 0
        for _ in 0..<profiles {
            var a = RuleEvaluator.Answers(mask: Array(repeating: 0, count: questions.count),
                                          number: Array(repeating: .nan, count: questions.count),
                                          answered: Array(repeating: false, count: questions.count))
            for q in questions.indices where g.next(3) > 0 {
                a.answered[q] = true
                switch memo.scales[q] {
                case .unkept: a.mask[q] = UInt64(g.next(1 << 20))
                // Now and then an answer with no known value (a value the vocabulary lacks).
                case let .choice(n): a.mask[q] = g.next(12) == 0 ? 0 : 1 << UInt64(g.next(n))
                case let .set(n): a.mask[q] = UInt64(g.next(1 << n))
                case let .number(limits):
                    let limit = limits.isEmpty ? 1.0 : limits[g.next(limits.count)]
                    switch g.next(7) {
                    case 0: a.number[q] = limit
                    case 1: a.number[q] = limit.nextUp
                    case 2: a.number[q] = limit.nextDown
                    case 3: a.number[q] = 0
                    case 4: a.number[q] = g.next(20) == 0 ? .nan : .infinity
                    default:
                        // Somewhere between this limit and the next (or a little past the last).
                        let k = limits.firstIndex(of: limit).map { $0 + 1 } ?? 0
                        let next = k < limits.count ? limits[k] : limit * 2 + 1
                        a.number[q] = limit + (next - limit) * Double(1 + g.next(998)) / 1000
                    }
                }
            }
            // Now and then a line whose answers fit no class (a choice with two values): every
            // rule is evaluated, and the keys of the line before must not be read for it.
            if g.next(10) == 0, let q = questions.indices.first(where: { if case let .choice(n) = memo.scales[$0] { return n >= 2 } else { return false } }) {
                a.answered[q] = true
                a.mask[q] = 0b11
                a.number[q] = .nan
                unclassified += 1
            }
            let kept = engine.firing(a, memo: &reasons.firings)
            let evaluated = engine.firing(a)
            // What a reason's evaluation captures, through the reason memo (kept by the rule's
            // key in the firing memo), is what the evaluation captures.
            for i in engine.serviceRules.indices where engine.ruleNeedsBindings[i] {
                var fired = evaluated[i] & engine.evaluator.program.services
                while fired != 0 {
                    let s = fired.trailingZeroBitCount
                    fired &= fired - 1
                    let direct = engine.captured(i, service: s, answers: a)
                    let through = engine.captured(i, service: s, slot: i * n + s, answers: a, memo: &reasons)
                    capturesChecked += 1
                    if direct.question != through.question || direct.missing != through.missing {
                        captureDifferences += 1
                        if captureDifferences <= 3 { Issue.record("rule \(engine.serviceRules[i].id), service \(s): \(through) kept, \(direct) evaluated, for \(a)") }
                    }
                }
            }
            if kept != evaluated {
                differences += 1
                let rules = kept.indices.filter { kept[$0] != evaluated[$0] }.map { engine.serviceRules[$0].id }
                if differences <= 3 { Issue.record("rules \(rules) differ for \(a)") }
            }
        }
        #expect(differences == 0)
        #expect(captureDifferences == 0)
        #expect(capturesChecked > 1_000 && unclassified > 100, "\(capturesChecked) captures checked, \(unclassified) lines unclassified")
        // Most words came from the table: far fewer kept than asked.
        let asked = profiles * engine.serviceRules.count
        guard !small else { return }
        #expect(memo.kept > 1_000 && memo.kept * 4 < asked, "\(memo.kept) kept of \(asked)")
        // Every rule of the bundled catalog is kept, in a table or hashed.
        #expect(memo.unkeptRules.isEmpty, "evaluated every time: \(memo.unkeptRules.map { engine.serviceRules[$0].id })")
    }

    /// A profile's firing through the memo, as batch asks it, is the evaluated one; and the
    /// second time the same answers come, every word comes from the table.
    @Test func profilesThroughTheMemo() {
        let engine = Engine(catalog: sharedCatalog)
        var memo = FiringMemo(engine: engine)
        let profiles = WhatIfClassTests.profiles(300, engine: engine) + [Profile()]
        for p in profiles {
            let a = engine.evaluator.answers(p)
            #expect(engine.firing(a, memo: &memo) == engine.firing(a))
        }
        let kept = memo.kept
        for p in profiles {
            let a = engine.evaluator.answers(p)
            #expect(engine.firing(a, memo: &memo) == engine.firing(a))
        }
        #expect(memo.kept == kept)
    }
}
