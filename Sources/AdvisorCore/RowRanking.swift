/// What one CSV row of `batch` shows: the pick, how sure, the runner-up, and the decisive
/// reason. `Engine.row` works it out from which rules fire, without the assessments, findings
/// and sentences a recommendation holds; `init(_:)` reads it off a full recommendation, which
/// is its definition (tests hold the two equal).
public struct RowSummary: Equatable, Sendable {
    public var pick: String
    public var confidence: Confidence.Level
    public var score: Double
    public var runnerUp: String?
    public var runnerUpScore: Double?
    /// The heaviest reason the pick has and the runner-up lacks, else the pick's heaviest;
    /// nil when the pick has no reason with a positive weight.
    public var decisive: String?

    public init(_ r: Recommendation) {
        let runnerUp = r.alternatives.first?.0
        let theirs = Set(runnerUp?.scoreFindings.map(\.rule) ?? [])
        let plus = r.pick.earned
        pick = r.pick.service.id
        confidence = r.confidence.level
        score = r.pick.score
        self.runnerUp = runnerUp?.service.id
        runnerUpScore = runnerUp?.score
        decisive = (plus.first { !theirs.contains($0.rule) } ?? plus.first)?.text
    }

    init(pick: String, confidence: Confidence.Level, score: Double, runnerUp: String?, runnerUpScore: Double?, decisive: String?) {
        self.pick = pick
        self.confidence = confidence
        self.score = score
        self.runnerUp = runnerUp
        self.runnerUpScore = runnerUpScore
        self.decisive = decisive
    }
}

extension Engine {
    /// The CSV row's summary of `recommend(profile, withWhatIf: false)`: the same ranking (by
    /// the totals `recommend` sums in the same order, and lowest-cost's weight), the same
    /// confidence level, and only the decisive reason written out.
    public func row(_ profile: Profile) -> RowSummary {
        var memo = FiringMemo.off
        return row(profile, memo: &memo)
    }

    /// The same, which rules fire read from and kept in `memo` (batch: one memo per thread).
    public func row(_ profile: Profile, memo: inout FiringMemo) -> RowSummary {
        let a = evaluator.answers(profile)
        return row(a, memo: &memo, wantsLowestCost: wantsLowestCost(profile), profile: { profile }) { i, s in
            writtenReason(i, service: s, profile: profile, answers: a).text
        }
    }

    /// The same for a line the simple-line reader read: its profile is made only if the row
    /// needs it (lowest-cost, or a reason written from its template), and the decisive
    /// reason's answers are taken by question.
    public func row(_ line: ReadLine, memo: inout FiringMemo) -> RowSummary {
        let a = line.answers.value
        let lowestCost = costPriorityPosition >= 0 && Engine.asksLowestCost(line.answer(at: costPriorityPosition))
        return row(a, memo: &memo, wantsLowestCost: lowestCost, profile: { line.profile }) { i, s in
            writtenReason(i, service: s, line: line, answers: a)
        }
    }

    /// The row from the evaluator's answers; `profile` made only for lowest-cost, `reason`
    /// writing the decisive reason of rule `i` for the service at `s`.
    private func row(_ a: RuleEvaluator.Answers, memo: inout FiringMemo, wantsLowestCost: Bool, profile: () -> Profile,
                     reason: (_ i: Int, _ s: Int) -> String) -> RowSummary {
        precondition(a.mask.count == evaluator.questions.count, "answers read for another catalog")
        let held = firing(a, memo: &memo)
        var (scores, severity) = totals(held)
        // Lowest-cost, as `addCheapest` adds it to the assessments (the same services, after the rules).
        let cheap = wantsLowestCost ? addCheapest(profile(), scores: &scores, severity: severity) : nil
        let pick = Ranking.pick(idOrder, scores: scores, severity: severity, available: availableForNew)
        // Nothing fits: the pick is the fallback and nothing ranks below it (`Ranking.rank`).
        let relaxed = severity[pick] != 0
        let runnerUp = relaxed ? nil : Ranking.best(idOrder, scores: scores, where: { $0 != pick && severity[$0] == 0 })
        let level = confidenceLevel(relaxed: relaxed, margin: runnerUp.map { scores[pick] - scores[$0] },
                                    coreAnswered: coreAnswered(a), pickScore: scores[pick])
        // The pick's findings that add to its score, in the order `assess` lists them (service
        // rules in order, lowest-cost last), heaviest first.
        var plus: [(rule: Int, weight: Double)] = []
        let pickBit = TestProgram.bit(pick)
        for i in serviceRules.indices where serviceRules[i].effect == .score && held[i] & pickBit != 0 && serviceRules[i].weight > 0 {
            plus.append((i, serviceRules[i].weight))
        }
        if let cheap, cheap.favoured.contains(pick) { plus.append((-1, Engine.cheapestEstimateWeight)) }
        plus = plus.sorted { $0.weight > $1.weight }
        func runnerUpHas(_ i: Int) -> Bool {
            guard let r = runnerUp else { return false }
            if i < 0 { return cheap?.favoured.contains(r) == true }
            return held[i] & TestProgram.bit(r) != 0
        }
        let decisive = (plus.first { !runnerUpHas($0.rule) } ?? plus.first).map { i in
            i.rule < 0 ? cheapestFinding(cheap!, for: pick).text : reason(i.rule, pick)
        }
        return RowSummary(pick: catalog.services[pick].id, confidence: level, score: scores[pick], runnerUp: runnerUp.map { catalog.services[$0].id },
                          runnerUpScore: runnerUp.map { scores[$0] }, decisive: decisive)
    }
}
