import AdvisorCore
import Foundation
import Testing

/// Every example of every score and exclude rule in the bundled catalog, run through the built
/// binary's `why SERVICE --answers - --format json`: the path that decides the pick. The rule
/// must appear among the service's contributions (score) or exclusions (exclude) exactly when
/// the example says it fires. Adding a rule adds its cases.
@Suite struct RuleExamplesThroughWhyTests {
    struct Case: Sendable {
        var rule: String
        var effect: String
        var service: String
        var profile: String
        var fires: Bool
    }

    static func cases() throws -> [Case] {
        let catalog = packageRoot.appendingPathComponent("catalog")
        let manifest = try JSONParser.parse(Array(try Data(contentsOf: catalog.appendingPathComponent("catalog.json"))))
        var out: [Case] = []
        for file in manifest["ruleFiles"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            let json = try JSONParser.parse(Array(try Data(contentsOf: catalog.appendingPathComponent(file))))
            for rule in json["rules"]?.arrayValue ?? [] {
                guard let effect = rule["effect"]?.stringValue, effect == "score" || effect == "exclude",
                      let id = rule["id"]?.stringValue else { continue }
                for (name, fires) in [("fires", true), ("doesNotFire", false)] {
                    for example in rule["examples"]?[name]?.arrayValue ?? [] {
                        guard let service = example["service"]?.stringValue, let profile = example["profile"] else { continue }
                        out.append(Case(rule: id, effect: effect, service: service, profile: profile.compactText(), fires: fires))
                    }
                }
            }
        }
        return out
    }

    @Test func everyExampleHoldsAsWhyReportsIt() throws {
        guard let bin = LintTests().fastestBinary() else { Issue.record("build dbadvisor first"); return }
        let all = try Self.cases()
        #expect(all.count > 150)
        let lanes = 4
        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for c in all.indices where c % lanes == lane {
                let x = all[c]
                let message: String?
                do {
                    let r = try runBinary(bin, ["why", x.service, "--answers", "-", "--format", "json"], stdin: x.profile)
                    let json = try JSONParser.parse(r.out)
                    let list = json[x.effect == "score" ? "contributions" : "exclusions"]?.arrayValue ?? []
                    let appears = list.contains { $0["rule"]?.stringValue == x.rule }
                    message = r.status != 0 ? "exit \(r.status): \(r.err)" : appears == x.fires ? nil
                        : "\(x.rule) \(appears ? "appears" : "does not appear") for \(x.service) on \(x.profile), which says it \(x.fires ? "fires" : "does not")"
                } catch {
                    message = "\(x.rule): \(error)"
                }
                if let message { results.add(message) }
            }
        }
        for message in results.messages { Issue.record(Comment(rawValue: message)) }
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return list.sorted() }
}
