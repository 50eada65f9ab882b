#if canImport(Glibc)
import Glibc
#endif

/// A rule that fired, with its reason written out for this profile and service.
public struct Finding: Equatable, Sendable {
    public var rule: String
    public var text: String
    public var source: String
    public var weight: Double
}

/// How one service fared: its exclusions, its score and the findings behind it.
public struct Assessment: Sendable {
    public var service: Service
    public var score: Double
    public var scoreFindings: [Finding]
    public var exclusions: [Finding]
    public var configuration: [Finding]

    public var isExcluded: Bool { !exclusions.isEmpty }
}

/// A single-answer change that would change the pick.
public struct WhatIf: Equatable, Sendable {
    public var key: String
    public var value: String
    public var service: String
}

/// The engine's answer for one profile.
public struct Recommendation: Sendable {
    public var profile: Profile
    public var pick: Assessment
    public var confidence: String
    public var alternatives: [(Assessment, whyNot: [Finding])]
    public var excluded: [Assessment]
    public var warnings: [String]
    public var whatIf: [WhatIf]
    /// Sizing and cost estimates; filled by `recommend`.
    public var estimates: [Estimate] = []
    /// The path from the existing engine to the pick, when one was named; filled by `recommend`.
    public var migration: MigrationPlan? = nil
}

/// Evaluates rules over a profile. Exclusions first, then scores; the ranking is by score,
/// highest first, and ties go to the service id that sorts first (a documented, arbitrary but
/// stable tie-break).
public struct Engine: Sendable {
    public let catalog: Catalog
    private let serviceRules: [Rule]
    private let warnRules: [Rule]
    /// The size and rate thresholds rules compare answers against, by profile key.
    private let thresholds: [String: [String]]
    /// The fact kinds rules compare each size or rate answer with.
    private let comparedFacts: [String: Set<String>]
    /// For rules whose `services` selector reads no answer: whether it selects each service,
    /// by rule position and service position, computed once.
    private let staticSelection: [[Bool]?]
    /// The same rules compiled to integer tests: they decide which rules fire on every path.
    private let compiled: CompiledRules
    private let compiledWarnings: CompiledRules
    /// Service positions in tie-break order (by id).
    private let idOrder: [Int]
    /// Per question (by index): the service rules that read its answer.
    private let rulesReading: [[Int]]

    public init(catalog: Catalog) {
        self.catalog = catalog
        serviceRules = catalog.rules.filter(\.isServiceRule)
        warnRules = catalog.rules.filter { !$0.isServiceRule }
        var thresholds: [String: [String]] = [:]
        for rule in catalog.rules {
            rule.when?.thresholds(into: &thresholds)
            rule.services?.thresholds(into: &thresholds)
        }
        self.thresholds = thresholds
        var compared: [String: Set<String>] = [:]
        for rule in catalog.rules {
            rule.when?.comparedFacts(into: &compared)
            rule.services?.comparedFacts(into: &compared)
        }
        comparedFacts = compared
        compiled = CompiledRules(catalog: catalog, rules: serviceRules)
        compiledWarnings = CompiledRules(catalog: catalog, rules: warnRules)
        rulesReading = compiled.rulesReading
        idOrder = catalog.services.indices.sorted { catalog.services[$0].id < catalog.services[$1].id }
        // Judged by the compiled selector (no answers): the same result as the written one,
        // which the compiled-rules tests check, for a fraction of the cost.
        let compiledRules = compiled
        let noAnswers = compiledRules.answers(Profile())
        let rules = serviceRules
        let serviceIndices = catalog.services.indices
        staticSelection = rules.indices.map { i in
            guard let selector = rules[i].services, selector.ignoresAnswers else { return nil }
            return serviceIndices.map { compiledRules.holds(compiledRules.selector[i], noAnswers, $0) }
        }
    }

    /// Whether `rule` fires for `profile` (and `service`, for a service rule), with its bindings.
    public func fires(_ rule: Rule, profile: Profile, service: Service?) -> (Bool, Condition.Bindings) {
        var bindings = Condition.Bindings()
        if let when = rule.when, !when.holds(profile: profile, service: service, bindings: &bindings) { return (false, bindings) }
        if rule.isServiceRule {
            guard let service, let selector = rule.services,
                  selector.holds(profile: profile, service: service, bindings: &bindings) else { return (false, bindings) }
        }
        return (true, bindings)
    }

