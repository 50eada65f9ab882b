/// The engine: one profile in, one `Recommendation` out. It is split by responsibility, one
/// file each:
///
/// - Engine.swift (this file): evaluation — which rules fire for which service, the scores
///   and exclusions they add up to, the pick. Every decision goes through `RuleEvaluator`.
/// - Ranking.swift: ranking, the tie-break, the fallback when nothing fits, confidence.
/// - Explain.swift: reasons written out, why an alternative ranks lower, `why SERVICE`.
/// - Advice.swift: warnings about the profile and the pick.
/// - WhatIf.swift: single-answer changes that would change the pick.
/// - Estimates.swift and Migration.swift: sizing, cost and the path from an existing engine.
public struct Engine: Sendable {
    public let catalog: Catalog
    /// The rules judged per service (exclude, score, configure), and the evaluator compiled
    /// from them; positions in one are positions in the other.
    let serviceRules: [Rule]
    let evaluator: RuleEvaluator
    /// The warning rules (judged once per profile) and their evaluator.
    let warnRules: [Rule]
    let warnEvaluator: RuleEvaluator
    /// The size and rate thresholds rules compare answers against, by profile key.
    let thresholds: [String: [String]]
    /// The fact kinds rules compare each size or rate answer with.
    let comparedFacts: [String: Set<String>]
    /// For rules whose `services` selector reads no answer: whether it selects each service,
    /// by rule position and service position, computed once.
    let staticSelection: [[Bool]?]
    /// Service positions in tie-break order (see Ranking.swift).
    let idOrder: [Int]
    /// Per service (catalog order): its position in `idOrder`.
    let tieBreakPosition: [Int]
    /// The position of the cost-priority question (the first with its key), -1 if none.
    let costPriorityPosition: Int
    /// Per service (catalog order): whether it is available for new workloads (its lifecycle),
    /// read once: the fallback prefers those.
    let availableForNew: [Bool]
    /// Per service rule: what it adds to a service's score and exclusion severity when it fires.
    let ruleEffects: [(score: Double, severity: Double)]
    /// Per service rule: its effect, read without the rule (`assess`: reading it from the
    /// rule counted a reference to the rule in and out, for every rule that fires).
    let ruleKinds: [Effect]
    /// Per service rule: whether its reason names the values found missing (`needsBindings`,
    /// which walks the rule's template, copying each piece: some 45 times a batch line).
    let ruleNeedsBindings: [Bool]
    /// Per service (by position): the sizing model of its estimates.
    let costModels: [EstimateBuilder.Model]
    /// Per question (by index): the service rules that read its answer.
    let rulesReading: [[Int]]
    /// The exclusion rules that read the lifecycle fact (Advice.swift).
    let lifecycleRules: Set<String>
    /// Each service's facts as the unmet requirements read them, read once (by service
    /// position; see `prepareRequirementFacts`): empty unless asked, when each call reads them.
    var requirementFacts: [RequirementFacts] = []
    /// The latency question the unmet requirements rank latencies on.
    let latencyScale: Question?
    /// Reasons that read no answer, written out once (see `prerenderReasons`); empty unless asked.
    var prerendered: [String?] = []
    /// The other reasons cut into bytes written out once and the answers filled per profile
    /// (see `prerenderReasons`), by rule and service position; empty unless asked.
    var reasonPieces: [[ReasonPiece]] = []
    /// Per slot (rule × service) whose reason reads only chosen answers (a choice or a set):
    /// the positions of the questions it reads, which a `ReasonMemo` keys it by; nil for the
    /// others. Empty unless reasons are prerendered.
    var memoKeys: [[Int]?] = []
    /// Each service's name length in characters (a finding's `subjectLength`), counted once
    /// by `prerenderReasons`; empty unless asked, when each finding counts it.
    var serviceNameLengths: [Int] = []
    /// Each price's citation (its `UnitPrice.text`, source and date, with the citation's JSON)
    /// by position in the price table, written once (see `prepareEstimates`); empty unless
    /// asked, when each estimate writes those it cites.
    var priceCitations: [PriceCitation] = []
    /// Each slot's (rule × service) finding without its reason written, made once (see
    /// `prepareBlankFindings`); empty unless asked, when each `assess(withReasons: false)`
    /// makes those it lists.
    var blankFindings: [Finding] = []
    /// What-if's candidate values and their classes, worked out once (see `prepareWhatIfs`);
    /// nil unless asked, when each `whatIfs` judges every candidate on its own.
    var whatIfTable: WhatIfTable? = nil

