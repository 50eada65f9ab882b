import AdvisorCore
import Foundation
import Testing

/// Profiles of the shared seed scenarios when ../shared is beside the repository, else a
/// handful of our own, so the test means the same thing on any machine.
let scenarioProfiles: [String] = {
    let path = URL(fileURLWithPath: catalogDirectory).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/scenarios/seeds.jsonl").path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        return [#"{"data-shape":"relational"}"#, #"{"data-shape":"key-value","latency":"microseconds"}"#, #"{"data-shape":"ledger"}"#]
    }
    return text.split(separator: "\n").compactMap { line in
        (try? JSONParser.parse(String(line)))?["profile"]?.compactText()
    }
}()

@Suite struct ReasoningTests {
    let engine = Engine(catalog: sharedCatalog)

    /// Every what-if entry, applied to its profile, really produces the pick it claims.
    @Test(arguments: scenarioProfiles)
    func whatIfClaimsHold(json: String) throws {
        let p = profile(json)
        let r = engine.recommend(p)
        for w in r.whatIf {
            var changed = p
            changed[w.key] = try sharedCatalog.parseAnswer(key: w.key, text: w.value).get()
            #expect(engine.pick(changed) == w.service, "\(w.key)=\(w.value)")
            #expect(w.service != r.pick.service.id)
        }
    }

    @Test func whyNamesTheItemLimitAndItsSource() throws {
        let e = try #require(engine.explain("dynamodb", profile: profile(#"{"data-shape":"document","max-item-size":"2MB"}"#)))
        let exclusion = try #require(e.assessment.exclusions.first { $0.rule == "item-size-over-limit" })
        #expect(exclusion.text.contains("400KB"))
        #expect(exclusion.source.hasPrefix("https://docs.aws.amazon.com/amazondynamodb/"))
    }

    @Test func whyNamesMissingExtensionsAndTheWayOut() throws {
        let e = try #require(engine.explain("aurora-dsql", profile: profile(#"{"data-shape":"relational","features":"extensions"}"#)))
        #expect(e.assessment.exclusions.contains { $0.rule == "features-missing" && $0.text.contains("extensions") })
        let change = try #require(e.smallestChange)
        #expect(change.count == 1 && change[0].key == "features" && change[0].value == nil)
    }

    @Test func smallestChangeReallyMakesItThePick() throws {
        let p = profile(#"{"data-shape":"relational","consistency":"acid-transactions"}"#)
        let e = try #require(engine.explain("rds-mysql", profile: p))
        let change = try #require(e.smallestChange)
        var changed = p
        for c in change { changed[c.key] = try c.value.map { try sharedCatalog.parseAnswer(key: c.key, text: $0).get() } }
        #expect(engine.genuinePick(changed) == "rds-mysql")
    }

    @Test func retiredServicesHaveNoWayIn() throws {
        let e = try #require(engine.explain("qldb", profile: profile(#"{"data-shape":"ledger"}"#)))
        #expect(e.smallestChange == nil && e.rank == nil)
    }
}