    /// Every service's assessment, in catalog order.
    public func assess(_ profile: Profile, withReasons: Bool = true) -> [Assessment] {
        // Which rules fire is decided by the compiled rules; the rules as written are read
        // again only for a rule that fired and whose reason names what was missing.
        var assessments = catalog.services.map { Assessment(service: $0, score: 0, scoreFindings: [], exclusions: [], configuration: []) }
        _ = evaluate(profile) { i, s in
            let rule = serviceRules[i]
            let service = catalog.services[s]
            var bindings = Condition.Bindings()
            if withReasons && rule.needsBindings {
                if let when = rule.when { _ = when.holds(profile: profile, service: service, bindings: &bindings) }
                if let selector = rule.services { _ = selector.holds(profile: profile, service: service, bindings: &bindings) }
            }
            let text = withReasons ? render(rule, profile: profile, service: service, bindings: bindings) : ""
            let finding = Finding(rule: rule.id, text: text, source: rule.source, weight: rule.weight)
            switch rule.effect {
            case .exclude: assessments[s].exclusions.append(finding)
            case .score:
                assessments[s].score += rule.weight
                assessments[s].scoreFindings.append(finding)
            case .configure: assessments[s].configuration.append(finding)
            case .warn: break
            }
        }
        return assessments
    }

    /// Every service's assessment by the rules as written, condition by condition: the
    /// reference the compiled rules are checked against.
    func assessWritten(_ profile: Profile) -> [Assessment] {
        // A `when` that reads answers only is judged once here rather than once per service.
        let live = serviceRules.indices.filter { i in
            let rule = serviceRules[i]
            guard rule.whenIsProfileOnly, let when = rule.when else { return true }
            var scratch = Condition.Bindings()
            return when.holds(profile: profile, service: nil, bindings: &scratch)
        }
        return catalog.services.enumerated().map { serviceIndex, service in
            var a = Assessment(service: service, score: 0, scoreFindings: [], exclusions: [], configuration: [])
            for i in live {
                let rule = serviceRules[i]
                if let table = staticSelection[i], !table[serviceIndex] { continue }
                var bindings = Condition.Bindings()
                if !rule.whenIsProfileOnly, let when = rule.when, !when.holds(profile: profile, service: service, bindings: &bindings) { continue }
                if staticSelection[i] == nil {
                    guard let selector = rule.services, selector.holds(profile: profile, service: service, bindings: &bindings) else { continue }
                }
                let text = ""
                let finding = Finding(rule: rule.id, text: text, source: rule.source, weight: rule.weight)
                switch rule.effect {
                case .exclude: a.exclusions.append(finding)
                case .score:
                    a.score += rule.weight
                    a.scoreFindings.append(finding)
                case .configure: a.configuration.append(finding)
                case .warn: break
                }
            }
            return a
        }
    }

    /// Scores, exclusions and exclusion severities of every service, by the compiled rules.
    /// `onFire(rule, service)` hears every service rule that fires (rule: position among
    /// service rules), for sweeps.
    func evaluate(_ profile: Profile, onFire: ((Int, Int) -> Void)? = nil) -> (scores: [Double], severity: [Double]) {
        let n = catalog.services.count
        let fired = firing(compiled.answers(profile))
        if let onFire {
            for i in serviceRules.indices {
                for s in 0..<n where fired[i * n + s] { onFire(i, s) }
            }
        }
        return totals(fired)
    }

    /// Whether each service rule fires for each service: fired[rule * services + service].
    private func firing(_ a: CompiledRules.Answers) -> [Bool] {
        var fired = [Bool](repeating: false, count: serviceRules.count * catalog.services.count)
        for i in serviceRules.indices { evaluateRule(i, a, into: &fired) }
        return fired
    }

