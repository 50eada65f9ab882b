@testable import AdvisorCore
import Testing

/// What-if judges the rules once per class of answers (WhatIfTable): the list must be exactly
/// what a full evaluation of every changed profile gives, with the table worked out per call
/// or once for the engine (plan, batch).
@Suite struct WhatIfClassTests {
    /// Profiles over every question: choices, sets, sizes and rates at a candidate value
    /// exactly, just beside one, or anywhere; lowest-cost and Regions included.
    static func profiles(_ count: Int, engine: Engine) -> [Profile] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let catalog = engine.catalog
        return (0..<count).map { _ in
            var p = Profile()
            for question in catalog.questions where next(3) > 0 {
                let values = question.valueNames
                let candidates = engine.candidateValues(for: question)
                switch question.kind {
                case .choice:
                    if !values.isEmpty { p[question.key] = .choice(values[next(values.count)]) }
                case .set:
                    if !values.isEmpty { p[question.key] = .set(values.filter { _ in next(4) == 0 }.isEmpty ? [values[next(values.count)]] : values.filter { _ in next(3) == 0 }) }
                case .size:
                    let bytes: Double
                    if !candidates.isEmpty, next(2) == 0, case let .success(size) = DataSize.parse(candidates[next(candidates.count)]) {
                        bytes = size.bytes + Double(next(3) - 1)
                    } else {
                        bytes = Double(1 + next(5_000)) * 1_073_741_824
                    }
                    p[question.key] = .size(DataSize(bytes: max(1, bytes)))
                case .rate:
                    let rate: Double
                    if !candidates.isEmpty, next(2) == 0, case let .success(r) = RequestRate.parse(candidates[next(candidates.count)]) {
                        rate = r.perSecond + Double(next(3) - 1)
                    } else {
                        rate = Double(1 + next(3_000_000))
                    }
                    p[question.key] = .rate(RequestRate(perSecond: max(1, rate)))
                case .percent:
                    p[question.key] = .percent(Double(next(101)))
                }
            }
            if next(4) == 0 { p[Engine.costPriorityKey] = .choice("lowest-cost") }
            return p
        }
    }

    @Test func whatIfIsWhatAFullEvaluationOfEachChangeGives() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prepareWhatIfs()
        var mismatches = 0, listed = 0
        for (k, p) in WhatIfClassTests.profiles(160, engine: engine).enumerated() {
            let pick = engine.recommend(p, withWhatIf: false).pick.service.id
            let expected = engine.whatIfsByFullEvaluation(p, pick: pick)
            listed += expected.count
            let once = engine.whatIfs(p, pick: pick), shared = prepared.whatIfs(p, pick: pick)
            if once != expected || shared != expected {
                mismatches += 1
                if mismatches <= 3 { Issue.record("profile \(k) \(p.json(order: sharedCatalog.questions).compactText()): \(once.count) and \(shared.count) listed, \(expected.count) expected") }
            }
        }
        #expect(mismatches == 0)
        // The profiles do reach changes that move the pick.
        #expect(listed > 160)
    }

    /// The classes are finer than nothing: some candidate values share a class (else there
    /// would be nothing to save), and values in one class are judged alike.
    @Test func valuesInOneClassAreJudgedAlike() throws {
        let engine = Engine(catalog: sharedCatalog)
        let table = WhatIfTable(engine: engine)
        let q = try #require(sharedCatalog.questions.firstIndex { $0.key == "data-size" })
        let candidates = table.candidates[q]
        #expect(table.classCount[q] > 1 && table.classCount[q] < candidates.count)
        for x in candidates {
            for y in candidates where x.class == y.class {
                var px = Profile(), py = Profile()
                px["data-size"] = x.answer
                py["data-size"] = y.answer
                let ax = engine.assess(px, withReasons: false), ay = engine.assess(py, withReasons: false)
                #expect(ax.map(\.score) == ay.map(\.score) && ax.map { $0.exclusions.map(\.rule) } == ay.map { $0.exclusions.map(\.rule) }, "\(x.value) \(y.value)")
            }
        }
    }
}

