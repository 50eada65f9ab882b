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

    /// Single-answer changes that would change the pick, in questionnaire order.
    public func whatIfs(_ profile: Profile, pick: String) -> [WhatIf] {
        // The profile is evaluated once; each variant re-evaluates only the rules that read
        // the answer it changes (the others fire exactly as before).
        let a = evaluator.answers(profile)
        let n = catalog.services.count
        let fired = firing(a)
        let (baseScores, baseSeverity) = totals(fired)
        // One copy for every variant: a variant writes whole the rows of the rules that read
        // its answer (evaluateRule sets each service's entry) and reads no other row.
        var changedFired = fired
        // lowest-cost can only move a variant's pick when the variant asks for it: the profile
        // does, or the variant changes the answer that says so.
        let profileWantsLowestCost = wantsLowestCost(profile)
        var out: [WhatIf] = []
        for (q, question) in catalog.questions.enumerated() {
            for value in candidateValues(for: question) {
                guard let answer = variant(of: profile, question: question, value: value) else { continue }
                var changed = a
                evaluator.set(&changed, question: q, to: answer)
                // Weights are whole numbers (the schema says so), so adjusting the totals by
                // the rules that changed gives exactly the sums a full evaluation would.
                var scores = baseScores, severity = baseSeverity
                for i in rulesReading[q] {
                    evaluateRule(i, changed, into: &changedFired)
                    let rule = serviceRules[i]
                    for s in 0..<n where changedFired[i * n + s] != fired[i * n + s] {
                        let sign: Double = changedFired[i * n + s] ? 1 : -1
                        switch rule.effect {
                        case .exclude: severity[s] += sign * Ranking.severity(of: rule)
                        case .score: scores[s] += sign * rule.weight
                        case .configure, .warn: break
                        }
                    }
                }
                // lowest-cost is part of the evaluation: the changed profile's estimates.
                if profileWantsLowestCost || question.key == Engine.costPriorityKey {
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
