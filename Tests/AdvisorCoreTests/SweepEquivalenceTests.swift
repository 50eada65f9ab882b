@testable import AdvisorCore
import Testing

/// The lint sweep's fast paths decide exactly as the engine's plain ones: the flat test
/// programs as the compiled condition trees, and the sweep's evaluation carried from profile
/// to profile as a full evaluation of each profile.
@Suite struct SweepEquivalenceTests {
    let engine = Engine(catalog: sharedCatalog)

    /// Every `stride`-th profile of the sweep, with the answers as the evaluator reads them.
    func sweptProfiles(stride: Int) -> [Profile] {
        var out: [Profile] = []
        var k = 0
        Sweep(catalog: sharedCatalog).forEachProfile { p in
            if k % stride == 0 { out.append(p) }
            k += 1
        }
        return out
    }

    @Test func flatProgramsDecideAsTheConditionTrees() {
        let e = engine.evaluator, w = engine.warnEvaluator
        var compared = 0
        for profile in sweptProfiles(stride: 211) {
            let a = e.answers(profile)
            for i in e.when.indices {
                for s in -1..<sharedCatalog.services.count {
                    if let when = e.when[i] {
                        #expect(e.program.holds(e.whenAt[i], a, s) == e.holds(when, a, s), "rule \(engine.serviceRules[i].id), service \(s)")
                    }
                    #expect(e.program.holds(e.selectorAt[i], a, s) == e.holds(e.selector[i], a, s), "rule \(engine.serviceRules[i].id), service \(s)")
                    compared += 1
                }
            }
            for i in w.when.indices {
                #expect(engine.warningFires(i, a) == (w.when[i].map { w.holds($0, a, -1) } ?? true), "warning \(engine.warnRules[i].id)")
            }
        }
        #expect(compared > 100_000)
    }

    @Test func theSweepsCarriedEvaluationIsAFullEvaluation() {
        var state = IncrementalEvaluation(engine: engine)
        var k = 0, compared = 0
        Sweep(catalog: sharedCatalog).forEachChange { changes, profile in
            state.apply(changes)
            defer { k += 1 }
            guard k % 37 == 0 else { return }
            let a = engine.evaluator.answers(profile)
            #expect(state.answers.mask == a.mask && state.answers.answered == a.answered
                    && zip(state.answers.number, a.number).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
            let fired = engine.firing(a)
            let (scores, severity) = engine.totals(fired)
            #expect(state.fired == fired, "\(profile)")
            #expect(state.scores == scores && state.severity == severity, "\(profile)")
            compared += 1
        }
        #expect(compared > 1_000)
        #expect(sweptProfiles(stride: 1).count == k)
    }

    @Test func rankingByTieBreakPositionIsTheRanking() {
        var relaxed = 0
        for profile in sweptProfiles(stride: 97) {
            let all = engine.assess(profile, withReasons: false)
            let plain = Ranking.rank(all, policy: sharedCatalog.ranking), fast = engine.rank(all)
            #expect(plain.pick.service.id == fast.pick.service.id, "\(profile)")
            #expect(plain.rest.map(\.service.id) == fast.rest.map(\.service.id), "\(profile)")
            #expect(plain.excluded.map(\.service.id) == fast.excluded.map(\.service.id), "\(profile)")
            #expect(plain.relaxed == fast.relaxed)
            if plain.relaxed { relaxed += 1 }
        }
        #expect(relaxed > 0)
    }

    @Test func memoisedCostsPickAsTheEstimates() {
        var lowestCost = 0
        // lowest-cost with the costs the sweep keeps by estimate inputs: the same favoured services.
        for profile in sweptProfiles(stride: 7) where engine.wantsLowestCost(profile) {
            let (base, severity) = engine.totals(engine.firing(engine.evaluator.answers(profile)))
            var plain = base, kept = base
            engine.addCheapest(profile, scores: &plain, severity: severity)
            let inputs = engine.estimateInputs(profile)
            engine.addCheapest(scores: &kept, severity: severity) { s in
                let e = engine.estimate(sharedCatalog.services[s].id, inputs)
                return e.pricesTheLoad ? e.monthlyUSD : nil
            }
            #expect(plain == kept, "\(profile)")
            lowestCost += 1
        }
        #expect(lowestCost > 100)
    }
}
