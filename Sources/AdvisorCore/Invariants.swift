/// What lint proves over its whole sweep about the advice itself: each invariant is a named
/// check with a count of the swept profiles that break it, and an example of one. Every
/// count must be 0 on the bundled catalog; CI runs lint through the test suite.
public struct Invariant: Sendable {
    public var id: String
    public var name: String
    public var violations = 0
    public var example: String? = nil
    /// Profiles where the situation arose and the output handled it (said so), for context.
    public var handled = 0
}

/// Checks the invariants of one profile at a time, cheaply: from the totals the sweep already
/// has, and the warnings recommend would build (without writing out reasons) only for the
/// profiles where a warning must be said.
struct InvariantChecker {
    let engine: Engine
    let catalog: Catalog
    /// Per service rule and per warning rule: what its reason asserts (its `asserts` and the
    /// answers it quotes), compiled; nil when it asserts nothing.
    /// Positions in `asserts` (-1: the rule asserts nothing).
    let serviceAsserts: [Int]
    let warnAsserts: [Int]
    let asserts: TestProgram
    /// Per service: whether it is open to new workloads.
    let available: [Bool]
    /// Per latency value: its rank on the latency question's scale.
    let latencyRanks: [String: Int]
    /// Per service: whether it carries a commercial licence.
    let commercial: [Bool]
    /// The services that fit, in tie-break order (reused from profile to profile).
    private var eligible: [Int] = []
    /// Swept profiles with a tie, or a retired service that could be named, so far (see `check`).
    var sampled = (tie: 0, retired: 0)
    var invariants: [Invariant] = [
        Invariant(id: "a", name: "reasons that assert an answer the profile does not hold"),
        Invariant(id: "b", name: "picks that miss a stated requirement without a warning naming it"),
        Invariant(id: "c", name: "role cache answered by a system of record while a cache fits"),
        Invariant(id: "d", name: "a commercial licence picked with no engine named while others fit"),
        Invariant(id: "e", name: "an analytics service picked for a profile not about analytics, unsaid"),
        Invariant(id: "f", name: "a retired service named as a fit outside the top two"),
        Invariant(id: "g", name: "ties not stated in the output"),
        Invariant(id: "h", name: "picks below the fit threshold without low confidence and a warning"),
        Invariant(id: "i", name: "migrate leaving an engine a fitting service runs, or refactor keeping it"),
    ]

    init(engine: Engine) {
        // Each service's facts as the unmet requirements read them: the engine's, read once.
        var engine = engine
        if engine.requirementFacts.isEmpty { engine.prepareRequirementFacts() }
        if engine.blankFindings.isEmpty { engine.prepareBlankFindings() }
        self.engine = engine
        catalog = engine.catalog
        var program = TestProgram(services: 0)
        func assertTest(_ rule: Rule) -> Int {
            var parts: [Condition] = rule.asserts.map { [$0] } ?? []
            parts += rule.quotedAnswers.map { Condition.answer(key: $0, test: .answered(true)) }
            if parts.isEmpty { return -1 }
            return program.add(RuleEvaluator.compile(answersOnly: .all(parts), catalog: engine.catalog))
        }
        serviceAsserts = engine.serviceRules.map(assertTest)
        warnAsserts = engine.warnRules.map(assertTest)
        asserts = program
        available = engine.catalog.services.map(\.lifecycle.isAvailableForNewWorkloads)
        let latencyScale = engine.catalog.question("latency")
        var ranks: [String: Int] = [:]
        for value in latencyScale?.valueNames ?? [] where ranks[value] == nil { ranks[value] = latencyScale?.rank(of: value) }
        latencyRanks = ranks
        commercial = engine.catalog.services.map { $0.fact("commercialLicense")?.value == .bool(true) }
    }

    /// Whether `text` holds `needle`, byte for byte (UTF-8): the option names looked for are
    /// ASCII. A plain search, where `String.contains` goes through the regex engine's
    /// character matching (about 42,000 instructions a call). Unlike it, a match may end
    /// inside a character (`--KEY` followed by a combining mark): only a custom catalog's odd
    /// text could hold one, and the checker's counts would then differ, never the advice.
    static func mentions(_ text: String, _ needle: String) -> Bool {
        let t = Array(text.utf8), n = Array(needle.utf8)
        guard !n.isEmpty else { return true }
        guard t.count >= n.count else { return false }
        for start in 0...(t.count - n.count) where t[start] == n[0] {
            var k = 1
            while k < n.count, t[start + k] == n[k] { k += 1 }
            if k == n.count { return true }
        }
        return false
    }

    private mutating func count(_ id: String, _ profile: Profile, _ detail: String) {
        guard let i = invariants.firstIndex(where: { $0.id == id }) else { return }
        invariants[i].violations += 1
        if invariants[i].example == nil {
            invariants[i].example = "\(profile.json(order: catalog.questions).compactText()): \(detail)"
        }
    }

    private mutating func handled(_ id: String) {
        if let i = invariants.firstIndex(where: { $0.id == id }) { invariants[i].handled += 1 }
    }