    /// Whether service rule `i` fires for each service: fired[i * services + s].
    private func evaluateRule(_ i: Int, _ a: CompiledRules.Answers, into fired: inout [Bool]) {
        let n = catalog.services.count
        let profileOnly = compiled.whenIsProfileOnly[i]
        if profileOnly, let when = compiled.when[i], !compiled.holds(when, a, -1) {
            for s in 0..<n { fired[i * n + s] = false }
            return
        }
        let table = staticSelection[i]
        for s in 0..<n {
            var fires = true
            if let table { fires = table[s] } else { fires = compiled.holds(compiled.selector[i], a, s) }
            if fires, !profileOnly, let when = compiled.when[i] { fires = compiled.holds(when, a, s) }
            fired[i * n + s] = fires
        }
    }

    /// Scores and exclusion severities from which rules fire, summed in rule order.
    private func totals(_ fired: [Bool]) -> (scores: [Double], severity: [Double]) {
        let n = catalog.services.count
        var scores = [Double](repeating: 0, count: n)
        var severity = [Double](repeating: 0, count: n)
        for (i, rule) in serviceRules.enumerated() {
            switch rule.effect {
            case .exclude:
                let weight = rule.weight == 0 ? 100 : abs(rule.weight)
                for s in 0..<n where fired[i * n + s] { severity[s] += weight }
            case .score:
                for s in 0..<n where fired[i * n + s] { scores[s] += rule.weight }
            case .configure, .warn: break
            }
        }
        return (scores, severity)
    }

    /// The warning rules that fire for a profile, by the compiled rules (for sweeps).
    func firingWarnings(_ profile: Profile) -> [Rule] {
        let a = compiledWarnings.answers(profile)
        return warnRules.indices.filter { i in compiledWarnings.when[i].map { compiledWarnings.holds($0, a, -1) } ?? true }.map { warnRules[$0] }
    }

    /// The pick alone: the cheap path used for what-if and sweeps. When every service is
    /// excluded, the same fallback as `recommend`.
    public func pick(_ profile: Profile) -> String {
        let (scores, severity) = evaluate(profile)
        if let best = Engine.best(idOrder, scores: scores, where: { severity[$0] == 0 }) { return catalog.services[best].id }
        let available = idOrder.filter { catalog.services[$0].lifecycle.isAvailableForNewWorkloads }
        let pool = available.isEmpty ? idOrder : available
        let least = pool.map { severity[$0] }.min() ?? 0
        return catalog.services[Engine.best(pool, scores: scores, where: { severity[$0] == least })!].id
    }

    /// The pick when some service meets every requirement; nil when only a fallback remains.
    public func genuinePick(_ profile: Profile) -> String? {
        let (scores, severity) = evaluate(profile)
        return Engine.best(idOrder, scores: scores, where: { severity[$0] == 0 }).map { catalog.services[$0].id }
    }

    /// The pick by the rules as written (the slow path `recommend` uses), for checking the
    /// compiled rules against.
    func referencePick(_ profile: Profile) -> (id: String, relaxed: Bool) {
        let ranked = rank(assessWritten(profile))
        return (ranked.pick.service.id, ranked.relaxed)
    }

    /// The highest score among `order` (already in tie-break order) that passes `keep`.
    static func best(_ order: [Int], scores: [Double], where keep: (Int) -> Bool) -> Int? {
        var best: Int? = nil
        for s in order where keep(s) {
            if best == nil || scores[s] > scores[best!] { best = s }
        }
        return best
    }

    private func rank(_ all: [Assessment]) -> (pick: Assessment, rest: [Assessment], excluded: [Assessment], relaxed: Bool) {
        let order: (Assessment, Assessment) -> Bool = { a, b in
            a.score != b.score ? a.score > b.score : a.service.id < b.service.id
        }
        let eligible = all.filter { !$0.isExcluded }.sorted(by: order)
        if let first = eligible.first {
            return (first, Array(eligible.dropFirst()), all.filter(\.isExcluded).sorted(by: order), false)
        }
        // Nothing meets every requirement: the service still available to new workloads whose
        // unmet requirements weigh least (each exclusion rule's weight is its severity) is shown,
        // flagged, so that there is always an answer to argue with.
        let fallback = all.sorted { a, b in
            let ra = a.service.lifecycle.isAvailableForNewWorkloads, rb = b.service.lifecycle.isAvailableForNewWorkloads
            if ra != rb { return ra }
            let sa = Engine.severity(a), sb = Engine.severity(b)
            if sa != sb { return sa < sb }
            return order(a, b)
        }
        return (fallback[0], [], Array(fallback.dropFirst()).sorted(by: order), true)
    }