    public init(catalog: Catalog) {
        self.catalog = catalog
        serviceRules = catalog.rules.filter(\.isServiceRule)
        warnRules = catalog.rules.filter { !$0.isServiceRule }
        var thresholds: [String: [String]] = [:]
        var compared: [String: Set<String>] = [:]
        for rule in catalog.rules {
            rule.when?.thresholds(into: &thresholds)
            rule.services?.thresholds(into: &thresholds)
            rule.when?.comparedFacts(into: &compared)
            rule.services?.comparedFacts(into: &compared)
        }
        self.thresholds = thresholds
        comparedFacts = compared
        let evaluator = RuleEvaluator(catalog: catalog, rules: serviceRules)
        self.evaluator = evaluator
        warnEvaluator = RuleEvaluator(catalog: catalog, rules: warnRules)
        rulesReading = evaluator.rulesReading
        lifecycleRules = Engine.lifecycleRules(serviceRules)
        let latencyScale = catalog.question("latency")
        self.latencyScale = latencyScale
        idOrder = Ranking.tieBreakOrder(catalog)
        var position = [Int](repeating: 0, count: idOrder.count)
        for (k, s) in idOrder.enumerated() { position[s] = k }
        tieBreakPosition = position
        ruleEffects = serviceRules.map(Ranking.effect(of:))
        ruleKinds = serviceRules.map(\.effect)
        ruleNeedsBindings = serviceRules.map(\.needsBindings)
        costModels = catalog.services.map { EstimateBuilder.Model(service: $0.id) }
        availableForNew = catalog.services.map(\.lifecycle.isAvailableForNewWorkloads)
        costPriorityPosition = catalog.questions.firstIndex { $0.key == Engine.costPriorityKey } ?? -1
        let noAnswers = evaluator.answers(Profile())
        let rules = serviceRules
        let serviceIndices = catalog.services.indices
        staticSelection = rules.indices.map { i in
            guard let selector = rules[i].services, selector.ignoresAnswers else { return nil }
            return serviceIndices.map { evaluator.program.holds(evaluator.selectorAt[i], noAnswers, $0) }
        }
    }

    /// Whether `rule` fires for `profile` (and `service`, for a service rule): the same
    /// evaluation `recommend` makes, for rule examples and tests.
    public func fires(_ rule: Rule, profile: Profile, service: Service?) -> Bool {
        if !rule.isServiceRule {
            guard let i = warnRules.firstIndex(where: { $0 === rule }) else { return false }
            var capture = RuleEvaluator.Capture()
            return warnEvaluator.fires(i, warnEvaluator.answers(profile), -1, capture: &capture)
        }
        guard let i = serviceRules.firstIndex(where: { $0 === rule }), let service, let s = catalog.services.firstIndex(where: { $0 === service }) else { return false }
        var fired = [Bool](repeating: false, count: serviceRules.count * catalog.services.count)
        evaluateRule(i, evaluator.answers(profile), into: &fired)
        return fired[i * catalog.services.count + s]
    }

    /// Every service's assessment, in catalog order: the findings of every rule that fires,
    /// with reasons written out unless `withReasons` is false (sweeps).
    public func assess(_ profile: Profile, withReasons: Bool = true) -> [Assessment] {
        let a = evaluator.answers(profile)
        var memo = ReasonMemo.off
        return assess(profile, a, held: firing(a), withReasons: withReasons, memo: &memo)
    }

    /// The same, from the profile's answers and which rules fire (`matrix(firing(a))`), when
    /// the caller has them (the lint sweep).
    func assess(_ profile: Profile, _ a: RuleEvaluator.Answers, fired: [Bool], withReasons: Bool) -> [Assessment] {
        let n = catalog.services.count
        let held = serviceRules.indices.map { i in
            (0..<n).reduce(UInt64(0)) { bits, s in fired[i * n + s] ? bits | TestProgram.bit(s) : bits }
        }
        var memo = ReasonMemo.off
        return assess(profile, a, held: held, withReasons: withReasons, memo: &memo)
    }