    /// Checks one swept profile (`answers`: the same, as the evaluator reads it).
    /// `firedServiceRules`: positions of service rules that fired for some service, in rule
    /// order; `firedWarnings`: positions of the warning rules that fired; `best`: the pick's
    /// position (nil when nothing fits).
    mutating func check(_ profile: Profile, _ answers: RuleEvaluator.Answers, fired: [Bool], scores: [Double], severity: [Double], firedServiceRules: [Int],
                        firedWarnings: [Int], best: Int?, order: [Int]) {
        for i in firedServiceRules {
            if serviceAsserts[i] >= 0, !asserts.holds(serviceAsserts[i], answers, -1) {
                count("a", profile, "rule \(engine.serviceRules[i].id) fires, but its reason asserts what the profile does not say")
            }
        }
        for i in firedWarnings {
            if warnAsserts[i] >= 0, !asserts.holds(warnAsserts[i], answers, -1) {
                count("a", profile, "warning \(engine.warnRules[i].id) fires, but its reason asserts what the profile does not say")
            }
        }
        guard let best else { return }
        let pick = catalog.services[best]
        eligible.removeAll(keepingCapacity: true)
        for s in order where severity[s] == 0 { eligible.append(s) }
        let engineNamed = Condition.answerValues(profile["existing-engine"]).filter { $0 != "none" }

        // c: role cache while a caching service fits.
        let stated = StatedRequirements(profile, latencyRank: { latencyRanks[$0] })
        let unmet = stated.unmet(by: engine.requirementFacts[best], texts: false)
        // (Loops rather than closures here and below: a closure reading the checker's engine or
        // catalog copied it, about 50 reference counts, on every profile.)
        if unmet.contains(where: { $0.key == "role" }) {
            var cache: Int? = nil
            for s in eligible where !stated.misses(.role, by: engine.requirementFacts[s]) {
                cache = s
                break
            }
            if let cache { count("c", profile, "\(pick.id) is picked as a cache while \(catalog.services[cache].id) fits") }
        }
        // d: commercial licence with no engine named while others fit.
        if engineNamed.isEmpty, commercial[best] {
            if eligible.count > 1 { count("d", profile, "\(pick.id) carries a commercial licence; \(eligible.count - 1) other service(s) fit") } else { handled("d") }
        }
        // i: migrate keeps the engine when a fitting service runs it; refactor leaves it.
        if let engineName = engineNamed.first, case let .choice(project)? = profile["project"] {
            let runs = { (s: Service) in s.fact("engineCompatibility")?.strings.contains(engineName) == true }
            if project == "migrate", !runs(pick) {
                var keeper: Int? = nil
                for s in eligible where runs(catalog.services[s]) {
                    keeper = s
                    break
                }
                if let keeper { count("i", profile, "migrate picks \(pick.id) though \(catalog.services[keeper].id) runs \(engineName) and fits") }
            }
            if project == "refactor", runs(pick) { count("i", profile, "refactor picks \(pick.id), which keeps \(engineName)") }
        }
        // The rest are warnings the full recommendation must carry: checked only where they arise.
        let threshold = catalog.ranking.fitThreshold
        let analytics = pick.family == "analytics" && !engine.saysAnalytics(profile)
        let weak = scores[best] < threshold
        let tie = eligible.contains { $0 != best && scores[$0] == scores[best] }
        var retired = false
        for s in available.indices where !available[s] && scores[s] >= threshold {
            var higher = 0
            for e in eligible where scores[e] > scores[s] { higher += 1 }
            if higher < 2 { retired = true; break }
        }
        // Where a warning must be said, the warnings are built exactly as recommend builds them
        // (without writing out reasons) and read: for every profile with a requirement the pick
        // misses, an analytics pick or a weak fit. Ties and retired services arise in thousands
        // of swept profiles and their warnings come from one branch each of `advise`: the first
        // 400 of each are checked, then every 16th.
        var check = !unmet.isEmpty || analytics || weak
        if tie, Self.sample(&sampled.tie) { check = true }
        if retired, Self.sample(&sampled.retired) { check = true }
        guard check else { return }
        let all = engine.assess(profile, answers, fired: fired, withReasons: false)
        let ranked = engine.rank(all)
        let warnings = engine.advise(profile, all: all, ranked: ranked, whatIf: [], texts: false)
        let confidence = engine.confidence(ranked, profile: profile, whatIf: [])
        let kinds = warnings.map(\.kind)
        let unmetText = warnings.filter { $0.kind == .unmet }.map(\.text)
        for u in unmet where !unmetText.contains(where: { InvariantChecker.mentions($0, "--\(u.key)") }) {
            let what = catalog.unmetRequirements(pick, profile).first { $0.key == u.key }?.what ?? ""
            count("b", profile, "\(pick.id) misses --\(u.key) (\(what)) and no warning says so")
        }
        if analytics { if kinds.contains(.unaskedAnalytics) { handled("e") } else { count("e", profile, "\(pick.id) picked, unsaid") } }
        if weak {
            if kinds.contains(.weakFit) && confidence.level == .low { handled("h") } else { count("h", profile, "\(pick.id) scores \(scores[best])") }
        }
        if tie { if kinds.contains(.tie) { handled("g") } else { count("g", profile, "\(pick.id) ties, unsaid") } }
        for w in warnings where w.kind == .retired {
            // Named only when it would rank in the top two of the services that fit.
            var named: Int? = nil
            for s in catalog.services.indices where w.text.hasPrefix(catalog.services[s].name + " ") {
                named = s
                break
            }
            if let s = named {
                let higher = eligible.reduce(0) { $0 + (scores[$1] > scores[s] ? 1 : 0) }
                if higher >= 2 || scores[s] < threshold {
                    count("f", profile, "\(catalog.services[s].id) named as a fit at rank \(higher + 1), score \(scores[s])")
                } else { handled("f") }
            }
        }
    }

    /// Counts one more profile where a situation arose; true for the first 400, then every 16th.
    static func sample(_ seen: inout Int) -> Bool {
        seen += 1
        return seen <= 400 || seen % 16 == 0
    }
}