    /// How much a service's exclusions weigh: each exclusion rule's weight, 100 when it has none.
    static func severity(_ a: Assessment) -> Double {
        a.exclusions.reduce(0) { $0 + ($1.weight == 0 ? 100 : abs($1.weight)) }
    }

    /// The full recommendation, with reasons, alternatives, exclusions, warnings and what-if.
    public func recommend(_ profile: Profile, withWhatIf: Bool = true) -> Recommendation {
        let all = assess(profile)
        let (pick, rest, excluded, relaxed) = rank(all)
        var warnings: [String] = []

        if relaxed {
            var text = "No service meets every requirement of this profile. \(pick.service.name) is shown because what it lacks weighs least: \(pick.exclusions.map(\.text).joined(separator: " "))"
            if let next = excluded.first(where: { $0.service.lifecycle.isAvailableForNewWorkloads }) {
                text += " The next closest, \(next.service.name), lacks: \(next.exclusions.map(\.text).joined(separator: " "))"
            }
            warnings.append(text)
        }
        // A warning reads answers only, so there is nothing for {missing} to bind.
        for rule in firingWarnings(profile) {
            warnings.append(render(rule, profile: profile, service: nil, bindings: Condition.Bindings()))
        }
        // A retired service that would have fit: name it, its dates and its successor.
        for a in all where !a.service.lifecycle.isAvailableForNewWorkloads {
            let onlyLifecycle = a.exclusions.allSatisfy { $0.rule.hasPrefix("lifecycle-") }
            guard onlyLifecycle, a.score > 0, a.score >= pick.score || a.score >= 40 else { continue }
            let life = a.service.lifecycle
            let what = life.status == "end-of-support" ? "reached end of support on \(life.since ?? "an announced date")" : "has been closed to new customers since \(life.since ?? "an announced date")"
            var text = "\(a.service.name) would have fit this profile, but it \(what)."
            if let successor = life.successor.flatMap(catalog.service) {
                text += " AWS names \(successor.name) as its successor" + (successor.id == pick.service.id ? ", which is the recommendation." : ".")
            }
            warnings.append(text)
        }

        let whatIf = withWhatIf ? whatIfs(profile, pick: pick.service.id) : []
        let unansweredCore = catalog.questions.filter { $0.isCore && profile[$0.key] == nil }
        let changing = unansweredCore.filter { q in whatIf.contains { $0.key == q.key } }
        if !changing.isEmpty {
            let parts = changing.map { q -> String in
                let examples = whatIf.filter { $0.key == q.key }.prefix(2).map { "\($0.value) → \($0.service)" }
                return "\(q.key) (\(examples.joined(separator: ", ")))"
            }
            warnings.append("Unanswered core questions could change the pick: \(parts.joined(separator: "; ")).")
        }

        let alternatives = rest.map { ($0, whyNot($0, against: pick)) }
        let confidence = relaxed ? "low" : self.confidence(pick: pick, runnerUp: rest.first, profile: profile)
        var recommendation = Recommendation(profile: profile, pick: pick, confidence: confidence, alternatives: alternatives, excluded: excluded, warnings: warnings, whatIf: whatIf)
        recommendation.estimates = estimates(recommendation)
        recommendation.migration = catalog.migrationPlan(for: profile, target: pick.service)
        return recommendation
    }

    /// High when the pick leads by 20 points or more and at least four core questions are
    /// answered; low when it leads by under 8 or fewer than two are answered; medium otherwise.
    func confidence(pick: Assessment, runnerUp: Assessment?, profile: Profile) -> String {
        let margin = runnerUp.map { pick.score - $0.score } ?? 100
        let answered = catalog.questions.filter { $0.isCore && profile[$0.key] != nil }.count
        let marginLevel = margin >= 20 ? 2 : margin >= 8 ? 1 : 0
        let coverageLevel = answered >= 4 ? 2 : answered >= 2 ? 1 : 0
        return ["low", "medium", "high"][min(marginLevel, coverageLevel)]
    }

