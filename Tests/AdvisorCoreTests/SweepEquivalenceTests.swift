@testable import AdvisorCore
import Testing

/// The one evaluator's operators, by hand, and the lint sweep's fast paths deciding exactly as
/// the engine's plain ones: the sweep's evaluation carried from profile to profile as a full
/// evaluation of each profile.
@Suite struct SweepEquivalenceTests {
    let engine = Engine(catalog: sharedCatalog)


    /// Each operator of the one evaluator, by hand: question 0 a choice or set (bits), question
    /// 1 a number; two services. What a `lacksAnswer` captures survives only along the branch
    /// that decided.
    @Test func eachOperatorDecidesAndCapturesAsDocumented() {
        typealias T = RuleEvaluator.Test
        func run(_ test: T, mask: UInt64, number: Double?, service s: Int) -> (Bool, RuleEvaluator.Capture) {
            var program = TestProgram(services: 2)
            let root = program.add(test)
            let a = RuleEvaluator.Answers(mask: [mask, 0], number: [.nan, number ?? .nan], answered: [mask != 0, number != nil])
            var capture = RuleEvaluator.Capture()
            return (program.holds(root, a, s, &capture), capture)
        }
        func holds(_ test: T, mask: UInt64 = 0, number: Double? = nil, service s: Int = 0) -> Bool { run(test, mask: mask, number: number, service: s).0 }
        #expect(holds(.constant(true)) && !holds(.constant(false)))
        #expect(holds(.perService([false, true]), service: 1) && !holds(.perService([false, true]), service: 0) && !holds(.perService([true, true]), service: -1))
        #expect(holds(.answered(0, true), mask: 0b1) && !holds(.answered(0, true)) && holds(.answered(0, false)))
        #expect(holds(.answerIntersects(0, 0b110), mask: 0b010) && !holds(.answerIntersects(0, 0b110), mask: 0b001))
        #expect(holds(.numberAtLeast(1, 10), number: 10) && !holds(.numberAtLeast(1, 10), number: 9.9) && !holds(.numberAtLeast(1, 10)))
        #expect(holds(.numberBelow(1, 10), number: 9.9) && !holds(.numberBelow(1, 10), number: 10) && !holds(.numberBelow(1, 10)))
        #expect(holds(.factIncludesAnswer(0, [0b111, nil]), mask: 0b101) && !holds(.factIncludesAnswer(0, [0b011, nil]), mask: 0b101)
                && !holds(.factIncludesAnswer(0, [0b111, nil])) && !holds(.factIncludesAnswer(0, [0b111, nil]), mask: 0b1, service: 1))
        #expect(holds(.factBelowAnswer(1, [5, nil]), number: 6) && !holds(.factBelowAnswer(1, [5, nil]), number: 5)
                && !holds(.factBelowAnswer(1, [5, nil]), number: 6, service: 1) && !holds(.factBelowAnswer(1, [5, nil])))
        // Ranks from the data: value 0 ranks 3, value 1 ranks 1; service 0 ranks 2.
        let slower = T.factSlower(0, serviceRanks: [2, nil], valueRanks: [3, 1], slower: true)
        let notSlower = T.factSlower(0, serviceRanks: [2, nil], valueRanks: [3, 1], slower: false)
        #expect(holds(slower, mask: 0b10) && !holds(slower, mask: 0b01) && holds(notSlower, mask: 0b01) && !holds(slower, mask: 0b10, service: 1))
        #expect(holds(.familyMatches(0, [1, -1]), mask: 0b10) && !holds(.familyMatches(0, [1, -1]), mask: 0b11) && !holds(.familyMatches(0, [1, -1]), mask: 0b10, service: 1))
        #expect(holds(.all([])) && !holds(.any([])) && holds(.not(.constant(false))))
        #expect(holds(.all([.constant(true), .answered(0, true)]), mask: 1) && !holds(.all([.constant(true), .answered(0, true)])))
        #expect(holds(.any([.constant(false), .answered(0, true)]), mask: 1))

        // For a catalog of two services: bits 0 and 1, and "no service" (bit 63), never more.
        var two = TestProgram(services: 2)
        let negation = two.add(.not(.perService([true, false])))
        let answered = two.add(.answered(0, false))
        let none = RuleEvaluator.Answers(mask: [0, 0], number: [.nan, .nan], answered: [false, false])
        #expect(two.subjects(negation, none) == 0b10 | TestProgram.bit(-1))
        #expect(two.subjects(answered, none) == 0b11 | TestProgram.bit(-1))

        let lacks = T.factLacksAnswer(0, [0b001, nil])
        let (fires, capture) = run(lacks, mask: 0b101, number: nil, service: 0)
        #expect(fires && capture.question == 0 && capture.missing == 0b100)
        #expect(!run(lacks, mask: 0b001, number: nil, service: 0).0 && !run(lacks, mask: 0b101, number: nil, service: 1).0)
        // An `all` that fails after its lacksAnswer held keeps nothing; an `any` keeps the branch that held.
        #expect(run(.all([lacks, .constant(false)]), mask: 0b101, number: nil, service: 0).1.question == -1)
        let either = run(.any([.all([lacks, .constant(false)]), .constant(true)]), mask: 0b101, number: nil, service: 0)
        #expect(either.0 && either.1.question == -1)
        #expect(run(.any([.constant(false), lacks]), mask: 0b101, number: nil, service: 0).1.missing == 0b100)
        // What a negated test found is not the rule's reason.
        let negated = run(.not(.not(lacks)), mask: 0b101, number: nil, service: 0)
        #expect(negated.0 && negated.1.question == -1)
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
            let held = engine.firing(a)
            let (scores, severity) = engine.totals(held)
            #expect(state.fired == engine.matrix(held), "\(profile)")
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

    /// The ranked lists read the assessments where they lie: the pick, the rest and the
    /// excluded are every assessment once, the rest eligible and by score, and the lists lent
    /// (`withLent`, batch's writer) hold what their subscripts give.
    @Test func rankedListsHoldEveryAssessmentOnce() {
        var checked = 0
        for profile in sweptProfiles(stride: 97) {
            let all = engine.assess(profile, withReasons: false)
            let ranked = engine.rank(all)
            let ids = [ranked.pick.service.id] + ranked.rest.map(\.service.id) + ranked.excluded.map(\.service.id)
            #expect(ids.sorted() == all.map(\.service.id).sorted(), "\(profile)")
            #expect(ranked.rest.allSatisfy { !$0.isExcluded }, "\(profile)")
            #expect(zip(ranked.rest, ranked.rest.dropFirst()).allSatisfy { $0.score >= $1.score }, "\(profile)")
            if !ranked.relaxed { #expect(ranked.excluded.allSatisfy { $0.isExcluded }, "\(profile)") }
            for list in [ranked.rest, ranked.excluded] {
                let lent = list.withLent { items, positions in positions.map { items[$0].service.id } }
                #expect(lent == list.map(\.service.id), "\(profile)")
                #expect(list.indices == 0..<list.count)
            }
            checked += 1
        }
        #expect(checked > 100)
        let plain = RankedAssessments(engine.assess(Profile(answers: ["data-shape": .choice("graph")]), withReasons: false))
        #expect(plain.map(\.service.id) == sharedCatalog.services.map(\.id))
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
