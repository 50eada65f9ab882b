import AdvisorCore
import Testing

@Suite struct EngineTests {
    let engine = Engine(catalog: sharedCatalog)

    static let profiles = [
        "{}", #"{"data-shape":"relational"}"#, #"{"data-shape":"ledger","consistency":"verifiable-history"}"#,
        #"{"data-shape":"key-value","latency":"microseconds","role":"cache"}"#, #"{"data-shape":"graph","features":"stored-procedures"}"#,
        #"{"data-shape":"time-series","throughput":"2M"}"#, #"{"role":"cache","consistency":"verifiable-history"}"#,
        #"{"data-shape":"document","max-item-size":"2MB","access-patterns":"key-lookup"}"#,
    ]

    @Test(arguments: profiles)
    func everyServiceAppearsExactlyOnce(json: String) {
        let r = engine.recommend(profile(json))
        let ids = [r.pick.service.id] + r.alternatives.map(\.0.service.id) + r.excluded.map(\.service.id)
        #expect(ids.sorted() == sharedCatalog.serviceIDs.sorted())
    }

    @Test(arguments: profiles)
    func retiredServicesAreNeverPicked(json: String) {
        let pick = engine.recommend(profile(json)).pick.service
        #expect(pick.lifecycle.isAvailableForNewWorkloads)
    }

    @Test func ledgerGoesToTheNamedSuccessorAndNamesQLDB() {
        let r = engine.recommend(profile(#"{"data-shape":"ledger","consistency":"verifiable-history"}"#))
        #expect(r.pick.service.id == "aurora-postgresql")
        #expect(r.warnings.contains { $0.kind == .retired && $0.text.contains("QLDB") && $0.text.contains("2025-07-31") })
    }

    @Test func itemSizeExcludesDynamoDBWithTheFact() {
        let r = engine.recommend(profile(#"{"data-shape":"document","max-item-size":"2MB"}"#))
        let dynamo = r.excluded.first { $0.service.id == "dynamodb" }
        #expect(dynamo?.exclusions.contains { $0.rule == "item-size-over-limit" && $0.text.contains("400KB") } == true)
    }

    @Test func conflictingAnswersWarnInsteadOfFailing() {
        let r = engine.recommend(profile(#"{"role":"cache","consistency":"verifiable-history"}"#))
        #expect(r.warnings.contains { $0.kind == .profile && $0.text.hasPrefix("Conflicting answers") })
    }

    /// The questionnaire asks a new project for the engine the team knows best: naming one is
    /// not a conflict, and no reason may speak of an existing database the profile never claimed.
    @Test func newProjectWithTheTeamsEngineIsNoConflict() {
        let r = engine.recommend(profile(#"{"data-shape":"relational","project":"new","existing-engine":"postgresql"}"#))
        #expect(!r.warnings.contains { $0.text.hasPrefix("Conflicting answers") })
        #expect(!r.pick.scoreFindings.contains { $0.text.contains("existing postgresql database") })
        #expect(r.pick.service.id.contains("postgresql"))
    }

    @Test func impossibleProfileStillGivesAFlaggedPick() {
        let r = engine.recommend(profile(#"{"data-shape":"graph","features":"stored-procedures"}"#))
        #expect(r.confidence.level == .low && r.confidence.fallback)
        #expect(r.warnings.first?.kind == .nothingFits && r.warnings.first?.text.hasPrefix("No service meets every requirement") == true)
    }

    @Test func unansweredCoreQuestionsThatMatterAreNamed() {
        let r = engine.recommend(profile(#"{"data-shape":"key-value"}"#))
        #expect(r.warnings.contains { $0.kind == .unanswered && $0.text.hasPrefix("Unanswered core questions could change the pick") })
        #expect(!r.whatIf.isEmpty)
        for w in r.whatIf { #expect(w.service != r.pick.service.id) }
    }

    @Test func refactorRulesOutTheSameEngine() {
        let r = engine.recommend(profile(#"{"data-shape":"relational","existing-engine":"oracle","project":"refactor"}"#))
        #expect(r.pick.service.id == "aurora-postgresql")
        #expect(r.excluded.contains { $0.service.id == "rds-oracle" })
        #expect(r.pick.configuration.contains { $0.text.contains("AWS SCT") })
    }

    @Test func recommendationIsDeterministic() {
        let p = profile(#"{"data-shape":"key-value","throughput":"100k","traffic":"spiky"}"#)
        let a = engine.recommend(p), b = engine.recommend(p)
        #expect(a.pick.service.id == b.pick.service.id)
        #expect(a.alternatives.map(\.0.service.id) == b.alternatives.map(\.0.service.id))
        #expect(a.warnings == b.warnings && a.whatIf == b.whatIf)
    }
}