    /// Why `other` ranks below the pick: its own penalties, then what the pick earned that it did not.
    func whyNot(_ other: Assessment, against pick: Assessment) -> [Finding] {
        var out = other.scoreFindings.filter { $0.weight < 0 }.sorted { $0.weight < $1.weight }
        let otherRules = Set(other.scoreFindings.map(\.rule))
        for finding in pick.scoreFindings.sorted(by: { $0.weight > $1.weight }) where finding.weight > 0 && !otherRules.contains(finding.rule) {
            out.append(Finding(rule: finding.rule, text: "\(pick.service.name) gains here: \(finding.text)", source: finding.source, weight: -finding.weight))
        }
        if out.isEmpty {
            out.append(Finding(rule: "score", text: "Scores \(JSON.format(number: other.score)) against \(JSON.format(number: pick.score)) for \(pick.service.name) on the same rules.", source: "", weight: 0))
        }
        return Array(out.prefix(4))
    }

    /// The values worth trying for one key: every listed value, or the thresholds rules use.
    public func candidateValues(for question: Question) -> [String] {
        switch question.kind {
        case .choice, .set: return question.valueNames
        case .percent:
            return []
        case .size, .rate:
            var out: [String] = []
            for t in thresholds[question.key] ?? [] {
                if question.kind == .size, case let .success(size) = DataSize.parse(t) {
                    out += [DataSize(bytes: size.bytes * 0.5).description, size.description]
                } else if case let .success(rate) = RequestRate.parse(t) {
                    out += [RequestRate(perSecond: rate.perSecond * 0.5).description, rate.description]
                }
            }
            // Facts that rules compare this answer with (limits) are thresholds too.
            if question.kind == .size {
                for service in catalog.services {
                    for kind in (comparedFacts[question.key] ?? []).sorted() {
                        if let text = service.fact(kind)?.value?.stringValue, case let .success(size) = DataSize.parse(text) {
                            out += [size.description, DataSize(bytes: size.bytes * 2).description]
                        }
                    }
                }
            }
            var seen = Set<String>()
            return out.filter { seen.insert($0).inserted }
        }
    }

    /// Single-answer changes that would change the pick, in questionnaire order.
    public func whatIfs(_ profile: Profile, pick: String) -> [WhatIf] {
        // The profile is evaluated once; each variant re-evaluates only the rules that read
        // the answer it changes (the others fire exactly as before).
        let a = compiled.answers(profile)
        let n = catalog.services.count
        let fired = firing(a)
        let (baseScores, baseSeverity) = totals(fired)
        var out: [WhatIf] = []
        for (q, question) in catalog.questions.enumerated() {
            for value in candidateValues(for: question) {
                guard let answer = variant(of: profile, question: question, value: value) else { continue }
                var changed = a
                compiled.set(&changed, question: q, to: answer)
                // Weights are whole numbers (the schema says so), so adjusting the totals by
                // the rules that changed gives exactly the sums a full evaluation would.
                var changedFired = fired
                var scores = baseScores, severity = baseSeverity
                for i in rulesReading[q] {
                    evaluateRule(i, changed, into: &changedFired)
                    let rule = serviceRules[i]
                    for s in 0..<n where changedFired[i * n + s] != fired[i * n + s] {
                        let sign: Double = changedFired[i * n + s] ? 1 : -1
                        switch rule.effect {
                        case .exclude: severity[s] += sign * (rule.weight == 0 ? 100 : abs(rule.weight))
                        case .score: scores[s] += sign * rule.weight
                        case .configure, .warn: break
                        }
                    }
                }
                if let best = Engine.best(idOrder, scores: scores, where: { severity[$0] == 0 }),
                   catalog.services[best].id != pick {
                    out.append(WhatIf(key: question.key, value: answer.text, service: catalog.services[best].id))
                }
            }
        }
        return out
    }