extension Engine {
    /// What-if the long way: every candidate value of every question, the changed profile
    /// evaluated in full, each change that moves the pick listed.
    func whatIfsByFullEvaluation(_ p: Profile, pick: String) -> [WhatIf] {
        var expected: [WhatIf] = []
        for question in catalog.questions {
            for value in candidateValues(for: question) {
                guard let answer = variant(of: p, question: question, value: value) else { continue }
                var changed = p
                changed[question.key] = answer
                if let best = genuinePick(changed), best != pick { expected.append(WhatIf(key: question.key, value: answer.text, service: best)) }
            }
        }
        return expected
    }
}

/// What-if judges only the services that may fit in a question's variants
/// (`servicesThatMayFit`), passes over a question when bounds alone show that no answer to it
/// can move the pick (`pickHolds`), and over lowest-cost's estimates when the pick leads by
/// more than their weight (`leadsBeyondCheapest`). Each must be what the full evaluation of
/// every variant agrees with.
@Suite struct WhatIfBoundTests {
    @Test func aQuestionPassedOverHasNoVariantThatMovesThePick() {
        let engine = Engine(catalog: sharedCatalog)
        let n = sharedCatalog.services.count
        var bound = [Double](repeating: 0, count: n)
        var fitting: [Int] = []
        var passed = 0, judged = 0, leftOut = 0
        for p in WhatIfClassTests.profiles(120, engine: engine) {
            let pick = engine.recommend(p, withWhatIf: false).pick.service.id
            let a = engine.evaluator.answers(p)
            let held = engine.firing(a)
            let fired = engine.matrix(held)
            let (scores, severity) = engine.totals(held)
            for (q, question) in sharedCatalog.questions.enumerated() {
                engine.servicesThatMayFit(q, fired: fired, severity: severity, lowest: &bound, into: &fitting)
                leftOut += n - fitting.count
                for value in engine.candidateValues(for: question) {
                    guard let answer = engine.variant(of: p, question: question, value: value) else { continue }
                    var changed = p
                    changed[question.key] = answer
                    let excluded = engine.assess(changed, withReasons: false).map(\.isExcluded)
                    for t in 0..<n where !fitting.contains(t) { #expect(excluded[t], "\(question.key)=\(value): \(sharedCatalog.services[t].id)") }
                }
            }
            guard let s = sharedCatalog.services.firstIndex(where: { $0.id == pick }), severity[s] == 0 else { continue }
            for (q, question) in sharedCatalog.questions.enumerated() {
                let cheapest = engine.wantsLowestCost(p) || question.key == Engine.costPriorityKey
                judged += 1
                engine.servicesThatMayFit(q, fired: fired, severity: severity, lowest: &bound, into: &fitting)
                guard engine.pickHolds(q, pick: s, fired: fired, scores: scores, mayFit: fitting, cheapest: cheapest, bound: &bound) else { continue }
                passed += 1
                for value in engine.candidateValues(for: question) {
                    guard let answer = engine.variant(of: p, question: question, value: value) else { continue }
                    var changed = p
                    changed[question.key] = answer
                    #expect(engine.genuinePick(changed) == pick, "\(question.key)=\(value) on \(p.json(order: sharedCatalog.questions).compactText())")
                }
            }
        }
        // The bounds do pass over questions (else they would save nothing), and not over all.
        #expect(passed > 0 && passed < judged)
        #expect(leftOut > 0)
    }

    @Test func aPickThatLeadsBeyondLowestCostsWeightStays() {
        let engine = Engine(catalog: sharedCatalog)
        var kept = 0
        for var p in WhatIfClassTests.profiles(120, engine: engine) {
            p[Engine.costPriorityKey] = .choice("lowest-cost")
            let (scores, severity) = engine.totals(engine.firing(engine.evaluator.answers(p)))
            guard let best = Ranking.best(engine.idOrder, scores: scores, where: { severity[$0] == 0 }),
                  engine.leadsBeyondCheapest(best, scores: scores, severity: severity) else { continue }
            kept += 1
            #expect(engine.genuinePick(p) == sharedCatalog.services[best].id)
        }
        #expect(kept > 0)
    }
}
