@testable import AdvisorCore
import Testing

/// A CSV row's summary (`Engine.row`, from which rules fire) is what a full recommendation
/// says (`RowSummary(recommend(...))`): pick, confidence level, scores, runner-up and the
/// decisive reason's text, for profiles of every kind, fallbacks and lowest-cost included.
@Suite struct RowSummaryTests {
    @Test func aRowIsWhatTheRecommendationSays() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prerenderReasons()
        prepared.prepareRequirementFacts()
        var profiles = WhatIfClassTests.profiles(3_000, engine: engine)
        profiles.append(Profile())
        var mismatches = 0, relaxed = 0, noRunnerUp = 0, cheapestDecisive = 0, ties = 0
        for p in profiles {
            let expected = RowSummary(engine.recommend(p, withWhatIf: false))
            for e in [engine, prepared] where e.row(p) != expected {
                mismatches += 1
                if mismatches <= 3 { Issue.record("\(p.answers): \(e.row(p)) against \(expected)") }
            }
            if engine.recommend(p, withWhatIf: false).confidence.fallback { relaxed += 1 }
            if expected.runnerUp == nil { noRunnerUp += 1 }
            if expected.decisive?.hasPrefix("Cheapest estimate") == true { cheapestDecisive += 1 }
            if expected.runnerUpScore == expected.score { ties += 1 }
        }
        #expect(mismatches == 0)
        // The cases the row works out its own way all occur.
        #expect(relaxed > 0 && noRunnerUp > 0 && cheapestDecisive > 0 && ties > 0, "relaxed \(relaxed), no runner-up \(noRunnerUp), cheapest \(cheapestDecisive), ties \(ties)")
    }
}

/// The engine judges a rule for every service at once, one bit of a 64-bit word each (bit 63
/// stands for "no service"): a catalog of more than 63 services is refused when it loads, with
/// the limit named, before anything is compiled.
@Suite struct ServiceLimitTests {
    @Test func aCatalogOfMoreThan63ServicesIsRefused() throws {
        var files = try catalogFiles(in: catalogDirectory)
        let template = try JSONParser.parse(files["services/athena.json"]!)
        var manifest = try JSONParser.parse(files["catalog.json"]!)
        var ids = manifest["services"]?.arrayValue ?? []
        let extra = TestProgram.maxServices + 1 - sharedCatalog.services.count
        #expect(extra > 0)
        for k in 0..<extra {
            guard case var .object(members) = template else { return }
            for (m, member) in members.enumerated() {
                if member.0 == "id" { members[m].1 = .string("athena-copy-\(k)") }
                if member.0 == "name" { members[m].1 = .string("Amazon Athena copy \(k)") }
            }
            files["services/athena-copy-\(k).json"] = Array(JSON.object(members).prettyText().utf8)
            ids.append(.string("athena-copy-\(k)"))
        }
        if case var .object(members) = manifest, let at = members.firstIndex(where: { $0.0 == "services" }) {
            members[at].1 = .array(ids)
            manifest = .object(members)
        }
        files["catalog.json"] = Array(manifest.prettyText().utf8)
        let problems = loadProblems(files)
        #expect(problems.contains { $0.message.contains("at most \(TestProgram.maxServices) are allowed") }, "\(problems.prefix(3))")
    }
}