    /// Fills a reason's placeholders: {service}, {answer:KEY}, {fact:KIND}, {missing},
    /// {successor}, {since}.
    func render(_ rule: Rule, profile: Profile, service: Service?, bindings: Condition.Bindings) -> String {
        var out = ""
        for part in rule.template {
            switch part {
            case let .literal(text): out += text
            case .service: out += service?.name ?? ""
            case .missing: out += bindings.missing.joined(separator: ", ")
            case let .answer(key): out += profile[key]?.text ?? "?"
            case let .fact(kind):
                let fact = service?.fact(kind)
                if let items = fact?.value?.arrayValue {
                    out += items.compactMap(\.stringValue).joined(separator: ", ")
                } else {
                    out += fact?.value?.stringValue ?? fact?.value.map { $0.compactText() } ?? "?"
                }
            case .successor: out += service?.lifecycle.successor.flatMap(catalog.service)?.name ?? "no named successor"
            case .since: out += service?.lifecycle.since ?? "?"
            case let .unknown(name): out += "{\(name)}"
            }
        }
        return out
    }
}

/// Why one service is, or is not, the pick for a profile.
public struct Explanation: Sendable {
    public var service: Service
    public var assessment: Assessment
    public var pick: Assessment
    /// 1-based rank among the services not excluded; nil when excluded.
    public var rank: Int?
    /// The fewest answer changes found that would make this service the pick (empty when it
    /// already is; nil when no change of one or two answers does).
    /// A nil value means withdrawing that answer.
    public var smallestChange: [(key: String, value: String?)]?
}

extension Engine {
    /// Explains `serviceID` against the pick for `profile`, rule by rule.
    public func explain(_ serviceID: String, profile: Profile) -> Explanation? {
        let all = assess(profile)
        guard let mine = all.first(where: { $0.service.id == serviceID }) else { return nil }
        let recommendation = recommend(profile)
        let eligible = ([recommendation.pick] + recommendation.alternatives.map(\.0)).filter { !$0.isExcluded }
        let rank = eligible.firstIndex { $0.service.id == serviceID }.map { $0 + 1 }
        let change: [(key: String, value: String?)]?
        if recommendation.pick.service.id == serviceID {
            change = []
        } else {
            change = smallestChange(toward: serviceID, from: profile)
        }
        return Explanation(service: mine.service, assessment: mine, pick: recommendation.pick, rank: rank, smallestChange: change)
    }

    /// Single-answer changes first, then pairs, in questionnaire order; the first that makes
    /// `serviceID` the pick wins. Retired services never become the pick, so they get nil.
    func smallestChange(toward serviceID: String, from profile: Profile) -> [(key: String, value: String?)]? {
        guard catalog.service(serviceID)?.lifecycle.isAvailableForNewWorkloads == true else { return nil }
        // Candidate single changes: a new value for any key, or withdrawing an answer given.
        var singles: [(String, Answer?)] = []
        for question in catalog.questions {
            if profile[question.key] != nil { singles.append((question.key, nil)) }
            if case let .set(items)? = profile[question.key], items.count > 1 {
                for item in items { singles.append((question.key, .set(items.filter { $0 != item }))) }
            }
            for value in candidateValues(for: question) {
                guard let answer = variant(of: profile, question: question, value: value) else { continue }
                singles.append((question.key, answer))
            }
        }
        for (key, answer) in singles {
            var changed = profile
            changed[key] = answer
            if genuinePick(changed) == serviceID { return [(key, answer?.text)] }
        }
        for i in singles.indices {
            for j in singles.indices where j > i && singles[j].0 != singles[i].0 {
                var changed = profile
                changed[singles[i].0] = singles[i].1
                changed[singles[j].0] = singles[j].1
                if genuinePick(changed) == serviceID { return [(singles[i].0, singles[i].1?.text), (singles[j].0, singles[j].1?.text)] }
            }
        }
        return nil
    }

    /// The answer a what-if would try for `value`, or nil when it is the current answer.
    func variant(of profile: Profile, question: Question, value: String) -> Answer? {
        switch question.kind {
        case .choice:
            if case .choice(value)? = profile[question.key] { return nil }
            return .choice(value)
        case .set:
            var items = Condition.answerValues(profile[question.key])
            if items.contains(value) { return nil }
            items.append(value)
            return .set(question.valueNames.filter(items.contains))
        case .size:
            guard case let .success(size) = DataSize.parse(value) else { return nil }
            if case .size(size)? = profile[question.key] { return nil }
            return .size(size)
        case .rate:
            guard case let .success(rate) = RequestRate.parse(value) else { return nil }
            if case .rate(rate)? = profile[question.key] { return nil }
            return .rate(rate)
        case .percent:
            return nil
        }
    }
}
