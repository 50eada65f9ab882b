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
            // Every service against the pick, not only the alternatives the ranking keeps.
            for other in all where other.service !== ranked.pick.service {
                let expected = WhyNotTests.allThenFirstFour(other, against: ranked.pick)
                #expect(engine.whyNot(other, against: ranked.pick) == expected)
                compared += 1
                if expected.count < 4 { short += 1 } else { long += 1 }
            }
        }
        // Both cases are reached: fewer than four reasons, and four kept.
        #expect(compared > 1_000 && short > 0 && long > 0)
    }
}
