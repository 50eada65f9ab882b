@testable import AdvisorCore
import Testing

/// Issue 14's commands: each gives a pick, or a warning, that says only what is true.
@Suite struct HonestAdviceTests {
    let engine = Engine(catalog: sharedCatalog)

    func warnings(_ r: Recommendation, _ kind: Warning.Kind) -> [String] { r.warnings.filter { $0.kind == kind }.map(\.text) }

    @Test func aTieIsSaidAndBrokenByAStatedRule() {
        // Two services scoring the same: the catalog's tie-break (idle cost, then less to
        // operate) decides, and the output says so.
        var tied: Recommendation? = nil
        for p in generatedProfiles(600, catalog: sharedCatalog) {
            let r = engine.recommend(p, withWhatIf: false)
            if let next = r.alternatives.first?.0, next.score == r.pick.score, !r.confidence.fallback { tied = r; break }
        }
        guard let r = tied else { Issue.record("no tie among the generated profiles"); return }
        let text = warnings(r, .tie)
        #expect(text.count == 1 && text[0].contains("tie at"), "\(r.warnings)")
        #expect(r.confidence.margin == 0 && r.confidence.explanation.contains("tied with"))
    }

    @Test func theTieBreakOrderFollowsTheCatalogsRules() {
        let policy = sharedCatalog.ranking
        #expect(!policy.tieBreak.isEmpty)
        let order = Ranking.tieBreakOrder(sharedCatalog).map { sharedCatalog.services[$0] }
        for (a, b) in zip(order, order.dropFirst()) {
            #expect(!policy.before(b, a), "\(a.id) before \(b.id)")
        }
        // DynamoDB (no idle cost) before DocumentDB (an instance running) when they tie.
        let dynamo = sharedCatalog.service("dynamodb")!, docdb = sharedCatalog.service("documentdb")!
        #expect(policy.before(dynamo, docdb) && policy.decidingRule(dynamo, docdb)?.fact == "idleMonthlyCost")
    }

    @Test func aPickBelowTheFitThresholdIsLowAndSaysWhy() {
        let r = engine.recommend(profile(#"{"latency":"microseconds","data-size":"100TB","access-patterns":"ad-hoc-queries,aggregations,key-range"}"#))
        #expect(r.pick.score < sharedCatalog.ranking.fitThreshold || !warnings(r, .unmet).isEmpty)
        if r.pick.score < sharedCatalog.ranking.fitThreshold {
            #expect(r.confidence.level == .low)
            #expect(warnings(r, .weakFit).first?.contains("Nothing fits this profile well") == true)
        }
    }

    @Test func aMissedRequirementIsNamedWithWhatMeetsIt() {
        // Aurora PostgreSQL holds 128 TiB per cluster; Limitless Database shards beyond it.
        let r = engine.recommend(profile(#"{"data-shape":"relational","existing-engine":"postgresql","project":"migrate","data-size":"200TB"}"#))
        #expect(r.pick.service.id == "aurora-postgresql")
        #expect(r.pick.configuration.contains { $0.rule == "configure-aurora-limitless" })
        let unmet = warnings(r, .unmet)
        #expect(unmet.contains { $0.contains("--data-size") && $0.contains("A configuration meets it") }, "\(unmet)")
    }

    @Test func aCacheIsAnsweredByACachingService() {
        let r = engine.recommend(profile(#"{"data-shape":"relational","role":"cache"}"#))
        #expect(r.pick.service.family == "in-memory", "\(r.pick.service.id)")
    }

    @Test func qldbIsNotNamedWhereItsDocumentLimitRulesItOut() {
        let r = engine.recommend(profile(#"{"data-shape":"document","max-item-size":"3MB"}"#))
        #expect(warnings(r, .retired).isEmpty, "\(r.warnings)")
    }

    @Test func aFractionIsNotReadAsAPercentage() {
        guard case let .failure(error) = sharedCatalog.parseAnswer(key: "read-share", text: "0.8") else {
            Issue.record("0.8 was accepted")
            return
        }
        #expect(error.message.contains("80%"))
        guard case .success(.percent(80)) = sharedCatalog.parseAnswer(key: "read-share", text: "80%") else { Issue.record("80%"); return }
        guard case .success(.percent(0.5)) = sharedCatalog.parseAnswer(key: "read-share", text: "0.5%") else { Issue.record("0.5%"); return }
    }
}

/// The confidence sentence is written into one string (batch writes one a line); these are
/// the sentences it was written as before, part by part, for every kind of confidence.
@Suite struct ConfidenceSentenceTests {
    static func reference(_ c: Confidence) -> String {
        if c.fallback { return "low: no service meets every requirement; the pick is the one whose unmet requirements weigh least." }
        var parts: [String] = []
        if c.weakFit { parts.append("the pick scores below the catalog's fit threshold") }
        if let margin = c.margin, let runnerUp = c.runnerUp {
            parts.append(margin == 0 ? "tied with \(runnerUp)" : "leads \(runnerUp) by \(JSON.format(number: margin)) point\(margin == 1 ? "" : "s")")
        } else {
            parts.append("no other service fits")
        }
        parts.append("\(c.coreAnswered.count) of \(c.coreAnswered.count + c.coreUnanswered.count) core questions answered")
        if !c.couldChangePick.isEmpty { parts.append("unanswered \(c.couldChangePick.joined(separator: ", ")) could change the pick") }
        return "\(c.level.rawValue): " + parts.joined(separator: "; ") + "."
    }

    @Test func everyKindOfConfidenceIsSaidAsBefore() {
        var count = 0
        for level in [Confidence.Level.low, .medium, .high] {
            for margin in [nil, 0, 1, 2.5, 20, 1e16] as [Double?] {
                for runnerUp in [nil, "aurora-postgresql"] as [String?] {
                    for changing in [[], ["latency"], ["latency", "consistency"]] {
                        for (answered, unanswered) in [([], []), (["data-shape"], ["latency", "consistency"]), (["data-shape", "latency", "consistency", "data-size"], [])] {
                            for (fallback, weakFit) in [(false, false), (false, true), (true, false)] {
                                let c = Confidence(level: level, margin: margin, runnerUp: runnerUp, coreAnswered: answered, coreUnanswered: unanswered,
                                                   couldChangePick: changing, fallback: fallback, weakFit: weakFit)
                                #expect(c.explanation == Self.reference(c))
                                count += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(count == 972)
    }
}
