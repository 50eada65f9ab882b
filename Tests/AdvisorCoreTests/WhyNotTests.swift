@testable import AdvisorCore
import Testing

/// `whyNot` writes the pick's gains only until four findings are listed (only four are kept):
/// the list must be what writing them all and keeping the first four gives.
@Suite struct WhyNotTests {
    /// `whyNot` as it was written before: every gain written out, then the first four kept.
    static func allThenFirstFour(_ other: Assessment, against pick: Assessment) -> [Finding] {
        var out = other.scoreFindings.filter { $0.weight < 0 }.sorted { $0.weight < $1.weight }
        let otherRules = Set(other.scoreFindings.map(\.rule))
        for finding in pick.scoreFindings.sorted(by: { $0.weight > $1.weight }) where finding.weight > 0 && !otherRules.contains(finding.rule) {
            out.append(Finding(rule: finding.rule, text: "\(pick.service.name) gains here: \(finding.text)", source: finding.source, weight: -finding.weight))
        }
        if out.isEmpty {
            out.append(Finding(rule: "score", text: "Scores \(JSON.format(number: other.score)) against \(JSON.format(number: pick.score)) for \(pick.service.name) on the same rules.", source: "", weight: 0))
        }
        return Array(out.prefix(4))
    }

    @Test func whyNotIsTheFirstFourOfEveryReason() {
        let engine = Engine(catalog: sharedCatalog)
        var compared = 0, short = 0, long = 0
        for p in WhatIfClassTests.profiles(60, engine: engine) {
            let all = engine.assess(p)
            let ranked = engine.rank(all)
            // Every service against the pick, not only the alternatives the ranking keeps, with
            // the pick's gains kept from one to the next as `recommend` keeps them.
            var gains = Engine.Gains(ranked.pick)
            for other in all where other.service !== ranked.pick.service {
                let expected = WhyNotTests.allThenFirstFour(other, against: ranked.pick)
                #expect(engine.whyNot(other, against: ranked.pick, gains: &gains) == expected)
                compared += 1
                if expected.count < 4 { short += 1 } else { long += 1 }
            }
        }
        // Both cases are reached: fewer than four reasons, and four kept.
        #expect(compared > 1_000 && short > 0 && long > 0)
    }

    /// What counts for a service, heaviest first (`Assessment.earned`, which the pick's
    /// reasons, its gains and the CSV row's decisive reason read), against an independent
    /// order: weight down, then list order (not the library's sort, whose stability it relies
    /// on). Over every assessment of 60 profiles, and a hand-made one with ties.
    @Test func earnedIsHeaviestFirstWithTiesInListOrder() {
        let engine = Engine(catalog: sharedCatalog)
        func expected(_ a: Assessment) -> [Finding] {
            a.scoreFindings.enumerated().filter { $0.element.weight > 0 }
                .sorted { $0.element.weight != $1.element.weight ? $0.element.weight > $1.element.weight : $0.offset < $1.offset }
                .map(\.element)
        }
        var assessments: [Assessment] = []
        for p in WhatIfClassTests.profiles(60, engine: engine) { assessments += engine.assess(p) }
        let service = sharedCatalog.services[0]
        let weights: [Double] = [5, -3, 10, 5, 0, 10, 1, 5, -8, 10]
        let tied = Assessment(service: service, score: 0,
                              scoreFindings: weights.enumerated().map { Finding(rule: "r\($0.offset)", text: "t\($0.offset)", source: "", weight: $0.element) },
                              exclusions: [], configuration: [])
        #expect(tied.earned.map(\.rule) == ["r2", "r5", "r9", "r0", "r3", "r7", "r6"])
        assessments.append(tied)
        var withTies = 0
        for a in assessments {
            #expect(a.earned == expected(a))
            a.withEarnedPositions { positions in #expect(positions.map { a.scoreFindings[$0] } == expected(a)) }
            let weights = a.earned.map(\.weight)
            if Set(weights).count < weights.count { withTies += 1 }
        }
        #expect(assessments.count > 1_000 && withTies > 10)
    }

    /// The same for the why-not lists a recommendation carries, whole and as batch makes it
    /// (`onlyShown`, reasons kept from one profile to the next).
    @Test func aRecommendationsWhyNotListsAreTheFirstFourOfEveryReason() {
        var engine = Engine(catalog: sharedCatalog)
        engine.prerenderReasons()
        var memo = ReasonMemo(engine: engine)
        var compared = 0
        for p in WhatIfClassTests.profiles(60, engine: engine) {
            for r in [engine.recommend(p, withWhatIf: false), engine.recommend(p, withWhatIf: false, memo: &memo, onlyShown: true)] {
                for (alternative, whyNot) in r.alternatives {
                    #expect(whyNot == WhyNotTests.allThenFirstFour(alternative, against: r.pick))
                    compared += 1
                }
            }
        }
        #expect(compared > 100)
        // The pick's gains were kept from one profile to the next (and given back as written).
        #expect(memo.gains.count { $0 != nil } > 5)
    }
}
