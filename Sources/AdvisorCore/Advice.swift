/// A warning about the profile or the pick, with what kind of warning it is.
public struct Warning: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// No service meets every requirement; the pick is the closest fallback.
        case nothingFits = "nothing-fits"
        /// A warning rule of the catalog fired (conflicting or risky answers).
        case profile
        /// A retired service would have fit; its successor is named.
        case retired
        /// Unanswered core questions could change the pick.
        case unanswered
        /// Saved answers now give another pick (ask --answers).
        case changedPick = "changed-pick"
    }

    public var kind: Kind
    public var text: String
    /// The rule behind a `profile` warning.
    public var rule: String?

    public init(kind: Kind, text: String, rule: String? = nil) {
        self.kind = kind
        self.text = text
        self.rule = rule
    }
}

extension Engine {
    /// The warnings for one recommendation, in the order they are shown.
    func advise(_ profile: Profile, all: [Assessment], ranked: Ranking.Ranked, whatIf: [WhatIf]) -> [Warning] {
        let pick = ranked.pick
        var warnings: [Warning] = []
        if ranked.relaxed {
            var text = "No service meets every requirement of this profile. \(pick.service.name) is shown because what it lacks weighs least: \(pick.exclusions.map(\.text).joined(separator: " "))"
            if let next = ranked.excluded.first(where: { $0.service.lifecycle.isAvailableForNewWorkloads }) {
                text += " The next closest, \(next.service.name), lacks: \(next.exclusions.map(\.text).joined(separator: " "))"
            }
            warnings.append(Warning(kind: .nothingFits, text: text))
        }
        // A warning reads answers only, so there is nothing missing for its reason to name.
        for rule in firingWarnings(profile) {
            warnings.append(Warning(kind: .profile, text: reason(rule, profile: profile, service: nil, missing: []), rule: rule.id))
        }
        // A retired service that would have fit: excluded by nothing but its lifecycle (the
        // rules that read the lifecycle fact), name it, its dates and its successor.
        var lifecycle: Set<String>? = nil
        for a in all where !a.service.lifecycle.isAvailableForNewWorkloads && a.score > 0 {
            if lifecycle == nil { lifecycle = lifecycleRules }
            let onlyLifecycle = a.exclusions.allSatisfy { finding in lifecycle!.contains(finding.rule) }
            guard onlyLifecycle, a.score > 0, a.score >= pick.score || a.score >= 40 else { continue }
            let life = a.service.lifecycle
            let what = life.status == "end-of-support" ? "reached end of support on \(life.since ?? "an announced date")" : "has been closed to new customers since \(life.since ?? "an announced date")"
            var text = "\(a.service.name) would have fit this profile, but it \(what)."
            if let successor = life.successor.flatMap(catalog.service) {
                text += " AWS names \(successor.name) as its successor" + (successor.id == pick.service.id ? ", which is the recommendation." : ".")
            }
            warnings.append(Warning(kind: .retired, text: text))
        }
        let unansweredCore = catalog.questions.filter { $0.isCore && profile[$0.key] == nil }
        let changing = unansweredCore.filter { q in whatIf.contains { $0.key == q.key } }
        if !changing.isEmpty {
            let parts = changing.map { q -> String in
                let examples = whatIf.filter { $0.key == q.key }.prefix(2).map { "\($0.value) → \($0.service)" }
                return "\(q.key) (\(examples.joined(separator: ", ")))"
            }
            warnings.append(Warning(kind: .unanswered, text: "Unanswered core questions could change the pick: \(parts.joined(separator: "; "))."))
        }
        return warnings
    }

    /// The exclusion rules that read a service's lifecycle fact: a retired service excluded by
    /// these alone would otherwise have fit.
    var lifecycleRules: Set<String> {
        Set(serviceRules.filter { rule in
            var refs = ConditionReferences()
            rule.services?.references(into: &refs)
            rule.when?.references(into: &refs)
            return rule.effect == .exclude && refs.facts.contains("lifecycle")
        }.map(\.id))
    }
}
