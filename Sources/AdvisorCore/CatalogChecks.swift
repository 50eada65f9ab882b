/// Checks of a loaded catalog beyond its schema: references between files, and conditions
/// whose tests fit the questions they read.

extension Catalog {
    /// Unreadable condition leaves, and profile keys or values the questionnaire does not have.
    func answerProblems(_ refs: ConditionReferences, file: String, path: String) -> [Problem] {
        var problems = refs.invalid.map { Problem(file: file, path: path, message: $0) }
        for key in refs.keys where question(key) == nil {
            problems.append(Problem(file: file, path: path, message: "names the profile key '\(key)', which the questionnaire does not have"))
        }
        for (key, value) in refs.values {
            if let q = question(key), q.kind == .choice || q.kind == .set, !q.valueNames.contains(value) {
                problems.append(Problem(file: file, path: path, message: "names the value '\(value)' for \(key), which is not one of its values"))
            }
        }
        return problems
    }

    /// Problems of reference: rules naming keys, values, facts or services that do not exist;
    /// duplicate ids; services whose successor is unknown.
    func referenceProblems() -> [Problem] {
        var problems: [Problem] = []
        let ids = Set(serviceIDs).union(declaredServiceIDs)
        var seen = Set<String>()
        let factKinds = Set(services.flatMap { $0.facts.map(\.kind) })
        if services.count > Catalog.maxServices {
            problems.append(Problem(file: "services/", path: "$", message: "the catalog has \(services.count) services; at most \(Catalog.maxServices) are allowed (the engine judges a rule for every service at once, one bit of a 64-bit word each)"))
        }
        for rule in rules {
            let path = "$.rules[\(rule.index)]"
            if !seen.insert(rule.id).inserted {
                problems.append(Problem(file: rule.file, path: "\(path).id", message: "the rule id '\(rule.id)' is used twice"))
            }
            if rule.id == Engine.cheapestEstimateRule {
                // The engine's own finding for lowest-cost carries this id; a rule of the same id
                // would be taken for it (and it for the rule) wherever findings are matched by id.
                problems.append(Problem(file: rule.file, path: "\(path).id", message: "the rule id '\(rule.id)' is reserved for the engine's lowest-cost finding; choose another"))
            }
            var refs = ConditionReferences()
            rule.when?.references(into: &refs)
            rule.services?.references(into: &refs)
            problems += answerProblems(refs, file: rule.file, path: path)
            if let when = rule.when { problems += RuleEvaluator.typeProblems(of: when, catalog: self, file: rule.file, path: "\(path).when") }
            if let selector = rule.services { problems += RuleEvaluator.typeProblems(of: selector, catalog: self, file: rule.file, path: "\(path).services") }
            if let asserts = rule.asserts {
                var assertRefs = ConditionReferences()
                asserts.references(into: &assertRefs)
                problems += answerProblems(assertRefs, file: rule.file, path: "\(path).asserts")
                problems += RuleEvaluator.typeProblems(of: asserts, catalog: self, file: rule.file, path: "\(path).asserts")
                if !assertRefs.facts.isEmpty || !assertRefs.services.isEmpty {
                    problems.append(Problem(file: rule.file, path: "\(path).asserts", message: "asserts may test answers only, not services or facts"))
                }
            }
            for kind in rule.quotedFacts where !factKinds.contains(kind) {
                problems.append(Problem(file: rule.file, path: path, message: "quotes or cites the fact '\(kind)', which no service has"))
            }
            for kind in refs.facts where !factKinds.contains(kind) {
                problems.append(Problem(file: rule.file, path: path, message: "names the fact '\(kind)', which no service has"))
            }
            for id in refs.services where !ids.contains(id) {
                problems.append(Problem(file: rule.file, path: path, message: "names the service '\(id)', which the catalog does not have"))
            }
            for other in rule.contradicts where !rules.contains(where: { $0.id == other }) {
                problems.append(Problem(file: rule.file, path: "\(path).contradicts", message: "names the rule '\(other)', which the catalog does not have"))
            }
            if !rule.isServiceRule, let when = rule.when {
                var whenRefs = ConditionReferences()
                when.references(into: &whenRefs)
                if !whenRefs.facts.isEmpty || !whenRefs.services.isEmpty || when.mentionsFamily {
                    problems.append(Problem(file: rule.file, path: "\(path).when", message: "a warn rule is judged once per profile, so its condition may test answers only, not services, families or facts"))
                }
            }
            if rule.isServiceRule && rule.services == nil {
                problems.append(Problem(file: rule.file, path: path, message: "a \(rule.effect.rawValue) rule needs 'services' to say which services it applies to"))
            }
            for (name, examples) in [("fires", rule.fires), ("doesNotFire", rule.doesNotFire)] {
                for (i, example) in examples.enumerated() {
                    let examplePath = "\(path).examples.\(name)[\(i)]"
                    if rule.isServiceRule, example.service == nil {
                        problems.append(Problem(file: rule.file, path: examplePath, message: "a service rule's example must name a service"))
                    }
                    if let id = example.service, !ids.contains(id) {
                        problems.append(Problem(file: rule.file, path: "\(examplePath).service", message: "names the service '\(id)', which the catalog does not have"))
                    }
                    if case let .failure(error) = parseProfile(example.profile) {
                        problems.append(Problem(file: rule.file, path: "\(examplePath).profile", message: error.message))
                    }
                }
            }
        }
        for link in integrations {
            for id in link.from + link.to where id != "*" && !ids.contains(id) {
                problems.append(Problem(file: Catalog.integrationsFile, path: "$.links[\(link.index)]", message: "names the service '\(id)', which the catalog does not have"))
            }
        }
        for question in questions {
            guard let condition = question.askWhen else { continue }
            var refs = ConditionReferences()
            condition.references(into: &refs)
            let path = "$.questions[\(questions.firstIndex { $0.key == question.key } ?? 0)].askWhen"
            problems += answerProblems(refs, file: Catalog.questionsFile, path: path)
            problems += RuleEvaluator.typeProblems(of: condition, catalog: self, file: Catalog.questionsFile, path: path)
            if !refs.facts.isEmpty || !refs.services.isEmpty {
                problems.append(Problem(file: Catalog.questionsFile, path: path, message: "askWhen may test answers only, not services or facts"))
            }
        }
        var keys = Set<String>()
        for (i, question) in questions.enumerated() where !keys.insert(question.key).inserted {
            // One answer per key: a second question of the same key would be asked and swept
            // apart from the first while a profile holds only one answer for both.
            problems.append(Problem(file: Catalog.questionsFile, path: "$.questions[\(i)].key", message: "the question key '\(question.key)' is used twice"))
        }
        for (i, question) in questions.enumerated() {
            let path = "$.questions[\(i)]"
            let ranks = question.values.compactMap(\.rank)
            if question.ranked != nil {
                if question.kind != .choice {
                    problems.append(Problem(file: Catalog.questionsFile, path: "\(path).ranked", message: "only a choice question can be ranked; '\(question.key)' is a \(question.kind.rawValue) question"))
                } else if ranks.count != question.values.count {
                    problems.append(Problem(file: Catalog.questionsFile, path: "\(path).values", message: "'\(question.key)' is ranked, so every value needs a rank"))
                } else if Set(ranks).count != ranks.count {
                    problems.append(Problem(file: Catalog.questionsFile, path: "\(path).values", message: "'\(question.key)' gives two values the same rank; ranks must differ"))
                }
            } else if !ranks.isEmpty {
                problems.append(Problem(file: Catalog.questionsFile, path: "\(path).values", message: "values of '\(question.key)' have ranks, but the question does not say what they mean ('ranked')"))
            }
        }
        if !factLabels.isEmpty {
            for kind in Set(services.flatMap { $0.facts.map(\.kind) }).sorted() where factLabels[kind] == nil {
                problems.append(Problem(file: Catalog.manifestFile, path: "$.factLabels", message: "has no label for the fact '\(kind)', which services use"))
            }
        }
        for service in services {
            if let successor = service.lifecycle.successor, !ids.contains(successor) {
                problems.append(Problem(file: service.file, path: "$.facts.lifecycle.value.successor", message: "names '\(successor)', which the catalog does not have"))
            }
            for fact in service.facts where ["dataModels", "alsoServes"].contains(fact.kind) {
                let shapes = question("data-shape")?.valueNames ?? []
                for value in fact.strings where !shapes.contains(value) {
                    problems.append(Problem(file: service.file, path: "$.facts.\(fact.kind).value", message: "'\(value)' is not a data-shape value of the questionnaire"))
                }
            }
            for (kind, key) in [("accessPatterns", "access-patterns"), ("features", "features"), ("availability", "availability"), ("consistency", "consistency"), ("engineCompatibility", "existing-engine"), ("engineSubset", "existing-engine")] {
                guard let fact = service.fact(kind), let q = question(key) else { continue }
                for value in fact.strings where !q.valueNames.contains(value) {
                    problems.append(Problem(file: service.file, path: "$.facts.\(kind).value", message: "'\(value)' is not a \(key) value of the questionnaire"))
                }
            }
        }
        return problems
    }
}
