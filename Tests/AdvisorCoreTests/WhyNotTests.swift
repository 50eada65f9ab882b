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
