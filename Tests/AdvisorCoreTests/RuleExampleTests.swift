import AdvisorCore
import Testing

/// One example of one rule, named for the test report.
struct RuleExample: CustomTestStringConvertible, Sendable {
    var rule: Rule
    var example: Rule.Example
    var shouldFire: Bool

    var testDescription: String {
        "\(rule.id) \(shouldFire ? "fires" : "does not fire") for \(example.profile.compactText())" + (example.service.map { " on \($0)" } ?? "")
    }
}

/// Every example of every rule in the catalog: adding a rule adds its tests.
let allRuleExamples: [RuleExample] = sharedCatalog.rules.flatMap { rule in
    rule.fires.map { RuleExample(rule: rule, example: $0, shouldFire: true) }
        + rule.doesNotFire.map { RuleExample(rule: rule, example: $0, shouldFire: false) }
}

@Suite struct RuleExampleTests {
    @Test func everyRuleHasBothKindsOfExample() {
        for rule in sharedCatalog.rules {
            #expect(!rule.fires.isEmpty && !rule.doesNotFire.isEmpty, "\(rule.id)")
        }
    }

    @Test(arguments: allRuleExamples)
    func ruleExampleHolds(_ case_: RuleExample) throws {
        let engine = Engine(catalog: sharedCatalog)
        guard case let .success((profile, _)) = sharedCatalog.parseProfile(case_.example.profile) else {
            Issue.record("the example profile does not parse")
            return
        }
        let service = case_.example.service.flatMap(sharedCatalog.service)
        let fired = engine.fires(case_.rule, profile: profile, service: service)
        #expect(fired == case_.shouldFire, "\(case_.rule.file) \(case_.rule.id)")
    }
}
