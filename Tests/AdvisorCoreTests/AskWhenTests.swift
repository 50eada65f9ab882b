@testable import AdvisorCore
import Testing

/// A question is hidden only when no value of it could change the pick (issue 18).
/// `askWhen` in catalog/questions.json hides a question; these tests try every value of every
/// hidden question on the shared scenarios and a few hundred generated profiles.
@Suite struct AskWhenTests {
    let engine = Engine(catalog: sharedCatalog)
    let flow = Questionnaire(catalog: sharedCatalog)

    /// The values tried for a question: every listed value (sets: each alone, and all of them),
    /// or for sizes, rates and percentages a spread from tiny to huge plus the thresholds the
    /// rules compare with.
    func values(for question: Question) -> [String] {
        switch question.kind {
        case .choice: return question.valueNames
        case .set: return question.valueNames + [question.valueNames.joined(separator: ",")]
        case .size:
            return ["1KB", "4KB", "100KB", "400KB", "1MB", "2MB", "16MB", "100MB", "500MB", "200GB", "3TB", "50TB", "300TB", "2PB", "50PB"]
                + engine.candidateValues(for: question)
        case .rate: return ["1", "50", "500", "2k", "20k", "150k", "1.5M", "50M"] + engine.candidateValues(for: question)
        case .percent: return ["0%", "1%", "10%", "50%", "80%", "95%", "100%"]
        }
    }

    /// The profiles checked: the shared scenarios, then generated ones (a fixed seed).
    func profiles(generated count: Int) throws -> [Profile] {
        var out = scenarioProfiles.map(profile)
        var g = PropertyTests.Generator(state: 18)
        for _ in 0..<count {
            out.append(try sharedCatalog.parseProfile(.object(PropertyTests.randomMembers(&g))).get().0)
        }
        return out
    }

    @Test func aHiddenQuestionCannotChangeThePick() throws {
        let hidable = sharedCatalog.questions.filter { $0.askWhen != nil }
        #expect(!hidable.isEmpty)
        var hiddenCases = 0
        var problems: [String] = []
        for base in try profiles(generated: 400) {
            for question in hidable {
                var without = base
                without[question.key] = nil
                guard !flow.isRelevant(question, given: without) else { continue }
                hiddenCases += 1
                let pick = engine.pick(without)
                for text in values(for: question) {
                    var with = without
                    with[question.key] = try sharedCatalog.parseAnswer(key: question.key, text: text).get()
                    let changed = engine.pick(with)
                    // The first case of each question and value, so one run shows every kind.
                    if changed != pick, !problems.contains(where: { $0.hasPrefix("\(question.key)=\(text) ") }) {
                        problems.append("\(question.key)=\(text) changes the pick: \(question.key) is hidden for \(flow.commandLine(for: without)), yet --\(question.key) \(text) changes the pick from \(pick) to \(changed)")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // The check is not empty: some profiles do hide a question.
        #expect(hiddenCases > 50, "only \(hiddenCases) hidden cases were tried")
    }

    /// The questionnaire asks in catalog order and decides whether to ask a question when its
    /// turn comes, so an askWhen may read only the answers to questions asked before it.
    @Test func askWhenReadsOnlyEarlierQuestions() {
        let order = sharedCatalog.questions.map(\.key)
        for (i, question) in sharedCatalog.questions.enumerated() {
            guard let condition = question.askWhen else { continue }
            var refs = ConditionReferences()
            condition.references(into: &refs)
            for key in refs.keys {
                let at = order.firstIndex(of: key)
                #expect(at.map { $0 < i } == true, "askWhen of \(question.key) reads \(key), which is not asked before it")
            }
        }
    }

    /// The case issue 18 found: the engine the team knows changes the pick for a new
    /// project, so the question is asked for new projects too (it had askWhen project ≠ new).
    @Test func existingEngineIsAskedForANewProject() throws {
        let p = profile(#"{"data-shape":"relational","project":"new"}"#)
        let question = try #require(sharedCatalog.question("existing-engine"))
        #expect(flow.remaining(after: p).contains { $0.key == "existing-engine" })
        var mysql = p
        mysql["existing-engine"] = .choice("mysql")
        #expect(flow.isRelevant(question, given: p))
        // The engine the team knows changes the pick for a new project (issue 18 measured it).
        #expect(engine.pick(mysql) != engine.pick(p), "\(engine.pick(p))")
    }
}
