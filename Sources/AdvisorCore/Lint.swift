/// What `lint` found: problems with file and JSON path, and the sweep's coverage figures.
public struct LintReport: Sendable {
    public var problems: [Problem]
    public var profilesSwept = 0
    public var rulesFired = 0
    public var rulesTotal = 0
    public var servicesPicked: [String] = []
    public var servicesTotal = 0
    /// The invariants of the advice, each with its count over the sweep.
    public var invariants: [Invariant] = []
}

extension Catalog {
    /// Every rule example that does not behave as it says, as problems with file and path.
    public func exampleProblems() -> [Problem] {
        let engine = Engine(catalog: self)
        var problems: [Problem] = []
        for rule in rules {
            for (name, examples, expected) in [("fires", rule.fires, true), ("doesNotFire", rule.doesNotFire, false)] {
                for (i, example) in examples.enumerated() {
                    guard case let .success((profile, _)) = parseProfile(example.profile) else { continue }
                    let service = example.service.flatMap(self.service)
                    let fired = engine.fires(rule, profile: profile, service: service)
                    if fired != expected {
                        problems.append(Problem(file: rule.file, path: "$.rules[\(rule.index)].examples.\(name)[\(i)]",
                                                message: "rule '\(rule.id)' \(fired ? "fires" : "does not fire") for this example, which says it \(expected ? "fires" : "does not")"))
                    }
                }
            }
        }
        return problems
    }
}

/// The exhaustive sweep of `lint`: profiles over the answer space, checked for the properties
/// every catalog must keep.
public struct Sweep {
    public let catalog: Catalog
    let engine: Engine

    /// Per choice question: the values swept, one per class of values nothing tells apart.
    let representatives: [String: [String]]

    public init(catalog: Catalog) {
        self.catalog = catalog
        var engine = Engine(catalog: catalog)
        engine.prepareRequirementFacts()
        self.engine = engine
        representatives = Sweep.representatives(catalog)
    }

    /// The values of each choice question that no condition names, that carry no rank or
    /// family, and that every service fact and every price treats alike (listed by all or by
    /// none), grouped: one of each group is swept, as the evaluation cannot tell them apart.
    /// The 34 Region codes fall into a handful of groups (which services list them).
    static func representatives(_ catalog: Catalog) -> [String: [String]] {
        var named = Set<String>()
        var refs = ConditionReferences()
        for rule in catalog.rules {
            rule.when?.references(into: &refs)
            rule.services?.references(into: &refs)
            rule.asserts?.references(into: &refs)
        }
        for q in catalog.questions { q.askWhen?.references(into: &refs) }
        for (key, value) in refs.values { named.insert(key + "|" + value) }
        let priced = Set(catalog.prices.regions)
        var out: [String: [String]] = [:]
        for q in catalog.questions where q.kind == .choice {
            var seen = Set<[Bool]>()
            out[q.key] = q.values.filter { v in
                if named.contains(q.key + "|" + v.value) || v.rank != nil || v.family != nil { return true }
                var signature = [priced.contains(v.value)]
                for service in catalog.services { for fact in service.facts { signature.append(fact.strings.contains(v.value)) } }
                return seen.insert(signature).inserted
            }.map(\.value)
        }
        return out
    }

    /// The values swept for one question: unanswered, then each value (sets: each single value;
    /// sizes and rates: each threshold a rule or a limit uses, and just below it).
    func values(_ q: Question) -> [Answer?] {
        var out: [Answer?] = [nil]
        switch q.kind {
        case .choice: out += (representatives[q.key] ?? q.valueNames).map { .choice($0) }
        case .set: out += q.valueNames.map { .set([$0]) }
        case .size: out += engine.candidateValues(for: q).compactMap { if case let .success(s) = DataSize.parse($0) { return .size(s) } else { return nil } }
        case .rate: out += engine.candidateValues(for: q).compactMap { if case let .success(r) = RequestRate.parse($0) { return .rate(r) } else { return nil } }
        case .percent: out += [.percent(50), .percent(90)]
        }
        return out
    }

