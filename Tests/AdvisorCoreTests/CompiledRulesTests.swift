@testable import AdvisorCore
import Testing

/// The compiled rules (what-if, sweeps) must pick exactly what the rules as written pick.
@Suite struct CompiledRulesTests {
    @Test func compiledAndWrittenRulesAgreeOverTheSweep() {
        let engine = Engine(catalog: sharedCatalog)
        var n = 0, checked = 0
        Sweep(catalog: sharedCatalog).forEachProfile { profile in
            n += 1
            guard n % 13 == 0 else { return }
            checked += 1
            let reference = engine.referencePick(profile)
            #expect(engine.pick(profile) == reference.id, "\(profile.json(order: sharedCatalog.questions).compactText())")
            #expect(engine.genuinePick(profile) == (reference.relaxed ? nil : reference.id))
        }
        #expect(checked > 2000)
    }

    @Test func compiledRulesAgreeOnEveryRuleExample() {
        let engine = Engine(catalog: sharedCatalog)
        for rule in sharedCatalog.rules {
            for example in rule.fires + rule.doesNotFire {
                guard case let .success((profile, _)) = sharedCatalog.parseProfile(example.profile) else { continue }
                #expect(engine.pick(profile) == engine.referencePick(profile).id, "\(rule.id)")
                if !rule.isServiceRule {
                    let compiled = engine.firingWarnings(profile).contains { $0.id == rule.id }
                    #expect(compiled == engine.fires(rule, profile: profile, service: nil).0, "\(rule.id)")
                }
            }
        }
    }
}

@Suite struct CompiledAssessmentTests {
    /// Every finding, score and exclusion agrees between the compiled and the written rules.
    @Test func assessmentsAgree() {
        let engine = Engine(catalog: sharedCatalog)
        var n = 0
        Sweep(catalog: sharedCatalog).forEachProfile { profile in
            n += 1
            guard n % 41 == 0 else { return }
            let fast = engine.assess(profile, withReasons: false), slow = engine.assessWritten(profile)
            for (f, s) in zip(fast, slow) {
                #expect(f.score == s.score)
                #expect(f.exclusions.map(\.rule) == s.exclusions.map(\.rule))
                #expect(f.scoreFindings.map(\.rule) == s.scoreFindings.map(\.rule))
                #expect(f.configuration.map(\.rule) == s.configuration.map(\.rule), "\(f.service.id)")
            }
        }
    }
}
