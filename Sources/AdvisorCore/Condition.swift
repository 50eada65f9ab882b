/// The parsed form of a rule's condition: what it names and tests, read once when the catalog
/// loads. It decides nothing: `RuleEvaluator` (Evaluator.swift) compiles it and is the only
/// code that judges whether a condition holds.

/// What a condition names: profile keys, fact kinds, service ids, (key, value) pairs, and
/// the messages of leaves that could not be read.
public struct ConditionReferences: Sendable {
    public var keys: [String] = []
    public var facts: [String] = []
    public var services: [String] = []
    public var values: [(String, String)] = []
    public var invalid: [String] = []
}

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

    /// The values of a choice or set answer (empty for any other answer).
    static func answerValues(_ answer: Answer?) -> [String] {
        switch answer {
        case let .choice(c)?: return [c]
        case let .set(items)?: return items
        default: return []
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