    /// The profiles of the sweep, generated one at a time:
    /// 1. every combination of the enumerated core questions (data shape, latency,
    ///    consistency, access patterns), the rest unanswered;
    /// 2. for every data shape (and none), every pair of values of two other questions,
    ///    sizes and rates at each threshold a rule or a compared limit uses.
    /// Every rule condition here joins at most three answers, so (2) reaches every
    /// combination a rule can distinguish.
    public func forEachProfile(_ body: (Profile) -> Void) {
        forEachChange { _, profile in body(profile) }
    }

    /// The profiles of `forEachProfile`, in the same order, each with the answers that differ
    /// from the previous profile's (question position, then the new answer or nil): consecutive
    /// profiles differ in one answer or a few, and only the rules reading those need judging again.
    func forEachChange(_ body: (_ changes: [(question: Int, answer: Answer?)], _ profile: Profile) -> Void) {
        let questions = catalog.questions
        let position = Dictionary(questions.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        var current = [Answer?](repeating: nil, count: questions.count)
        var answered: [Int] = []
        var profile = Profile()
        var changes: [(question: Int, answer: Answer?)] = []
        var wanted = [Bool](repeating: false, count: questions.count)
        /// Moves to the profile that answers exactly `desired` (question positions, distinct).
        func visit(_ desired: [(Int, Answer)]) {
            changes.removeAll(keepingCapacity: true)
            for (q, _) in desired { wanted[q] = true }
            for q in answered where !wanted[q] { changes.append((q, nil)) }
            for (q, answer) in desired where current[q] != answer { changes.append((q, answer)) }
            for (q, _) in desired { wanted[q] = false }
            for (q, answer) in changes {
                current[q] = answer
                profile[questions[q].key] = answer
            }
            answered.removeAll(keepingCapacity: true)
            for (q, _) in desired { answered.append(q) }
            body(changes, profile)
        }
        let enumerated = questions.indices.filter { questions[$0].isCore && (questions[$0].kind == .choice || questions[$0].kind == .set) }
        let enumeratedValues = enumerated.map { values(questions[$0]) }
        var indices = [Int](repeating: 0, count: enumerated.count)
        var desired: [(Int, Answer)] = []
        while !enumerated.isEmpty {
            desired.removeAll(keepingCapacity: true)
            for (k, q) in enumerated.enumerated() { if let v = enumeratedValues[k][indices[k]] { desired.append((q, v)) } }
            visit(desired)
            var k = enumerated.count - 1
            while k >= 0 {
                indices[k] += 1
                if indices[k] < enumeratedValues[k].count { break }
                indices[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
        let shapeAt = position["data-shape"]
        let shapes = shapeAt.map { values(questions[$0]) } ?? [nil]
        let others = questions.indices.filter { questions[$0].key != "data-shape" }
        let otherValues = others.map { values(questions[$0]).compactMap { $0 } }
        for shape in shapes {
            for a in others.indices {
                for b in others.indices where b > a {
                    for va in otherValues[a] {
                        for vb in otherValues[b] {
                            desired.removeAll(keepingCapacity: true)
                            if let shapeAt, let shape { desired.append((shapeAt, shape)) }
                            desired.append((others[a], va))
                            desired.append((others[b], vb))
                            visit(desired)
                        }
                    }
                }
            }
        }
    }

    /// Runs the sweep and reports broken properties as problems.
    ///
    /// Per profile, only the rules that read a changed answer are judged again, and the
    /// totals move by the weights of the (rule, service) pairs that changed: weights are
    /// whole numbers (the schema says so), so the sums are exactly those a full evaluation
    /// gives. lowest-cost's estimates are worked out once per service and per distinct set of
    /// the answers an estimate reads.
    public func run() -> LintReport {
        // Locals, so that the loop below reads them without going through `self`.
        let engine = self.engine, catalog = self.catalog
        var report = LintReport(problems: [])
        var fired = Set<String>()
        var picked = [Bool](repeating: false, count: catalog.services.count)
        var retiredPicks: [String: Profile] = [:]
        let pairs = catalog.rules.flatMap { rule in rule.contradicts.map { (rule.id, $0) } }
        let serviceRules = engine.serviceRules
        let idOrder = engine.idOrder
        let n = catalog.services.count
        let ruleIndex = Dictionary(serviceRules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let indexPairs = pairs.compactMap { x, y in ruleIndex[x].flatMap { i in ruleIndex[y].map { (i, $0) } } }
        /// Per pair and service: the first profile where both rules fire for it.
        var contradictions = [Profile?](repeating: nil, count: indexPairs.count * n)
        var checker = InvariantChecker(engine: engine)
        let available = catalog.services.map(\.lifecycle.isAvailableForNewWorkloads)
        var state = IncrementalEvaluation(engine: engine)
        var everFired = [Bool](repeating: false, count: serviceRules.count)
        var firedRules: [Int] = []
        var warnings: [Int] = []
        var everWarned = [Bool](repeating: false, count: engine.warnRules.count)
        var estimated: [EstimateInputs: [CostRange?]] = [:]
        let notEstimated = CostRange(low: -1, high: -1)

        // The loop's closure reads the engine and catalog through one reference: captured as
        // structs, both were copied (about 50 reference counts) at every profile.
        let ctx = SweepContext(engine: engine, catalog: catalog)
        forEachChange { changes, profile in
            report.profilesSwept += 1
            state.apply(changes)
            for i in state.judged where state.firingFor[i] > 0 { everFired[i] = true }
            let firedMatrix = state.fired, firingFor = state.firingFor, severity = state.severity
            for (p, (x, y)) in indexPairs.enumerated() where firingFor[x] > 0 && firingFor[y] > 0 {
                for s in 0..<n where firedMatrix[x * n + s] && firedMatrix[y * n + s] && contradictions[p * n + s] == nil {
                    contradictions[p * n + s] = profile
                }
            }
            var scores = state.scores
            if ctx.engine.wantsLowestCost(profile) {
                let inputs = ctx.engine.estimateInputs(profile)
                var costs = estimated[inputs] ?? [CostRange?](repeating: notEstimated, count: n)
                ctx.engine.addCheapest(scores: &scores, severity: severity) { s in
                    if costs[s] != notEstimated { return costs[s] }
                    let e = ctx.engine.estimate(ctx.catalog.services[s].id, inputs)
                    costs[s] = e.pricesTheLoad ? e.monthlyUSD : nil
                    return costs[s]
                }
                estimated[inputs] = costs
            }
            warnings.removeAll(keepingCapacity: true)
            for w in ctx.engine.warnRules.indices where ctx.engine.warningFires(w, state.answers) {
                warnings.append(w)
                everWarned[w] = true
            }
            firedRules.removeAll(keepingCapacity: true)
            for i in serviceRules.indices where firingFor[i] > 0 { firedRules.append(i) }
            let genuine = Ranking.best(idOrder, scores: scores, where: { severity[$0] == 0 })
            checker.check(profile, state.answers, fired: state.fired, scores: scores, severity: severity, firedServiceRules: firedRules, firedWarnings: warnings, best: genuine, order: idOrder)
            guard let best = genuine else { return }
            picked[best] = true
            if !available[best] {
                let pick = ctx.catalog.services[best].id
                retiredPicks[pick] = retiredPicks[pick] ?? profile
            }
        }
        for (w, rule) in engine.warnRules.enumerated() where everWarned[w] { fired.insert(rule.id) }
        var contradictionFound: [String: Profile] = [:]
        for (p, (x, y)) in indexPairs.enumerated() {
            for s in 0..<n {
                guard let profile = contradictions[p * n + s] else { continue }
                let key = "\(serviceRules[x].id)|\(serviceRules[y].id)|\(catalog.services[s].id)"
                contradictionFound[key] = contradictionFound[key] ?? profile
            }
        }
        let firedIndex = everFired
        for (i, rule) in serviceRules.enumerated() where firedIndex[i] { fired.insert(rule.id) }
        for rule in catalog.rules where !fired.contains(rule.id) {
            report.problems.append(Problem(file: rule.file, path: "$.rules[\(rule.index)]", message: "rule '\(rule.id)' never fires in the sweep of \(report.profilesSwept) profiles (a dead rule)"))
        }
        for (key, profile) in contradictionFound.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|").map(String.init)
            let rule = catalog.rules.first { $0.id == parts[0] }
            report.problems.append(Problem(file: rule?.file ?? "rules", path: "$.rules[\(rule?.index ?? 0)].contradicts",
                message: "'\(parts[0])' and '\(parts[1])' both fire for \(parts[2]) on \(profile.json(order: catalog.questions).compactText())"))
        }
        for (id, profile) in retiredPicks.sorted(by: { $0.key < $1.key }) {
            let service = catalog.service(id)
            report.problems.append(Problem(file: service?.file ?? id, path: "$.facts.lifecycle",
                message: "\(id) is not available to new workloads but is the pick for \(profile.json(order: catalog.questions).compactText())"))
        }
        for (s, service) in catalog.services.enumerated() where !picked[s] && service.neverPickedBecause == nil {
            report.problems.append(Problem(file: service.file, path: "$",
                message: "\(service.id) is never the pick in the sweep, and the service does not say why (neverPickedBecause)"))
        }
        report.invariants = checker.invariants
        for invariant in checker.invariants where invariant.violations > 0 {
            report.problems.append(Problem(file: Catalog.manifestFile, path: "$",
                message: "invariant \(invariant.id) (\(invariant.name)): \(invariant.violations) swept profile(s), for example \(invariant.example ?? "")"))
        }
        report.rulesFired = catalog.rules.filter { fired.contains($0.id) }.count
        report.rulesTotal = catalog.rules.count
        report.servicesPicked = catalog.services.indices.filter { picked[$0] }.map { catalog.services[$0].id }
        report.servicesTotal = catalog.services.count
        report.problems += catalog.sourceProblems()
        return report
    }
}

/// The engine and catalog of a sweep, behind one reference (see `Sweep.run`).
final class SweepContext {
    let engine: Engine
    let catalog: Catalog
    init(engine: Engine, catalog: Catalog) {
        self.engine = engine
        self.catalog = catalog
    }
}

/// The evaluation of the sweep, carried from one profile to the next: after `apply(changes)`,
/// `fired`, `scores` and `severity` are what `Engine.firing` and `Engine.totals` give for the
/// new profile, found by judging again only the rules that read a changed answer and moving
/// the totals by the (rule, service) pairs that changed. Weights are whole numbers (the schema
/// says so), so the sums are exactly those of a full evaluation.
struct IncrementalEvaluation {
    let engine: Engine
    private(set) var answers: RuleEvaluator.Answers
    /// fired[rule * services + service], as `Engine.firing`.
    private(set) var fired: [Bool]
    /// Per service rule: for how many services it fires.
    private(set) var firingFor: [Int]
    /// Before any lowest-cost weight, as `Engine.totals`.
    private(set) var scores: [Double]
    private(set) var severity: [Double]
    /// The rules judged by the last `apply`.
    private(set) var judged: [Int] = []
    private var stale: [Bool]
    private var before: [Bool]
    private var started = false

    init(engine: Engine) {
        self.engine = engine
        let n = engine.catalog.services.count, rules = engine.serviceRules.count
        answers = engine.evaluator.answers(Profile())
        fired = [Bool](repeating: false, count: rules * n)
        firingFor = [Int](repeating: 0, count: rules)
        scores = [Double](repeating: 0, count: n)
        severity = [Double](repeating: 0, count: n)
        stale = [Bool](repeating: false, count: rules)
        before = [Bool](repeating: false, count: n)
    }

    /// Moves to the profile whose answers differ from the last one's by `changes`.
    mutating func apply(_ changes: [(question: Int, answer: Answer?)]) {
        let n = engine.catalog.services.count
        for (q, answer) in changes { engine.evaluator.set(&answers, question: q, to: answer) }
        judged.removeAll(keepingCapacity: true)
        if !started {
            // The first profile: every rule, including those that read no answer.
            judged += engine.serviceRules.indices
            started = true
        } else {
            for (q, _) in changes {
                for i in engine.rulesReading[q] where !stale[i] { stale[i] = true; judged.append(i) }
            }
            for i in judged { stale[i] = false }
        }
        for i in judged {
            for s in 0..<n { before[s] = fired[i * n + s] }
            engine.evaluateRule(i, answers, into: &fired)
            for s in 0..<n where fired[i * n + s] != before[s] {
                let sign: Double = before[s] ? -1 : 1
                scores[s] += sign * engine.ruleEffects[i].score
                severity[s] += sign * engine.ruleEffects[i].severity
                firingFor[i] += before[s] ? -1 : 1
            }
        }
    }
}
