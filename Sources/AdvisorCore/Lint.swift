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
        engine = Engine(catalog: catalog)
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
        let enumerated = catalog.questions.filter { $0.isCore && ($0.kind == .choice || $0.kind == .set) }
        let enumeratedValues = enumerated.map(values)
        var indices = [Int](repeating: 0, count: enumerated.count)
        while !enumerated.isEmpty {
            var p = Profile()
            for (k, q) in enumerated.enumerated() { p[q.key] = enumeratedValues[k][indices[k]] }
            body(p)
            var k = enumerated.count - 1
            while k >= 0 {
                indices[k] += 1
                if indices[k] < enumeratedValues[k].count { break }
                indices[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
        let shapes = catalog.question("data-shape").map(values) ?? [nil]
        let others = catalog.questions.filter { $0.key != "data-shape" }
        let otherValues = others.map { values($0).compactMap { $0 } }
        for shape in shapes {
            for a in others.indices {
                for b in others.indices where b > a {
                    for va in otherValues[a] {
                        for vb in otherValues[b] {
                            var p = Profile()
                            p["data-shape"] = shape
                            p[others[a].key] = va
                            p[others[b].key] = vb
                            body(p)
                        }
                    }
                }
            }
        }
    }

    /// Runs the sweep and reports broken properties as problems.
    public func run() -> LintReport {
        var report = LintReport(problems: [])
        var fired = Set<String>()
        var picked = Set<String>()
        var contradictions: [String: Profile] = [:]
        var retiredPicks: [String: Profile] = [:]
        let pairs = catalog.rules.flatMap { rule in rule.contradicts.map { (rule.id, $0) } }
        let serviceRules = catalog.rules.filter(\.isServiceRule)
        let idOrder = Ranking.tieBreakOrder(catalog)
        var firedIndex = [Bool](repeating: false, count: serviceRules.count)
        let ruleIndex = Dictionary(serviceRules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let indexPairs = pairs.compactMap { x, y in ruleIndex[x].flatMap { i in ruleIndex[y].map { (i, $0) } } }
        var perService = [[Bool]](repeating: [Bool](repeating: false, count: serviceRules.count), count: catalog.services.count)
        var checker = InvariantChecker(engine: engine)
        var firedHere = [Bool](repeating: false, count: serviceRules.count)
        var firedList: [Int] = []
        forEachProfile { profile in
            report.profilesSwept += 1
            for i in firedList { firedHere[i] = false }
            firedList.removeAll(keepingCapacity: true)
            if !indexPairs.isEmpty { for s in perService.indices { for i in perService[s].indices { perService[s][i] = false } } }
            let (scores, severity) = engine.evaluate(profile) { rule, service in
                firedIndex[rule] = true
                if !firedHere[rule] { firedHere[rule] = true; firedList.append(rule) }
                if !indexPairs.isEmpty { perService[service][rule] = true }
            }
            for (x, y) in indexPairs {
                for s in perService.indices where perService[s][x] && perService[s][y] {
                    let key = "\(serviceRules[x].id)|\(serviceRules[y].id)|\(catalog.services[s].id)"
                    contradictions[key] = contradictions[key] ?? profile
                }
            }
            let warnings = engine.firingWarnings(profile)
            for rule in warnings { fired.insert(rule.id) }
            let genuine = Ranking.best(idOrder, scores: scores, where: { severity[$0] == 0 })
            checker.check(profile, scores: scores, severity: severity, firedServiceRules: firedList, firedWarnings: warnings, best: genuine, order: idOrder)
            guard let best = genuine else { return }
            let pick = catalog.services[best].id
            picked.insert(pick)
            if catalog.service(pick)?.lifecycle.isAvailableForNewWorkloads == false {
                retiredPicks[pick] = retiredPicks[pick] ?? profile
            }
        }
        for (i, rule) in serviceRules.enumerated() where firedIndex[i] { fired.insert(rule.id) }
        for rule in catalog.rules where !fired.contains(rule.id) {
            report.problems.append(Problem(file: rule.file, path: "$.rules[\(rule.index)]", message: "rule '\(rule.id)' never fires in the sweep of \(report.profilesSwept) profiles (a dead rule)"))
        }
        for (key, profile) in contradictions.sorted(by: { $0.key < $1.key }) {
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
        for service in catalog.services where !picked.contains(service.id) && service.neverPickedBecause == nil {
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
        report.servicesPicked = catalog.serviceIDs.filter(picked.contains)
        report.servicesTotal = catalog.services.count
        report.problems += catalog.sourceProblems()
        return report
    }
}
