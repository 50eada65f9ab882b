@testable import AdvisorCore
import Foundation
import Testing

/// The catalog's files as bytes, by path relative to catalog/, for copies changed in memory.
func catalogFiles() -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    let root = URL(fileURLWithPath: catalogDirectory)
    let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
    for case let url as URL in walker where url.pathExtension == "json" {
        let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
        files[relative] = Array(try! Data(contentsOf: url))
    }
    return files
}

/// A copy of the catalog with one file's JSON changed.
func catalogCopy(changing path: String, _ change: (JSON) -> JSON) -> [String: [UInt8]] {
    var files = catalogFiles()
    let json = try! JSONParser.parse(files[path]!)
    files[path] = Array(change(json).prettyText().utf8)
    return files
}

/// Replaces the member `name` of an object (appending it when absent).
func setting(_ json: JSON, _ name: String, _ value: JSON) -> JSON {
    guard var members = json.objectValue else { return json }
    if let i = members.firstIndex(where: { $0.0 == name }) { members[i].1 = value } else { members.append((name, value)) }
    return .object(members)
}

func removing(_ json: JSON, _ name: String) -> JSON {
    guard let members = json.objectValue else { return json }
    return .object(members.filter { $0.0 != name })
}

/// Adds a rule to rules/routing.json.
func withRule(_ ruleJSON: String) -> [String: [UInt8]] {
    catalogCopy(changing: "rules/routing.json") { json in
        let rule = try! JSONParser.parse(ruleJSON)
        return setting(json, "rules", .array((json["rules"]?.arrayValue ?? []) + [rule]))
    }
}

func loadProblems(_ files: [String: [UInt8]]) -> [Problem] {
    do {
        _ = try Catalog.load(files: files)
        return []
    } catch let error as CatalogError {
        return error.problems
    } catch {
        return [Problem(file: "?", path: "$", message: "\(error)")]
    }
}

/// Profiles generated deterministically over every question (a small linear congruential
/// generator, so the same profiles every run).
func generatedProfiles(_ count: Int, catalog: Catalog) -> [Profile] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
    let sizes = ["5GB", "300GB", "2TB", "70TB", "130TB", "2PB"], rates = ["50", "2k", "40k", "300k", "3M"]
    var out: [Profile] = []
    for _ in 0..<count {
        var p = Profile()
        for q in catalog.questions where next(3) == 0 {
            switch q.kind {
            case .choice: p[q.key] = .choice(q.valueNames[next(q.valueNames.count)])
            case .set:
                let picked = q.valueNames.filter { _ in next(3) == 0 }
                p[q.key] = .set(picked.isEmpty ? [q.valueNames[next(q.valueNames.count)]] : picked)
            case .size: if case let .success(s) = DataSize.parse(sizes[next(sizes.count)]) { p[q.key] = .size(s) }
            case .rate: if case let .success(r) = RequestRate.parse(rates[next(rates.count)]) { p[q.key] = .rate(r) }
            case .percent: p[q.key] = .percent(Double(next(101)))
            }
        }
        out.append(p)
    }
    return out
}

/// The profiles of the shared scenarios, when ../shared is beside the checkout (as in CI).
func scenarioProfiles(catalog: Catalog) -> [Profile] {
    let path = URL(fileURLWithPath: catalogDirectory).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/scenarios/seeds.jsonl").path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
        guard let json = try? JSONParser.parse(String(line)), let answers = json["profile"],
              case let .success((p, _)) = catalog.parseProfile(answers) else { return nil }
        return p
    }
}

@Suite struct EvaluatorTests {
    /// Every example of every score and exclude rule holds in the assessment `recommend` and
    /// `why` show: the rule is among the service's findings exactly when the example says it
    /// fires. (EndToEndTests runs the same examples through the built `why`.)
    @Test func everyExampleHoldsInTheAssessment() {
        let engine = Engine(catalog: sharedCatalog)
        var checked = 0
        for rule in sharedCatalog.rules where rule.effect == .score || rule.effect == .exclude {
            for (examples, expected) in [(rule.fires, true), (rule.doesNotFire, false)] {
                for example in examples {
                    guard let id = example.service, case let .success((p, _)) = sharedCatalog.parseProfile(example.profile),
                          let e = engine.assess(p).first(where: { $0.service.id == id }) else {
                        Issue.record("\(rule.id): example does not parse or names no service")
                        continue
                    }
                    let findings = rule.effect == .score ? e.scoreFindings : e.exclusions
                    #expect(findings.contains { $0.rule == rule.id } == expected, "\(rule.id) on \(id): \(example.profile.compactText())")
                    checked += 1
                }
            }
        }
        #expect(checked > 150)
    }

