#if canImport(Glibc)
import Glibc
#endif

/// What a rule does when it fires.
public enum Effect: String, Sendable {
    /// The service cannot serve the workload (a hard limit or a missing capability).
    case exclude
    /// Add `weight` (positive: prefer; negative: penalise) to the service's score.
    case score
    /// Advice on how to set the service up, shown when it is the pick.
    case configure
    /// A warning about the profile itself (conflicting or missing answers).
    case warn
}

/// A rule from the catalog: a condition over the answers (and, for service rules, the
/// service's facts), an effect, the reason written for the user, and its source.
public final class Rule: Sendable {
    public struct Example: Sendable {
        public var profile: JSON
        public var service: String?
    }

    public let id: String
    public let effect: Effect
    public let weight: Double
    public let when: Condition?
    public let services: Condition?
    public let reason: String
    public let source: String
    public let follows: String?
    public let fires: [Example]
    public let doesNotFire: [Example]
    /// Rules that must never fire on the same service for the same profile (checked by lint).
    public let contradicts: [String]
    public let file: String
    public let index: Int
    /// Whether `when` reads answers only, so it can be judged once per profile, not per service.
    public let whenIsProfileOnly: Bool
    /// The reason, split once into literal text and placeholders.
    public let template: [TemplatePart]
    /// Whether the reason names {missing}, which only the rules as written can fill in.
    public var needsBindings: Bool { template.contains { if case .missing = $0 { return true } else { return false } } }

    /// A piece of a reason: text, or a placeholder filled per profile and service.
    public enum TemplatePart: Sendable {
        case literal(String)
        case service, missing, successor, since
        case answer(String)
        case fact(String)
        case unknown(String)
    }

    static func compile(_ reason: String) -> [TemplatePart] {
        // Scanned as UTF-8 bytes: braces are ASCII, so every cut falls between characters.
        let bytes = Array(reason.utf8)
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var parts: [TemplatePart] = []
        var rest = 0
        while let open = bytes[rest...].firstIndex(of: UInt8(ascii: "{")),
              let close = bytes[open...].firstIndex(of: UInt8(ascii: "}")) {
            if open > rest { parts.append(.literal(text(rest..<open))) }
            let name = text(open + 1..<close)
            switch name {
            case "service": parts.append(.service)
            case "missing": parts.append(.missing)
            case "successor": parts.append(.successor)
            case "since": parts.append(.since)
            default:
                if name.hasPrefix("answer:") { parts.append(.answer(String(name.dropFirst(7)))) }
                else if name.hasPrefix("fact:") { parts.append(.fact(String(name.dropFirst(5)))) }
                else { parts.append(.unknown(name)) }
            }
            rest = close + 1
        }
        if rest < bytes.count { parts.append(.literal(text(rest..<bytes.count))) }
        return parts
    }

    init(json: JSON, file: String, index: Int) {
        id = json["id"]?.stringValue ?? ""
        effect = Effect(rawValue: json["effect"]?.stringValue ?? "") ?? .warn
        weight = json["weight"]?.numberValue ?? 0
        when = json["when"].map(Condition.init(json:))
        services = json["services"].map(Condition.init(json:))
        reason = json["reason"]?.stringValue ?? ""
        source = json["source"]?.stringValue ?? ""
        follows = json["follows"]?.stringValue
        contradicts = json["contradicts"]?.arrayValue?.compactMap(\.stringValue) ?? []
        fires = Rule.examples(json, "fires")
        doesNotFire = Rule.examples(json, "doesNotFire")
        self.file = file
        self.index = index
        var refs = ConditionReferences()
        when?.references(into: &refs)
        template = Rule.compile(reason)
        whenIsProfileOnly = refs.facts.isEmpty && refs.services.isEmpty && !(when?.mentionsFamily ?? false)
    }

    static func examples(_ json: JSON, _ name: String) -> [Example] {
        (json["examples"]?[name]?.arrayValue ?? []).map { Example(profile: $0["profile"] ?? .object([]), service: $0["service"]?.stringValue) }
    }

    /// Whether this rule is judged per service (exclude, score, configure) or once per profile (warn).
    public var isServiceRule: Bool { effect != .warn }
}

/// What a condition names: profile keys, fact kinds, service ids, (key, value) pairs, and
/// the messages of leaves that could not be read.
public struct ConditionReferences: Sendable {
    public var keys: [String] = []
    public var facts: [String] = []
    public var services: [String] = []
    public var values: [(String, String)] = []
    public var invalid: [String] = []
}

