extension Engine {
    /// What one CSV row of `batch` shows, and nothing more: the ranking, the confidence
    /// (without what-if), and the pick's findings written out; every other service's findings
    /// carry their rule, weight and source but no text (a row names the runner-up's rules,
    /// never its sentences). The same as `recommend(profile, withWhatIf: false)` for everything
    /// a row reads, without writing out about 180 sentences it would not show.
    public func rowRanking(_ profile: Profile) -> Recommendation {
        let all = assess(profile, withReasons: false)
        var ranked = rank(all)
        let confidence = self.confidence(ranked, profile: profile, whatIf: [])
        guard let s = catalog.services.firstIndex(where: { $0 === ranked.pick.service }) else {
            preconditionFailure("the pick is one of the catalog's services")
        }
        ranked.pick = assessment(s, profile: profile, answers: evaluator.answers(profile), base: ranked.pick)
        var recommendation = Recommendation(profile: profile, pick: ranked.pick, confidence: confidence, alternatives: ranked.rest.map { ($0, []) },
                                            excluded: ranked.excluded, warnings: [], whatIf: [])
        recommendation.whatIfComputed = false
        return recommendation
    }

    /// `base` (service `s`'s assessment, assessed without reasons) with its findings written
    /// out as `assess` writes them: findings are in service-rule order in both, so they are
    /// matched to their rules in one pass.
    func assessment(_ s: Int, profile: Profile, answers a: RuleEvaluator.Answers, base: Assessment) -> Assessment {
        var out = base
        func written(_ i: Int, _ finding: Finding) -> Finding {
            var f = finding
            (f.text, f.subjectLength) = writtenReason(i, service: s, profile: profile, answers: a)
            return f
        }
        var score = 0, exclusion = 0, configuration = 0
        for i in serviceRules.indices {
            let rule = serviceRules[i]
            switch rule.effect {
            case .score where score < out.scoreFindings.count && out.scoreFindings[score].rule == rule.id:
                out.scoreFindings[score] = written(i, out.scoreFindings[score]); score += 1
            case .exclude where exclusion < out.exclusions.count && out.exclusions[exclusion].rule == rule.id:
                out.exclusions[exclusion] = written(i, out.exclusions[exclusion]); exclusion += 1
            case .configure where configuration < out.configuration.count && out.configuration[configuration].rule == rule.id:
                out.configuration[configuration] = written(i, out.configuration[configuration]); configuration += 1
            default: break
            }
        }
        return out
    }
}