    @Test func reasonsNameWhatTheEvaluationFoundMissing() {
        let engine = Engine(catalog: sharedCatalog)
        let e = engine.explain("aurora-dsql", profile: profile(#"{"data-shape":"relational","features":"extensions,stored-procedures"}"#))
        let finding = e?.assessment.exclusions.first { $0.text.contains("extensions") }
        #expect(finding != nil, "\(e?.assessment.exclusions.map(\.text) ?? [])")
    }

    /// The order a question lists its values in is presentation only: reversing every list
    /// changes no pick and no score.
    @Test func reversingEveryValueListChangesNoPick() throws {
        let reversed = catalogCopy(changing: "questions.json") { json in
            setting(json, "questions", .array((json["questions"]?.arrayValue ?? []).map { q in
                guard let values = q["values"]?.arrayValue else { return q }
                return setting(q, "values", .array(values.reversed()))
            }))
        }
        let other = try Catalog.load(files: reversed)
        #expect(other.question("latency")?.valueNames.first == "seconds")
        let a = Engine(catalog: sharedCatalog), b = Engine(catalog: other)
        let profiles = scenarioProfiles(catalog: sharedCatalog) + generatedProfiles(400, catalog: sharedCatalog)
            + sharedCatalog.rules.flatMap { ($0.fires + $0.doesNotFire).compactMap { ex in
                if case let .success((p, _)) = sharedCatalog.parseProfile(ex.profile) { return p } else { return nil } } }
        #expect(profiles.count > 600)
        for p in profiles {
            // The same answers, read against the reversed vocabulary.
            guard case let .success((q, _)) = other.parseProfile(p.json(order: sharedCatalog.questions)) else {
                Issue.record("profile does not parse against the reversed catalog")
                continue
            }
            let ra = a.recommend(p, withWhatIf: false), rb = b.recommend(q, withWhatIf: false)
            let context = p.json(order: sharedCatalog.questions).compactText()
            #expect(ra.pick.service.id == rb.pick.service.id, "\(context)")
            #expect(ra.pick.score == rb.pick.score, "\(context)")
            #expect(ra.alternatives.map(\.0.service.id) == rb.alternatives.map(\.0.service.id), "\(context)")
            #expect(a.pick(p) == b.pick(q), "\(context)")
        }
    }

    @Test func isOnASetQuestionIsRefusedWithItsPath() {
        let problems = loadProblems(withRule: """
            {"id": "test-is-on-a-set", "effect": "score", "weight": 5, "when": {"answer": "features", "is": "extensions"},
             "services": {"service": ["aurora-postgresql"]}, "reason": "r", "source": "https://docs.aws.amazon.com/",
             "examples": {"fires": [{"profile": {"features": "extensions"}, "service": "aurora-postgresql"}],
                          "doesNotFire": [{"profile": {}, "service": "aurora-postgresql"}]}}
            """)
        let problem = problems.first { $0.message.contains("'is' tests a single choice") }
        #expect(problem?.file == "rules/routing.json", "\(problems)")
        #expect(problem?.path.hasSuffix("].when") == true, "\(problems)")
        #expect(problem?.message.contains("includes or includesAny") == true)
    }

    @Test func operatorsThatDoNotFitTheirQuestionAreRefused() {
        let cases: [(String, String)] = [
            (#"{"answer": "latency", "includes": "seconds"}"#, "'includes' tests a set of values"),
            (#"{"answer": "latency", "atLeast": "2TB"}"#, "'atLeast' compares sizes and rates"),
            (#"{"answer": "data-size", "atLeast": "20k"}"#, "'20k' is not a size"),
            (#"{"all": [{"answer": "role", "answered": true}, {"answer": "data-size", "is": "2TB"}]}"#, "'is' tests a single choice"),
            (#"{"fact": "latency", "slowerThanAnswer": "traffic"}"#, "declares no ranks"),
            (#"{"fact": "maxStorage", "belowAnswer": "latency"}"#, "'belowAnswer' compares a limit with a size or rate answer"),
            (#"{"fact": "features", "lacksAnswer": "data-size"}"#, "compares a list of values with a choice or set answer"),
        ]
        for (condition, expected) in cases {
            let problems = loadProblems(withRule: """
                {"id": "test-misfit", "effect": "score", "weight": 5, "when": \(condition),
                 "services": {"service": ["aurora-postgresql"]}, "reason": "r", "source": "https://docs.aws.amazon.com/",
                 "examples": {"fires": [{"profile": {}, "service": "aurora-postgresql"}],
                              "doesNotFire": [{"profile": {}, "service": "aurora-postgresql"}]}}
                """)
            #expect(problems.contains { $0.message.contains(expected) && $0.file == "rules/routing.json" }, "\(condition): \(problems)")
        }
    }

    @Test func aRankedComparisonNeedsRanksInTheData() {
        let unranked = catalogCopy(changing: "questions.json") { json in
            setting(json, "questions", .array((json["questions"]?.arrayValue ?? []).map { q in
                q["key"]?.stringValue == "latency" ? removing(q, "ranked") : q
            }))
        }
        let problems = AdvisorCoreTests.loadProblems(unranked)
        #expect(problems.contains { $0.message.contains("have ranks, but the question does not say what they mean") }, "\(problems)")
        #expect(problems.contains { $0.message.contains("'slowerThanAnswer' compares by rank, but 'latency' declares no ranks") }, "\(problems)")
    }

    func loadProblems(withRule rule: String) -> [Problem] { AdvisorCoreTests.loadProblems(withRule(rule)) }
}
