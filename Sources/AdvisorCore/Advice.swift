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
        /// The pick misses a stated requirement; the warning says what would meet it.
        case unmet
        /// The pick and the runner-up scored the same; the warning says what broke the tie.
        case tie
        /// The pick scores below the catalog's fit threshold.
        case weakFit = "weak-fit"
        /// The pick won because nothing else fits (a commercial licence nobody asked for).
        case elimination
        /// An analytics service picked for a profile that did not say analytics.
        case unaskedAnalytics = "unasked-analytics"
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
    /// The warnings for one recommendation, in the order they are shown. Without `texts` (the
    /// lint sweep's invariant checker), the same warnings of the same kinds, but only the
    /// texts of unmet and retired warnings are written (the checker reads those); the others
    /// are left empty (a test compares both over swept profiles). `answers`: the profile's
    /// answers as the evaluator reads them, when the caller has them. Of `all`, only scores,
    /// exclusions and services are read: with `onlyShown` (batch) the other findings of
    /// excluded services are not written, the pick's only in `ranked`.
    func advise(_ profile: Profile, all: [Assessment], ranked: Ranking.Ranked, whatIf: [WhatIf], texts: Bool = true, answers: RuleEvaluator.Answers? = nil) -> [Warning] {
        let pick = ranked.pick
        var warnings: [Warning] = []
        if ranked.relaxed {
            var text = ""
            if texts {
                text = "No service meets every requirement of this profile. \(pick.service.name) is shown because what it lacks weighs least: \(pick.exclusions.map(\.text).joined(separator: " "))"
                if let next = ranked.excluded.first(where: { $0.service.lifecycle.isAvailableForNewWorkloads }) {
                    text += " The next closest, \(next.service.name), lacks: \(next.exclusions.map(\.text).joined(separator: " "))"
                }
            }
            warnings.append(Warning(kind: .nothingFits, text: text))
        }
        // A warning reads answers only, so there is nothing missing for its reason to name.
        // Not `answers.map(firingWarnings)`: a method as a value holds a copy of the engine.
        let firing = if let answers { firingWarnings(answers) } else { firingWarnings(profile) }
        for rule in firing {
            warnings.append(Warning(kind: .profile, text: texts ? reason(rule, profile: profile, service: nil, missing: []) : "", rule: rule.id))
        }
        if !ranked.relaxed {
            warnings += unmetWarnings(profile, ranked: ranked)
            if let tie = tieWarning(ranked, text: texts) { warnings.append(tie) }
            if pick.score < catalog.ranking.fitThreshold { warnings.append(texts ? weakFitWarning(ranked) : Warning(kind: .weakFit, text: "")) }
            let named = Condition.answerValues(profile["existing-engine"]).filter { $0 != "none" }
            if named.isEmpty, pick.service.fact("commercialLicense")?.value == .bool(true) {
                var text = ""
                if texts {
                    let others = ranked.rest.map(\.service.name)
                    text = others.isEmpty
                        ? "\(pick.service.name) carries a commercial licence that no engine named here asks for; it is shown because nothing else fits this profile."
                        : "\(pick.service.name) carries a commercial licence that no engine named here asks for, and \(others.prefix(2).joined(separator: " and ")) also fit."
                }
                warnings.append(Warning(kind: .elimination, text: text))
            }
            if pick.service.family == "analytics" && !saysAnalytics(profile) {
                warnings.append(Warning(kind: .unaskedAnalytics, text: !texts ? "" : "\(pick.service.name) is an analytics service, and nothing in this profile says analytics (role analytics, aggregations, or files in S3): answer --role to confirm it or to get a system of record."))
            }
        }
        // A retired service that would have fit: excluded by nothing but its lifecycle (the
        // rules that read the lifecycle fact) and scoring into the top two, name it, its dates
        // and its successor.
        // The threshold read once: read in the loop's condition, the catalog was copied at each service.
        let threshold = catalog.ranking.fitThreshold
        // By position: `for a in all` copied every assessment, a reference counted in and out
        // for each of its lists, to read two of its fields.
        for i in all.indices where all[i].score >= threshold && !all[i].service.lifecycle.isAvailableForNewWorkloads {
            let a = all[i]
            let onlyLifecycle = !a.exclusions.isEmpty && a.exclusions.allSatisfy { finding in lifecycleRules.contains(finding.rule) }
            let higher = (pick.score > a.score ? 1 : 0) + ranked.rest.reduce(0) { $0 + ($1.score > a.score ? 1 : 0) }
            guard onlyLifecycle, !ranked.relaxed, higher < 2 else { continue }
            let life = a.service.lifecycle
            let what = life.status == "end-of-support" ? "reached end of support on \(life.since ?? "an announced date")" : "has been closed to new customers since \(life.since ?? "an announced date")"
            var text = "\(a.service.name) would have fit this profile, but it \(what)."
            if let successor = life.successor.flatMap(catalog.service) {
                text += " AWS names \(successor.name) as its successor" + (successor.id == pick.service.id ? ", which is the recommendation." : ".")
            }
            warnings.append(Warning(kind: .retired, text: text))
        }
        // Without what-if (batch, the lint sweep) no question could change the pick.
        let unansweredCore = whatIf.isEmpty ? [] : catalog.questions.filter { $0.isCore && profile[$0.key] == nil }
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
    static func lifecycleRules(_ rules: [Rule]) -> Set<String> {
        Set(rules.filter { rule in
            guard rule.effect == .exclude else { return false }
            var refs = ConditionReferences()
            rule.services?.references(into: &refs)
            rule.when?.references(into: &refs)
            return refs.facts.contains("lifecycle")
        }.map(\.id))
    }

    /// Whether the profile says analytics: role analytics, aggregations, or files in S3.
    func saysAnalytics(_ profile: Profile) -> Bool {
        if case .choice("analytics")? = profile["role"] { return true }
        if case .choice("s3-files")? = profile["data-shape"] { return true }
        return Condition.answerValues(profile["access-patterns"]).contains("aggregations")
    }

    /// Reads every service's facts for the unmet requirements once, for an engine that
    /// advises on many profiles (the lint sweep, batch, plan); a one-shot reads only the
    /// services it asks about.
    public mutating func prepareRequirementFacts() {
        requirementFacts = catalog.services.map { RequirementFacts($0, latencyScale: latencyScale) }
    }

    /// A warning for each stated requirement the pick misses, with what would meet it: a
    /// configuration of the pick, or the best-ranked service that fits and meets it.
    func unmetWarnings(_ profile: Profile, ranked: Ranking.Ranked) -> [Warning] {
        let pick = ranked.pick
        // The profile's requirements read once; each service's facts as prepared
        // (`prepareRequirementFacts`), or read here for a one-shot.
        let stated = StatedRequirements(profile, latencyScale: latencyScale)
        let unmetByPick: [UnmetRequirement]
        if !requirementFacts.isEmpty, let s = catalog.services.firstIndex(where: { $0 === pick.service }) {
            unmetByPick = stated.unmet(by: requirementFacts[s])
        } else {
            unmetByPick = stated.unmet(by: RequirementFacts(pick.service, latencyScale: latencyScale))
        }
        guard !unmetByPick.isEmpty else { return [] }
        // Whether a service that fits misses a requirement, decided for that requirement alone
        // (`StatedRequirements.misses`: no list of what it misses made, nothing written), from
        // its facts as prepared; for a one-shot, each service's facts read when first asked.
        var factsOfRest: [RequirementFacts?] = []
        func misses(_ i: Int, _ requirement: StatedRequirements.Requirement) -> Bool {
            let service = ranked.rest[i].service
            if !requirementFacts.isEmpty, let s = catalog.services.firstIndex(where: { $0 === service }) {
                return stated.misses(requirement, by: requirementFacts[s])
            }
            if factsOfRest.isEmpty { factsOfRest = Array(repeating: nil, count: ranked.rest.count) }
            if factsOfRest[i] == nil { factsOfRest[i] = RequirementFacts(service, latencyScale: latencyScale) }
            return stated.misses(requirement, by: factsOfRest[i]!)
        }
        var warnings: [Warning] = []
        for unmet in unmetByPick {
            // Every key `unmet` lists is a requirement's (it writes them from `Requirement`).
            let requirement = StatedRequirements.Requirement(key: unmet.key)!
            // Written into bytes (`Sentence`): a warning or two on many batch lines.
            var text: Sentence = "\(pick.service.name) does not meet --\(unmet.key) by itself: \(unmet.what)."
            if let configuration = unmet.byConfiguration {
                text += " A configuration meets it: \(configuration)"
                if !text.endsWithPeriod { text += "." }
            } else if let i = ranked.rest.indices.first(where: { !misses($0, requirement) }) {
                let other = ranked.rest[i]
                text += " \(other.service.name) (\(other.service.id), score \(number: other.score)) meets it."
            } else {
                text += " No service that fits this profile meets it; a second service beside \(pick.service.name) would."
            }
            warnings.append(Warning(kind: .unmet, text: text.string))
        }
        return warnings
    }

    /// When the pick and the runner-up tie, what broke the tie (its text empty without `text`).
    func tieWarning(_ ranked: Ranking.Ranked, text: Bool = true) -> Warning? {
        guard let next = ranked.rest.first, next.score == ranked.pick.score else { return nil }
        guard text else { return Warning(kind: .tie, text: "") }
        let a = ranked.pick.service, b = next.service
        let score = JSON.format(number: ranked.pick.score)
        if let rule = catalog.ranking.decidingRule(a, b) {
            return Warning(kind: .tie, text: "\(a.name) and \(b.name) tie at \(score) points; \(a.name) is shown first because it \(rule.says) (\(rule.fact): \(a.fact(rule.fact)?.value?.compactText() ?? "?") against \(b.fact(rule.fact)?.value?.compactText() ?? "?")).")
        }
        return Warning(kind: .tie, text: "\(a.name) and \(b.name) tie at \(score) points and nothing the catalog states separates them; \(a.name) is shown first only because its id sorts first. Answer more questions to separate them.")
    }

    /// The pick scores below the fit threshold: say so, with the closest two and what each lacks.
    func weakFitWarning(_ ranked: Ranking.Ranked) -> Warning {
        /// The texts of the two findings that count most against `a` (the lowest weights; of
        /// equal ones, the one listed first), as a stable sort of its findings against it by
        /// weight would give them, found in one pass and written where the text goes.
        func lacks(_ a: Assessment, _ text: inout Sentence) {
            var first = -1, second = -1
            a.scoreFindings.withUnsafeBufferPointer { findings in
                for k in findings.indices where findings[k].weight < 0 {
                    if first < 0 || findings[k].weight < findings[first].weight {
                        second = first
                        first = k
                    } else if second < 0 || findings[k].weight < findings[second].weight {
                        second = k
                    }
                }
            }
            guard first >= 0 else {
                text.append("no rule counts for it")
                return
            }
            text.append(a.scoreFindings[first].text)
            if second >= 0 {
                text.append(" ")
                text.append(a.scoreFindings[second].text)
            }
        }
        var text: Sentence = "Nothing fits this profile well: \(ranked.pick.service.name) scores \(number: ranked.pick.score), below the catalog's fit threshold of \(number: catalog.ranking.fitThreshold). Against it: "
        lacks(ranked.pick, &text)
        if let next = ranked.rest.first {
            text += " The next closest, \(next.service.name) (\(number: next.score)): "
            lacks(next, &text)
        }
        return Warning(kind: .weakFit, text: text.string)
    }
}
