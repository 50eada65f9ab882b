/// What-if: the single answers that would change the pick, found by re-evaluating only the
/// rules that read the changed answer.
extension Engine {
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
                let kinds = (comparedFacts[question.key] ?? []).sorted()
                for service in catalog.services {
                    for kind in kinds {
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

    /// Works out what-if's candidate values and their classes once, for every later
    /// `whatIfs` (and `recommend`) of this engine: for plan, where many profiles share the
    /// work (batch --what-if does not ask for it yet). Without it each candidate is judged on its own, which is
    /// quicker for one profile. The results are the same either way (WhatIfClassTests).
    public mutating func prepareWhatIfs() {
        whatIfTable = WhatIfTable(engine: self)
    }

    /// Single-answer changes that would change the pick, in questionnaire order.
    public func whatIfs(_ profile: Profile, pick: String) -> [WhatIf] {
        let a = evaluator.answers(profile)
        return whatIfs(profile, pick: pick, answers: a, held: firing(a))
    }

    /// The same, from the profile's answers and which rules fire (`firing(a)`), when the
    /// caller has them (`recommend`, which has just assessed the profile).
    func whatIfs(_ profile: Profile, pick: String, answers a: RuleEvaluator.Answers, held: [UInt64]) -> [WhatIf] {
        let fired = matrix(held)
        // With no table worked out (a one-shot recommend), every candidate is judged on its own:
        // working out the classes costs more than one profile saves.
        let table = whatIfTable
        // The profile is evaluated once; each variant re-evaluates only the rules that read
        // the answer it changes (the others fire exactly as before).
        let n = catalog.services.count
        let (baseScores, baseSeverity) = totals(held)
        // The pick, when it fits: a question whose answer cannot move the best fitting service
        // away from it (`pickHolds`) needs no variant judged.
        let pickIndex = catalog.services.firstIndex { $0.id == pick }.flatMap { baseSeverity[$0] == 0 ? $0 : nil }
        var bound = [Double](repeating: 0, count: n)
        // Per question: the services that may fit in one of its variants (`servicesThatMayFit`);
        // only they are judged, since only a fitting service can be a variant's best.
        var fitting: [Int] = []
        fitting.reserveCapacity(n)
        // The answers a variant judges: the profile's, with one question's changed in place and
        // put back after its variants.
        var changed = a
        // One copy for every variant: a variant writes whole the rows of the rules that read
        // its answer (evaluateRule sets each service's entry) and reads no other row.
        var changedFired = fired
        // lowest-cost can only move a variant's pick when the variant asks for it: the profile
        // does, or the variant changes the answer that says so.
        let profileWantsLowestCost = wantsLowestCost(profile)
        var out: [WhatIf] = []
        // Per class of the question's answer (see WhatIfTable): the totals a variant of that
        // class gives before lowest-cost, worked out by the first variant of the class.
        // Kept flat, by class and service, with whether each class is worked out yet; a
        // variant's totals go into `scores` and `severity`, reused for every variant.
        var knownScores: [Double] = [], knownSeverity: [Double] = [], isKnown: [Bool] = []
        var scores = [Double](repeating: 0, count: n), severity = scores
        for (q, question) in catalog.questions.enumerated() {
            let candidates = table?.candidates[q]
                ?? candidateValues(for: question).map { WhatIfTable.Candidate(value: $0, answer: nil, class: -1) }
            if candidates.isEmpty { continue }
            servicesThatMayFit(q, fired: fired, severity: baseSeverity, lowest: &bound, into: &fitting)
            if let p = pickIndex, pickHolds(q, pick: p, fired: fired, scores: baseScores, mayFit: fitting,
                                             cheapest: profileWantsLowestCost || question.key == Engine.costPriorityKey, bound: &bound) {
                continue
            }
            let saved = (changed.mask[q], changed.number[q], changed.answered[q])
            defer { (changed.mask[q], changed.number[q], changed.answered[q]) = saved }
            // The class of the current answer: a variant in it changes no test's result, so
            // its totals are the profile's own.
            // A current answer that is one of the candidates is in that candidate's class (the
            // class is worked out from the answer alone).
            let currentAnswer = profile[question.key]
            var current = -1
            if let table, table.classifies(q) {
                if let answer = currentAnswer, let same = candidates.first(where: { $0.class >= 0 && $0.answer == answer }) {
                    current = same.class
                } else {
                    current = table.classOf(q, a)
                }
            }
            let classes = table?.classCount[q] ?? 0
            isKnown.removeAll(keepingCapacity: true)
            isKnown.append(contentsOf: repeatElement(false, count: classes))
            if knownScores.count < classes * n {
                knownScores = [Double](repeating: 0, count: classes * n)
                knownSeverity = knownScores
            }
            // What the rules that read this answer alone add now (from the profile's own
            // evaluation), to be swapped for what they add in a variant's class.
            let single = table?.singleRules[q] ?? [], effects = ruleEffects
            var ownScores = [Double](repeating: 0, count: single.isEmpty ? 0 : n)
            var ownSeverity = ownScores
            for i in single {
                let (score, severity) = effects[i]
                for s in 0..<n where fired[i * n + s] {
                    ownScores[s] += score
                    ownSeverity[s] += severity
                }
            }
            for candidate in candidates {
                // The answer tried, as `variant` gives it: nil when it is the current answer.
                let tried: Answer?
                if let answer = candidate.answer {
                    tried = currentAnswer == answer ? nil : answer
                } else {
                    tried = variant(of: profile, question: question, value: candidate.value)
                }
                guard let answer = tried else { continue }
                if candidate.class >= 0, candidate.class == current {
                    for s in 0..<n { scores[s] = baseScores[s]; severity[s] = baseSeverity[s] }
                } else if candidate.class >= 0, isKnown[candidate.class] {
                    let at = candidate.class * n
                    for s in 0..<n { scores[s] = knownScores[at + s]; severity[s] = knownSeverity[at + s] }
                } else {
                    evaluator.set(&changed, question: q, to: answer)
                    // Weights are whole numbers (the schema says so), so adjusting the totals by
                    // the rules that changed gives exactly the sums a full evaluation would.
                    for s in 0..<n { scores[s] = baseScores[s]; severity[s] = baseSeverity[s] }
                    var judged = rulesReading[q]
                    if candidate.class >= 0, !single.isEmpty, let table {
                        // The rules that read this answer alone: what they add in the class,
                        // worked out once for every profile, in place of what they add now.
                        let (classScores, classSeverity) = table.singleTotals[q][candidate.class]
                        for s in 0..<n {
                            scores[s] += classScores[s] - ownScores[s]
                            severity[s] += classSeverity[s] - ownSeverity[s]
                        }
                        judged = table.otherRules[q]
                    }
                    // A service that cannot fit keeps a severity above zero whatever these rules
                    // do (`servicesThatMayFit`): its totals are left as they are.
                    for i in judged {
                        // A rule that adds neither points nor severity (a configure rule) moves
                        // no total: it is not judged, and its row is neither written nor read.
                        let (score, weight) = ruleEffects[i]
                        if score == 0 && weight == 0 { continue }
                        evaluateRule(i, changed, into: &changedFired, only: fitting)
                        for s in fitting where changedFired[i * n + s] != fired[i * n + s] {
                            let sign: Double = changedFired[i * n + s] ? 1 : -1
                            scores[s] += sign * score
                            severity[s] += sign * weight
                        }
                    }
                    if candidate.class >= 0 {
                        let at = candidate.class * n
                        for s in 0..<n { knownScores[at + s] = scores[s]; knownSeverity[at + s] = severity[s] }
                        isKnown[candidate.class] = true
                    }
                }
                // lowest-cost is part of the evaluation: the changed profile's estimates.
                if profileWantsLowestCost || question.key == Engine.costPriorityKey {
                    // Unless the pick fits and leads every other fitting service by more than
                    // lowest-cost's weight: then it stays the best whichever services the
                    // estimates favour, and nothing is listed.
                    if let p = pickIndex, leadsBeyondCheapest(p, scores: scores, severity: severity) { continue }
                    var changedProfile = profile
                    changedProfile[question.key] = answer
                    addCheapest(changedProfile, scores: &scores, severity: severity)
                }
                if let best = Ranking.best(idOrder, scores: scores, where: { severity[$0] == 0 }),
                   catalog.services[best].id != pick {
                    out.append(WhatIf(key: question.key, value: answer.text, service: catalog.services[best].id))
                }
            }
        }
        return out
    }

    /// The services that may fit in some variant of question `q`, in catalog order: those whose
    /// severity can reach zero when the rules that read `q` (`rulesReading`) change, each by
    /// its severity (`ruleEffects`) and only for the services its selector can name
    /// (`staticSelection`). Any other keeps a severity above zero in every variant, whatever
    /// the rules that read `q` give for it. Weights are whole numbers, so the sums are exact.
    /// `lowest` is scratch space of one entry per service.
    func servicesThatMayFit(_ q: Int, fired: [Bool], severity: [Double], lowest: inout [Double], into list: inout [Int]) {
        let n = catalog.services.count
        for s in 0..<n { lowest[s] = severity[s] }
        for i in rulesReading[q] {
            let weight = ruleEffects[i].severity
            if weight == 0 { continue }
            let selection = staticSelection[i]
            for s in 0..<n where selection?[s] ?? true {
                lowest[s] -= fired[i * n + s] ? max(0, weight) : max(0, -weight)
            }
        }
        list.removeAll(keepingCapacity: true)
        for s in 0..<n where lowest[s] <= 0 { list.append(s) }
    }

    /// Whether no answer to question `q` can make another service than `pick` the best fitting
    /// one, judged from bounds alone, as `servicesThatMayFit` judges severities: the pick must
    /// stay fitting (no rule that reads `q` and can apply to it carries a severity) and keep
    /// more points, at its lowest, than any other service of `mayFit` has at its highest (plus
    /// lowest-cost's weight when `cheapest`: the variant may then favour any fitting service).
    /// Strictly more: a tie would go by the tie-break order. `bound` is scratch space of one
    /// entry per service.
    func pickHolds(_ q: Int, pick p: Int, fired: [Bool], scores: [Double], mayFit: [Int], cheapest: Bool, bound: inout [Double]) -> Bool {
        let n = catalog.services.count
        var pickLowest = scores[p]
        for s in mayFit { bound[s] = 0 }
        for i in rulesReading[q] {
            let (score, weight) = ruleEffects[i]
            if score == 0 && weight == 0 { continue }
            let selection = staticSelection[i]
            if selection?[p] ?? true {
                if weight != 0 { return false }
                pickLowest -= fired[i * n + p] ? max(0, score) : max(0, -score)
            }
            // Per other service that may fit: the most points it may gain.
            for s in mayFit where selection?[s] ?? true {
                bound[s] += fired[i * n + s] ? max(0, -score) : max(0, score)
            }
        }
        let extra = cheapest ? Engine.cheapestEstimateWeight : 0
        for s in mayFit where s != p && scores[s] + bound[s] + extra >= pickLowest { return false }
        return true
    }

    /// Whether service `p` fits and has more points than every other fitting service by more
    /// than lowest-cost's weight, so that adding it to any of them leaves `p` the best.
    func leadsBeyondCheapest(_ p: Int, scores: [Double], severity: [Double]) -> Bool {
        guard severity[p] == 0 else { return false }
        for s in scores.indices where s != p && severity[s] == 0 && scores[s] + Engine.cheapestEstimateWeight >= scores[p] { return false }
        return true
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

/// What-if's candidate values for every question, each with its class: two answers to a
/// question are in one class when every compiled test that reads the question (the leaves of
/// the service rules' programs: `answered`, `answerIntersects`, the number comparisons and the
/// per-service fact tests, for every service) gives the same result for both. Changing an
/// answer to another of its class changes no rule's result for any service, so it gives the
/// same scores and exclusions: what-if judges the rules once per class, and not at all for
/// the class of the current answer. The classes come from the programs themselves, never from
/// a list kept by hand. Set questions (a variant adds a value to what the profile holds) are
/// judged per variant.
struct WhatIfTable: Sendable {
    struct Candidate: Sendable {
        var value: String
        /// The answer tried, when it does not depend on the profile (choices, sizes, rates);
        /// nil for sets and for values that do not read as an answer.
        var answer: Answer?
        /// The class of `answer` (-1: none, judged on its own).
        var `class`: Int
    }

    /// Per question: the candidate values, in `candidateValues` order.
    let candidates: [[Candidate]]
    /// Per question: how many classes its candidates fall into.
    let classCount: [Int]
    /// Per question: the service rules that read no other answer, and the other rules that
    /// read it.
    let singleRules: [[Int]]
    let otherRules: [[Int]]
    /// Per question and class: the scores and exclusion severities the rules of `singleRules`
    /// add for each service, when the answer is in that class.
    let singleTotals: [[(scores: [Double], severity: [Double])]]
    /// Per question: the leaves that read it and give the same result for every service, and
    /// those judged per service.
    private let plainLeaves: [[Int]]
    private let serviceLeaves: [[Int]]
    /// Per question: the class of each signature (the leaves' results) a candidate has.
    private let classes: [[[UInt64]: Int]]
    private let program: TestProgram
    private let services: Int

    init(engine: Engine) {
        let questions = engine.catalog.questions
        let program = engine.evaluator.program, services = engine.catalog.services.count
        self.program = program
        self.services = services
        var plain = [[Int]](repeating: [], count: questions.count)
        var perService = [[Int]](repeating: [], count: questions.count)
        for (i, node) in program.nodes.enumerated() {
            switch node.op {
            case .constant, .all, .any, .not, .perService: continue
            case .answered, .answerIntersects, .numberAtLeast, .numberBelow: plain[Int(node.question)].append(i)
            case .factIncludesAnswer, .factLacksAnswer, .factBelowAnswer, .factSlower, .familyMatches: perService[Int(node.question)].append(i)
            }
        }
        plainLeaves = plain
        serviceLeaves = perService
        var candidates: [[Candidate]] = []
        var classes: [[[UInt64]: Int]] = []
        var scratch = engine.evaluator.answers(Profile())
        for (q, question) in questions.enumerated() {
            var byClass: [[UInt64]: Int] = [:]
            let list = engine.candidateValues(for: question).map { value -> Candidate in
                let answer: Answer?
                switch question.kind {
                case .choice: answer = .choice(value)
                case .size: if case let .success(size) = DataSize.parse(value) { answer = .size(size) } else { answer = nil }
                case .rate: if case let .success(rate) = RequestRate.parse(value) { answer = .rate(rate) } else { answer = nil }
                case .set, .percent: answer = nil
                }
                guard let answer else { return Candidate(value: value, answer: nil, class: -1) }
                engine.evaluator.set(&scratch, question: q, to: answer)
                let signature = WhatIfTable.signature(q, scratch, program: program, plain: plain[q], perService: perService[q], services: services)
                let id = byClass[signature] ?? byClass.count
                byClass[signature] = id
                return Candidate(value: value, answer: answer, class: id)
            }
            engine.evaluator.set(&scratch, question: q, to: nil)
            candidates.append(list)
            classes.append(byClass)
        }
        self.candidates = candidates
        self.classes = classes
        classCount = classes.map(\.count)
        let effects = engine.ruleEffects
        let reads = engine.evaluator.questionsReadByRule
        var single: [[Int]] = [], other: [[Int]] = [], totals: [[(scores: [Double], severity: [Double])]] = []
        var fired = [Bool](repeating: false, count: engine.serviceRules.count * services)
        for (q, reading) in engine.rulesReading.enumerated() {
            // Past 64 questions `reads` cannot say; every rule is then judged per variant.
            let alone = questions.count <= 64 ? reading.filter { reads[$0] == 1 << UInt64(q) } : []
            single.append(alone)
            other.append(reading.filter { !alone.contains($0) })
            var byClass = [(scores: [Double], severity: [Double])](repeating: ([], []), count: classCount[q])
            for candidate in candidates[q] where candidate.class >= 0 && byClass[candidate.class].scores.isEmpty {
                guard let answer = candidate.answer else { continue }
                engine.evaluator.set(&scratch, question: q, to: answer)
                var scores = [Double](repeating: 0, count: services), severity = scores
                for i in alone {
                    engine.evaluateRule(i, scratch, into: &fired)
                    for s in 0..<services where fired[i * services + s] {
                        scores[s] += effects[i].score
                        severity[s] += effects[i].severity
                    }
                }
                byClass[candidate.class] = (scores, severity)
            }
            engine.evaluator.set(&scratch, question: q, to: nil)
            totals.append(byClass)
        }
        singleRules = single
        otherRules = other
        singleTotals = totals
    }

    /// Whether any candidate of question `q` has a class.
    func classifies(_ q: Int) -> Bool { classCount[q] > 0 }

    /// The class of question `q`'s answer in `a`, or -1 when no candidate shares it.
    func classOf(_ q: Int, _ a: RuleEvaluator.Answers) -> Int {
        classes[q][WhatIfTable.signature(q, a, program: program, plain: plainLeaves[q], perService: serviceLeaves[q], services: services)] ?? -1
    }

    /// The results of every leaf that reads question `q`, as bits.
    static func signature(_ q: Int, _ a: RuleEvaluator.Answers, program: TestProgram, plain: [Int], perService: [Int], services: Int) -> [UInt64] {
        var bits: [UInt64] = []
        bits.reserveCapacity((plain.count + perService.count * services) / 64 + 1)
        var word: UInt64 = 0, used = 0
        func push(_ b: Bool) {
            if b { word |= 1 << UInt64(used) }
            used += 1
            if used == 64 { bits.append(word); word = 0; used = 0 }
        }
        for leaf in plain { push(program.holds(leaf, a, -1)) }
        for leaf in perService {
            let held = program.subjects(leaf, a)
            for s in 0..<services { push(held & TestProgram.bit(s) != 0) }
        }
        bits.append(word)
        return bits
    }
}