/// The order of the latency classes, fastest first.
public let latencyOrder = ["microseconds", "single-digit-ms", "tens-of-ms", "seconds"]

/// A condition over a profile and, optionally, one service. Parsed once when the catalog loads.
public indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case serviceIn([String])
    case familyIn([String])
    /// The service's family equals the answer to a key (its purpose-built shape).
    case familyMatchesAnswer(String)
    case answer(key: String, test: AnswerTest)
    case fact(kind: String, field: String?, test: FactTest)
    case invalid(String)

    public enum AnswerTest: Sendable {
        case answered(Bool)
        case isValue(String)
        case inValues([String])
        case includes(String)
        case includesAny([String])
        /// A threshold as written, with its value as bytes (size) and per second (rate).
        case atLeast(String, size: Double?, rate: Double?)
        case below(String, size: Double?, rate: Double?)
    }

    public enum FactTest: Sendable {
        case present(Bool)
        case isValue(JSON)
        case inValues([String])
        case includes(String)
        case includesAnswer(String)
        case lacksAnswer(String)
        case belowAnswer(String)
        case slowerThanAnswer(String)
        case notSlowerThanAnswer(String)
    }

    init(json: JSON) {
        if let items = json["all"]?.arrayValue { self = .all(items.map(Condition.init(json:))); return }
        if let items = json["any"]?.arrayValue { self = .any(items.map(Condition.init(json:))); return }
        if let inner = json["not"] { self = .not(Condition(json: inner)); return }
        if let ids = json["service"]?.arrayValue { self = .serviceIn(ids.compactMap(\.stringValue)); return }
        if let ids = json["family"]?.arrayValue { self = .familyIn(ids.compactMap(\.stringValue)); return }
        if let key = json["familyMatchesAnswer"]?.stringValue { self = .familyMatchesAnswer(key); return }
        if let key = json["answer"]?.stringValue {
            let test: AnswerTest
            if let b = json["answered"]?.boolValue { test = .answered(b) }
            else if let v = json["is"]?.stringValue { test = .isValue(v) }
            else if let vs = json["in"]?.arrayValue { test = .inValues(vs.compactMap(\.stringValue)) }
            else if let v = json["includes"]?.stringValue { test = .includes(v) }
            else if let vs = json["includesAny"]?.arrayValue { test = .includesAny(vs.compactMap(\.stringValue)) }
            else if let v = json["atLeast"]?.stringValue { test = .atLeast(v, size: Condition.sizeValue(v), rate: Condition.rateValue(v)) }
            else if let v = json["below"]?.stringValue { test = .below(v, size: Condition.sizeValue(v), rate: Condition.rateValue(v)) }
            else { self = .invalid("an answer test needs one of answered, is, in, includes, includesAny, atLeast, below"); return }
            self = .answer(key: key, test: test)
            return
        }
        if let kind = json["fact"]?.stringValue {
            let field = json["field"]?.stringValue
            let test: FactTest
            if let b = json["present"]?.boolValue { test = .present(b) }
            else if let v = json["is"] { test = .isValue(v) }
            else if let vs = json["in"]?.arrayValue { test = .inValues(vs.compactMap(\.stringValue)) }
            else if let v = json["includes"]?.stringValue { test = .includes(v) }
            else if let k = json["includesAnswer"]?.stringValue { test = .includesAnswer(k) }
            else if let k = json["lacksAnswer"]?.stringValue { test = .lacksAnswer(k) }
            else if let k = json["belowAnswer"]?.stringValue { test = .belowAnswer(k) }
            else if let k = json["slowerThanAnswer"]?.stringValue { test = .slowerThanAnswer(k) }
            else if let k = json["notSlowerThanAnswer"]?.stringValue { test = .notSlowerThanAnswer(k) }
            else { self = .invalid("a fact test needs one of present, is, in, includes, includesAnswer, lacksAnswer, belowAnswer, slowerThanAnswer, notSlowerThanAnswer"); return }
            self = .fact(kind: kind, field: field, test: test)
            return
        }
        self = .invalid("a condition needs one of all, any, not, service, family, familyMatchesAnswer, answer, fact")
    }

    static func sizeValue(_ text: String) -> Double? {
        if case let .success(s) = DataSize.parse(text) { return s.bytes }
        return nil
    }

    static func rateValue(_ text: String) -> Double? {
        if case let .success(r) = RequestRate.parse(text) { return r.perSecond }
        return nil
    }

    /// Values the condition captured while matching (the missing items of a `lacksAnswer`),
    /// for the reason text's `{missing}` placeholder.
    public struct Bindings: Sendable {
        public var missing: [String] = []
    }

    /// Whether the condition holds. Service-level tests are false when no service is given.
    public func holds(profile: Profile, service: Service?, bindings: inout Bindings) -> Bool {
        switch self {
        case let .all(items):
            for item in items where !item.holds(profile: profile, service: service, bindings: &bindings) { return false }
            return true
        case let .any(items):
            for item in items where item.holds(profile: profile, service: service, bindings: &bindings) { return true }
            return false
        case let .not(inner):
            var scratch = Bindings()
            return !inner.holds(profile: profile, service: service, bindings: &scratch)
        case let .serviceIn(ids):
            return service.map { ids.contains($0.id) } ?? false
        case let .familyIn(families):
            return service.map { families.contains($0.family) } ?? false
        case let .familyMatchesAnswer(key):
            guard let service, case let .choice(value)? = profile[key] else { return false }
            return service.family == value
        case let .answer(key, test):
            return Condition.test(profile[key], test)
        case let .fact(kind, field, test):
            guard let service else { return false }
            let fact = service.fact(kind)
            if let field { return Condition.test(fact?.value?[field], test, list: nil, profile: profile, bindings: &bindings) }
            return Condition.test(fact?.value, test, list: fact?.strings, profile: profile, bindings: &bindings)
        case .invalid:
            return false
        }
    }

    static func test(_ answer: Answer?, _ test: AnswerTest) -> Bool {
        switch test {
        case let .answered(expected): return (answer != nil) == expected
        case let .isValue(v):
            if case let .choice(c)? = answer { return c == v }
            return false
        case let .inValues(vs):
            if case let .choice(c)? = answer { return vs.contains(c) }
            return false
        case let .includes(v):
            if case let .set(items)? = answer { return items.contains(v) }
            if case let .choice(c)? = answer { return c == v }
            return false
        case let .includesAny(vs):
            if case let .set(items)? = answer { return items.contains(where: vs.contains) }
            if case let .choice(c)? = answer { return vs.contains(c) }
            return false
        case let .atLeast(_, sizeLimit, rateLimit), let .below(_, sizeLimit, rateLimit):
            let isAtLeast: Bool
            if case .atLeast = test { isAtLeast = true } else { isAtLeast = false }
            switch answer {
            case let .size(s)?:
                guard let limit = sizeLimit else { return false }
                return isAtLeast ? s.bytes >= limit : s.bytes < limit
            case let .rate(r)?:
                guard let limit = rateLimit else { return false }
                return isAtLeast ? r.perSecond >= limit : r.perSecond < limit
            default: return false
            }
        }
    }

    static func answerValues(_ answer: Answer?) -> [String] {
        switch answer {
        case let .choice(c)?: return [c]
        case let .set(items)?: return items
        default: return []
        }
    }

    static func test(_ value: JSON?, _ test: FactTest, list precomputed: [String]?, profile: Profile, bindings: inout Bindings) -> Bool {
        let list = precomputed ?? value?.arrayValue?.compactMap(\.stringValue) ?? (value?.stringValue.map { [$0] } ?? [])
        switch test {
        case let .present(expected):
            let present = value != nil && value != .null
            return present == expected
        case let .isValue(v): return value == v
        case let .inValues(vs): return value?.stringValue.map(vs.contains) ?? false
        case let .includes(v): return list.contains(v)
        case let .includesAnswer(key):
            let wanted = answerValues(profile[key])
            return !wanted.isEmpty && wanted.allSatisfy(list.contains)
        case let .lacksAnswer(key):
            guard value != nil else { return false }
            let missing = answerValues(profile[key]).filter { !list.contains($0) }
            if missing.isEmpty { return false }
            bindings.missing = missing
            return true
        case let .belowAnswer(key):
            guard let text = value?.stringValue, text != "unlimited" else { return false }
            switch profile[key] {
            case let .size(wanted)?:
                guard case let .success(limit) = DataSize.parse(text) else { return false }
                return limit < wanted
            case let .rate(wanted)?:
                guard case let .success(limit) = RequestRate.parse(text) else { return false }
                return limit < wanted
            default: return false
            }
        case let .slowerThanAnswer(key), let .notSlowerThanAnswer(key):
            guard case let .choice(wanted)? = profile[key],
                  let have = value?.stringValue,
                  let a = latencyOrder.firstIndex(of: have), let b = latencyOrder.firstIndex(of: wanted) else { return false }
            if case .slowerThanAnswer = test { return a > b }
            return a <= b
        }
    }

    /// Whether the condition reads no answer at all, so its value per service never changes.
    public var ignoresAnswers: Bool {
        switch self {
        case let .all(items), let .any(items): return items.allSatisfy(\.ignoresAnswers)
        case let .not(inner): return inner.ignoresAnswers
        case .serviceIn, .familyIn, .invalid: return true
        case .familyMatchesAnswer, .answer: return false
        case let .fact(_, _, test):
            switch test {
            case .present, .isValue, .inValues, .includes: return true
            default: return false
            }
        }
    }

    /// Whether a family test appears anywhere in the condition.
    var mentionsFamily: Bool {
        switch self {
        case let .all(items), let .any(items): return items.contains { $0.mentionsFamily }
        case let .not(inner): return inner.mentionsFamily
        case .familyIn, .familyMatchesAnswer: return true
        default: return false
        }
    }

    /// Every profile key, fact kind and service id the condition names, for reference checks.
    public func references(into refs: inout ConditionReferences) {
        switch self {
        case let .all(items), let .any(items): items.forEach { $0.references(into: &refs) }
        case let .not(inner): inner.references(into: &refs)
        case let .serviceIn(ids): refs.services += ids
        case .familyIn: break
        case let .familyMatchesAnswer(key): refs.keys.append(key)
        case let .answer(key, test):
            refs.keys.append(key)
            switch test {
            case let .isValue(v), let .includes(v): refs.values.append((key, v))
            case let .inValues(vs), let .includesAny(vs): refs.values += vs.map { (key, $0) }
            default: break
            }
        case let .fact(kind, _, test):
            refs.facts.append(kind)
            switch test {
            case let .includesAnswer(k), let .lacksAnswer(k), let .belowAnswer(k), let .slowerThanAnswer(k), let .notSlowerThanAnswer(k):
                refs.keys.append(k)
            default: break
            }
        case let .invalid(message): refs.invalid.append(message)
        }
    }

    /// The fact kinds the condition compares with an answer (`belowAnswer`), by profile key.
    public func comparedFacts(into out: inout [String: Set<String>]) {
        switch self {
        case let .all(items), let .any(items): items.forEach { $0.comparedFacts(into: &out) }
        case let .not(inner): inner.comparedFacts(into: &out)
        case let .fact(kind, nil, .belowAnswer(key)): out[key, default: []].insert(kind)
        default: break
        }
    }

    /// The size and rate thresholds the condition compares against, by key (for what-if and sweeps).
    public func thresholds(into out: inout [String: [String]]) {
        switch self {
        case let .all(items), let .any(items): items.forEach { $0.thresholds(into: &out) }
        case let .not(inner): inner.thresholds(into: &out)
        case let .answer(key, .atLeast(t, _, _)), let .answer(key, .below(t, _, _)): out[key, default: []].append(t)
        default: break
        }
    }
}

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
        for rule in rules {
            let path = "$.rules[\(rule.index)]"
            if !seen.insert(rule.id).inserted {
                problems.append(Problem(file: rule.file, path: "\(path).id", message: "the rule id '\(rule.id)' is used twice"))
            }
            var refs = ConditionReferences()
            rule.when?.references(into: &refs)
            rule.services?.references(into: &refs)
            problems += answerProblems(refs, file: rule.file, path: path)
            for kind in refs.facts where !factKinds.contains(kind) {
                problems.append(Problem(file: rule.file, path: path, message: "names the fact '\(kind)', which no service has"))
            }
            for id in refs.services where !ids.contains(id) {
                problems.append(Problem(file: rule.file, path: path, message: "names the service '\(id)', which the catalog does not have"))
            }
            for other in rule.contradicts where !rules.contains(where: { $0.id == other }) {
                problems.append(Problem(file: rule.file, path: "\(path).contradicts", message: "names the rule '\(other)', which the catalog does not have"))
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
            if !refs.facts.isEmpty || !refs.services.isEmpty {
                problems.append(Problem(file: Catalog.questionsFile, path: path, message: "askWhen may test answers only, not services or facts"))
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
