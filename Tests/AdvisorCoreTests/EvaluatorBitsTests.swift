@testable import AdvisorCore
import Testing

/// The evaluator judges a test for every service at once, as bits (`TestProgram.subjects`).
/// Here an independent interpreter of the compiled tests, one service at a time, written from
/// the operators' definitions (RuleEvaluator.Test), decides and captures every rule of the
/// catalog for every service and for no service, over generated profiles: both must agree on
/// every bit and every capture.
@Suite struct EvaluatorBitsTests {
    typealias T = RuleEvaluator.Test

    /// Whether `t` holds for service `s` (-1: none), and what it found for the rule's reason:
    /// all keeps its parts' findings, any the first part that holds, not nothing.
    static func reference(_ t: T, _ a: RuleEvaluator.Answers, _ s: Int, _ capture: inout RuleEvaluator.Capture) -> Bool {
        switch t {
        case let .constant(b): return b
        case let .all(items):
            var found = capture
            for item in items where !reference(item, a, s, &found) { return false }
            capture = found
            return true
        case let .any(items):
            for item in items {
                var found = capture
                if reference(item, a, s, &found) { capture = found; return true }
            }
            return false
        case let .not(inner):
            var ignored = RuleEvaluator.Capture()
            return !reference(inner, a, s, &ignored)
        case let .perService(table): return s >= 0 && table[s]
        case let .answered(q, b): return a.answered[q] == b
        case let .answerIntersects(q, m): return a.mask[q] & m != 0
        case let .numberAtLeast(q, limit): return a.answered[q] && a.number[q] >= limit
        case let .numberBelow(q, limit): return a.answered[q] && a.number[q] < limit
        case let .factIncludesAnswer(q, table):
            guard s >= 0, let m = table[s], a.mask[q] != 0 else { return false }
            return a.mask[q] & m == a.mask[q]
        case let .factLacksAnswer(q, table):
            guard s >= 0, let m = table[s], a.mask[q] & ~m != 0 else { return false }
            capture = RuleEvaluator.Capture(question: q, missing: a.mask[q] & ~m)
            return true
        case let .factBelowAnswer(q, limits):
            guard s >= 0, let limit = limits[s], a.answered[q], !a.number[q].isNaN else { return false }
            return limit < a.number[q]
        case let .factSlower(q, serviceRanks, valueRanks, slower):
            guard s >= 0, let have = serviceRanks[s], a.mask[q] != 0 else { return false }
            let wanted = valueRanks[a.mask[q].trailingZeroBitCount]
            return slower ? have > wanted : have <= wanted
        case let .familyMatches(q, families):
            guard s >= 0, families[s] >= 0, a.mask[q] != 0 else { return false }
            return a.mask[q] == 1 << UInt64(families[s])
        }
    }

    @Test func everyRuleDecidesAndCapturesAsAnInterpreterOneServiceAtATime() {
        let engine = Engine(catalog: sharedCatalog)
        let evaluator = engine.evaluator
        let n = sharedCatalog.services.count
        var compared = 0, differences = 0, captured = 0
        var profiles = WhatIfClassTests.profiles(200, engine: engine)
        profiles.append(Profile())
        for p in profiles {
            let a = evaluator.answers(p)
            for i in engine.serviceRules.indices {
                let tests: [(T, Int)] = [(evaluator.selector[i], evaluator.selectorAt[i])] + (evaluator.when[i].map { [($0, evaluator.whenAt[i])] } ?? [])
                for (test, root) in tests {
                    let subjects = evaluator.program.subjects(root, a)
                    #expect(subjects & ~evaluator.program.everyone == 0)
                    for s in -1..<n {
                        var expected = RuleEvaluator.Capture(), got = RuleEvaluator.Capture()
                        let holds = EvaluatorBitsTests.reference(test, a, s, &expected)
                        let bit = subjects & TestProgram.bit(s) != 0
                        let decided = evaluator.program.holds(root, a, s, &got)
                        compared += 1
                        if holds != bit || holds != decided || expected.question != got.question || expected.missing != got.missing {
                            differences += 1
                            if differences <= 3 { Issue.record("rule \(engine.serviceRules[i].id), service \(s): \(holds) \(bit) \(decided), \(expected) \(got)") }
                        }
                        if holds, expected.question >= 0 { captured += 1 }
                    }
                }
            }
        }
        #expect(differences == 0)
        #expect(compared > 1_000_000 && captured > 100, "\(compared) compared, \(captured) captures")
    }
}