    /// The same from which rules fire for which services (`firing(a)`), reasons read from and
    /// kept in `memo` (with a memo that is on, `held` is what `firing(a, memo: &memo.firings)`
    /// gave for these answers: what reasons capture is kept by the keys it read). With
    /// `onlyShown`, the findings no output shows of a service are left out: an excluded
    /// service's score findings, and every service's configuration (scores are summed all the
    /// same); `completeShown` adds the pick's once it is known.
    func assess(_ profile: Profile, _ a: RuleEvaluator.Answers, held: [UInt64], withReasons: Bool, memo: inout ReasonMemo, onlyShown: Bool = false) -> [Assessment] {
        var assessments = catalog.services.map { Assessment(service: $0, score: 0, scoreFindings: [], exclusions: [], configuration: []) }
        let n = catalog.services.count
        precondition(held.count >= serviceRules.count, "a firing word for each service rule")
        // Read where they lie, and the assessments changed where they lie: indexed and changed
        // through the lists, each step checked its bounds and that the list was unshared (some
        // 200 checks a batch line, a few thousand instructions).
        held.withUnsafeBufferPointer { held in
            ruleKinds.withUnsafeBufferPointer { kinds in
                ruleEffects.withUnsafeBufferPointer { effects in
                    assessments.withUnsafeMutableBufferPointer { out in
                        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * n) { room in
                            assess(profile, a, held: held, kinds: kinds, effects: effects, into: out, counts: room,
                                   withReasons: withReasons, memo: &memo, onlyShown: onlyShown)
                        }
                    }
                }
            }
        }
        addCheapest(profile, to: &assessments)
        return assessments
    }

    /// `assess`'s findings and scores, into `out` (a blank assessment for each service);
    /// `counts`: room for three counts a service.
    private func assess(_ profile: Profile, _ a: RuleEvaluator.Answers, held: UnsafeBufferPointer<UInt64>, kinds: UnsafeBufferPointer<Effect>,
                        effects: UnsafeBufferPointer<(score: Double, severity: Double)>, into out: UnsafeMutableBufferPointer<Assessment>,
                        counts room: UnsafeMutableBufferPointer<Int>, withReasons: Bool, memo: inout ReasonMemo, onlyShown: Bool) {
        let n = out.count
        // Bits of the catalog's services only (the evaluator's program gives no other).
        let catalogServices = evaluator.program.services
        // The services some exclusion rule fires for (with `onlyShown`: their score findings
        // are not written).
        var excluded: UInt64 = 0
        if onlyShown {
            for i in kinds.indices where kinds[i] == .exclude { excluded |= held[i] }
        }
        // With reasons prepared (plan, batch), each list is given its room once, counted from
        // which rules fire, instead of growing one finding at a time. Elsewhere (the lint
        // sweep's checker, a one-shot) the counting costs more than the growth it saves: about
        // 130 M of lint's instructions. Capacity only: the findings are the same either way.
        let counted = !reasonPieces.isEmpty
        let counts = UnsafeMutableBufferPointer(rebasing: room[..<(counted ? 3 * n : 0)])
        if counted {
            counts.initialize(repeating: 0)
            for i in kinds.indices {
                let kind: Int
                switch kinds[i] {
                case .exclude: kind = 0
                case .score: kind = 1
                case .configure: kind = 2
                case .warn: continue
                }
                // Room for the findings written (with `onlyShown`, not for those left out).
                var left = held[i] & catalogServices & (!onlyShown || kind == 0 ? ~0 : kind == 1 ? ~excluded : 0)
                while left != 0 {
                    counts[kind * n + left.trailingZeroBitCount] += 1
                    left &= left - 1
                }
            }
            // An empty list is left without storage (reserving none still allocates); a list
            // of one finding, with the memo on, is the memo's (`ReasonMemo.single`).
            // Several exclusions, with the memo on, are laid out in the memo's room and the
            // list is the memo's (`ReasonMemo.sharedList`).
            let fewest = memo.isOn ? 1 : 0
            if memo.isOn { memo.layOutLists(UnsafeBufferPointer(rebasing: counts[0..<n])) }
            for s in 0..<n {
                if counts[s] > fewest && !memo.isOn { out[s].exclusions.reserveCapacity(counts[s]) }
                if counts[n + s] > fewest { out[s].scoreFindings.reserveCapacity(counts[n + s]) }
                if counts[2 * n + s] > fewest { out[s].configuration.reserveCapacity(counts[2 * n + s]) }
            }
        }
        let keepsSingles = memo.isOn && counted
        // Each rule's services in ascending position, as the matrix's row would give them.
        for i in kinds.indices {
            var left = held[i] & catalogServices
            guard left != 0 else { continue }
            let effect = kinds[i]
            if onlyShown && effect != .exclude {
                // The score still counts; the finding is written only where it is shown.
                if effect == .score {
                    var unshown = left & excluded
                    while unshown != 0 {
                        out[unshown.trailingZeroBitCount].score += effects[i].score
                        unshown &= unshown - 1
                    }
                    left &= ~excluded
                } else {
                    left = 0
                }
            }
            while left != 0 {
                let s = left.trailingZeroBitCount
                left &= left - 1
                let finding = withReasons ? writtenFinding(i, service: s, profile: profile, answers: a, memo: &memo)
                    : blankFindings.isEmpty ? serviceFinding(i, service: s, text: "", subjectLength: 0) : blankFindings[i * n + s]
                if keepsSingles {
                    switch effect {
                    case .exclude where counts[s] == 1:
                        out[s].exclusions = memo.single(finding)
                        continue
                    case .exclude:
                        // Laid out at the service's cursor (moved on; `sharedList` below).
                        memo.listScratch[memo.listStarts[s]] = finding
                        memo.listStarts[s] += 1
                        continue
                    case .score where counts[n + s] == 1:
                        out[s].score += effects[i].score
                        out[s].scoreFindings = memo.single(finding)
                        continue
                    case .configure where counts[2 * n + s] == 1:
                        out[s].configuration = memo.single(finding)
                        continue
                    default: break
                    }
                }
                switch effect {
                case .exclude: out[s].exclusions.append(finding)
                case .score:
                    out[s].score += effects[i].score
                    out[s].scoreFindings.append(finding)
                case .configure: out[s].configuration.append(finding)
                case .warn: break
                }
            }
        }
        if keepsSingles {
            for s in 0..<n where counts[s] > 1 {
                out[s].exclusions = memo.sharedList(from: memo.listStarts[s] - counts[s], count: counts[s])
            }
        }
    }

    /// The findings `assess(onlyShown: true)` left out of `pick`: its configuration, and its
    /// score findings when it is excluded (the fallback), in rule order as `assess` writes
    /// them. An assessment that is not excluded had its score findings written, the
    /// lowest-cost one last, which `assess` adds only to services that are not excluded.
    func completeShown(_ pick: inout Assessment, _ profile: Profile, _ a: RuleEvaluator.Answers, held: [UInt64], memo: inout ReasonMemo) {
        guard let s = catalog.services.firstIndex(where: { $0 === pick.service }) else { return }
        let bit = TestProgram.bit(s)
        let scores = pick.isExcluded
        // Each list given its room once (grown from empty, a list of three was made three
        // times); a configuration of one finding, the most common, is the memo's list of it.
        var scoring = 0, configuring = 0
        for i in serviceRules.indices where held[i] & bit != 0 {
            switch serviceRules[i].effect {
            case .score where scores: scoring += 1
            case .configure: configuring += 1
            default: break
            }
        }
        if scoring > 0 { pick.scoreFindings.reserveCapacity(pick.scoreFindings.count + scoring) }
        let single = configuring == 1 && pick.configuration.isEmpty && memo.isOn
        if configuring > 0 && !single { pick.configuration.reserveCapacity(pick.configuration.count + configuring) }
        for i in serviceRules.indices where held[i] & bit != 0 {
            switch serviceRules[i].effect {
            case .score where scores: pick.scoreFindings.append(writtenFinding(i, service: s, profile: profile, answers: a, memo: &memo))
            case .configure:
                let finding = writtenFinding(i, service: s, profile: profile, answers: a, memo: &memo)
                if single { pick.configuration = memo.single(finding) } else { pick.configuration.append(finding) }
            default: break
            }
        }
    }

    /// Makes once each slot's finding as `assess(withReasons: false)` lists it, for a sweep of
    /// many profiles (lint): a finding is a reference to its fields, and making one allocates.
    public mutating func prepareBlankFindings() {
        let n = catalog.services.count
        blankFindings = serviceRules.indices.flatMap { i in (0..<n).map { serviceFinding(i, service: $0, text: "", subjectLength: 0) } }
    }

    /// `Ranking.rank` of assessments; for all services in catalog order (as `assess` gives
    /// them), by the tie-break positions worked out once.
    func rank(_ all: [Assessment]) -> Ranking.Ranked {
        guard all.count == catalog.services.count, zip(all, catalog.services).allSatisfy({ $0.service === $1 }) else {
            return Ranking.rank(all, policy: catalog.ranking)
        }
        return Ranking.rank(all, tieBreakPosition: tieBreakPosition)
    }

    /// Scores and exclusion severities of every service.
    func evaluate(_ profile: Profile) -> (scores: [Double], severity: [Double]) {
        var (scores, severity) = totals(firing(evaluator.answers(profile)))
        addCheapest(profile, scores: &scores, severity: severity)
        return (scores, severity)
    }

    /// Per service rule, the services it fires for (bit s: the service at s).
    func firing(_ a: RuleEvaluator.Answers) -> [UInt64] {
        serviceRules.indices.map { firingServices($0, a) }
    }

    /// The same as a matrix: fired[rule * services + service].
    func matrix(_ held: [UInt64]) -> [Bool] {
        let n = catalog.services.count
        var fired = [Bool](repeating: false, count: serviceRules.count * n)
        // Bits of the catalog's services only (the evaluator's program gives no other).
        let catalogServices = evaluator.program.services
        fired.withUnsafeMutableBufferPointer { fired in
            for (i, services) in held.enumerated() {
                var left = services & catalogServices
                while left != 0 {
                    fired[i * n + left.trailingZeroBitCount] = true
                    left &= left - 1
                }
            }
        }
        return fired
    }

    /// Whether service rule `i` fires for each service: fired[i * services + s].
    func evaluateRule(_ i: Int, _ a: RuleEvaluator.Answers, into fired: inout [Bool]) {
        evaluateRule(i, a, into: &fired, only: 0..<catalog.services.count)
    }

    /// The same for the services of `only` alone; the other entries of the row stay as they
    /// were (what-if judges only the services that may fit).
    func evaluateRule<Services: Sequence<Int>>(_ i: Int, _ a: RuleEvaluator.Answers, into fired: inout [Bool], only services: Services) {
        let n = catalog.services.count
        let held = firingServices(i, a)
        for s in services { fired[i * n + s] = held & (1 << UInt64(s)) != 0 }
    }

    /// The services (bit s: the service at s) for which service rule `i` fires: its `when`
    /// and its selector judged for every service at once.
    func firingServices(_ i: Int, _ a: RuleEvaluator.Answers) -> UInt64 {
        let program = evaluator.program
        let when = evaluator.whenAt[i]
        var held = (when >= 0 ? program.subjects(when, a) : program.everyone) & program.services
        if held != 0 { held &= program.subjects(evaluator.selectorAt[i], a) }
        return held
    }

    /// Scores and exclusion severities from which rules fire (`firing`), summed in rule order.
    func totals(_ held: [UInt64]) -> (scores: [Double], severity: [Double]) {
        let n = catalog.services.count
        var scores = [Double](filledWith: 0, count: n)
        var severity = [Double](filledWith: 0, count: n)
        // The same sums in the same order, through pointers (a sum per rule and service).
        scores.withUnsafeMutableBufferPointer { scores in
            severity.withUnsafeMutableBufferPointer { severity in
                ruleEffects.withUnsafeBufferPointer { effects in
                    held.withUnsafeBufferPointer { held in
                        precondition(effects.count == held.count, "a firing word per service rule")
                        for i in 0..<held.count {
                            let (score, weight) = effects[i]
                            guard score != 0 || weight != 0 else { continue }
                            var left = held[i]
                            while left != 0 {
                                let s = left.trailingZeroBitCount
                                precondition(s < n, "a firing bit past the catalog's services")
                                scores[s] += score
                                severity[s] += weight
                                left &= left - 1
                            }
                        }
                    }
                }
            }
        }
        return (scores, severity)
    }

    /// The warning rules that fire for a profile.
    func firingWarnings(_ profile: Profile) -> [Rule] {
        firingWarnings(warnEvaluator.answers(profile))
    }

    /// The same from the profile's answers as either evaluator reads them: both are compiled
    /// from the catalog's questions, in its order.
    func firingWarnings(_ a: RuleEvaluator.Answers) -> [Rule] {
        // `RuleEvaluator.init` takes its questions and their positions from the catalog
        // whatever its rules: the two evaluators' answers are laid out alike.
        precondition(a.mask.count == warnEvaluator.questions.count, "answers read for another catalog")
        return warnRules.indices.filter { warningFires($0, a) }.map { warnRules[$0] }
    }

    /// Whether warning rule `i` (position among warning rules) fires for the answers.
    func warningFires(_ i: Int, _ a: RuleEvaluator.Answers) -> Bool {
        let when = warnEvaluator.whenAt[i]
        return when < 0 || warnEvaluator.program.holds(when, a, -1)
    }

    /// The pick alone: the cheap path used for what-if and sweeps. When every service is
    /// excluded, the same fallback as `recommend`.
    public func pick(_ profile: Profile) -> String {
        let (scores, severity) = evaluate(profile)
        return catalog.services[Ranking.pick(idOrder, scores: scores, severity: severity, available: availableForNew)].id
    }

    /// The pick when some service meets every requirement; nil when only a fallback remains.
    public func genuinePick(_ profile: Profile) -> String? {
        let (scores, severity) = evaluate(profile)
        return Ranking.best(idOrder, scores: scores, where: { severity[$0] == 0 }).map { catalog.services[$0].id }
    }

    /// The full recommendation, with reasons, alternatives, exclusions, warnings and what-if.
    /// (batch's CSV rows take `row`: the ranking without what they do not show.)
    public func recommend(_ profile: Profile, withWhatIf: Bool = true) -> Recommendation {
        var memo = ReasonMemo.off
        return recommend(profile, withWhatIf: withWhatIf, memo: &memo)
    }

    /// The same, reasons read from and kept in `memo` (batch: one memo per thread, for every
    /// line it answers), from the profile's answers as the evaluator reads them when the
    /// caller has them. The recommendation is the same as without.
    ///
    /// With `onlyShown` (batch's JSON lines), the findings no output shows are not written:
    /// excluded services' score findings, and the configuration of every service but the
    /// pick. Everything `recommend --format json` shows is the same.
    ///
    /// Without `withEstimates` (batch's JSON lines), the estimates are left out, to be
    /// written by `writeEstimates` as they are worked out.
    public func recommend(_ profile: Profile, answers: EvaluatorAnswers? = nil, withWhatIf: Bool = true, memo: inout ReasonMemo, onlyShown: Bool = false,
                          withEstimates: Bool = true) -> Recommendation {
        let a = answers?.value ?? evaluator.answers(profile)
        precondition(a.mask.count == evaluator.questions.count, "answers read for another catalog")
        let held = firing(a, memo: &memo.firings)
        if memo.isOn { memo.begin(profile, line: answers, engine: self) }
        let all = assess(profile, a, held: held, withReasons: true, memo: &memo, onlyShown: onlyShown)
        var ranked = rank(all)
        if onlyShown { completeShown(&ranked.pick, profile, a, held: held, memo: &memo) }
        let whatIf = withWhatIf ? whatIfs(profile, pick: ranked.pick.service.id, answers: a, held: held) : []
        let confidence = self.confidence(ranked, profile: profile, whatIf: whatIf, answers: a)
        let warnings = advise(profile, all: all, ranked: ranked, whatIf: whatIf, answers: a)
        var gains = Gains(ranked.pick)
        // Made with the labels it is stored with (a list made without them was converted, copied whole).
        let alternatives: [(Assessment, whyNot: [Finding])] = ranked.rest.map { ($0, whyNot: whyNot($0, against: ranked.pick, gains: &gains, memo: &memo)) }
        // Worked out from the ranked services, before the recommendation is made.
        let worked = withEstimates ? estimates(profile, services: [ranked.pick.service] + ranked.rest.map(\.service)) : []
        let migration = catalog.migrationPlan(for: profile, target: ranked.pick.service)
        // The firing memo's keys were this line's until the answer was made (`Engine.captured`).
        // Forgotten here, and the recommendation made whole where it is returned: made in a
        // `var`, set member by member and returned past a `defer`, it was copied (a reference
        // counted in and out for each of its lists) and the copy freed.
        memo.firings.forgetLineKeys()
        return Recommendation(profile: profile, pick: ranked.pick, confidence: confidence, alternatives: alternatives,
                              excluded: ranked.excluded, warnings: warnings, whatIf: whatIf, whatIfComputed: withWhatIf,
                              onlyShownFindings: onlyShown, estimates: worked, estimatesComputed: withEstimates, migration: migration)
    }
}
