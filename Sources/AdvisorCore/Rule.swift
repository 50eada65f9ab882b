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
    /// What the reason claims about the answers (answers only); lint proves it holds
    /// whenever the rule fires.
    public let asserts: Condition?
    public let reason: String
    public let source: String
    /// A fact whose source a finding cites instead of `source` (a service's own list).
    public let sourceFact: String?
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
    /// Whether the reason names {missing}: the values the evaluation found missing (captured
    /// by `RuleEvaluator.fires`).
    public var needsBindings: Bool { template.contains { if case .missing = $0 { return true } else { return false } } }

    /// A piece of a reason: text, or a placeholder filled per profile and service.
    public enum TemplatePart: Sendable {
        case literal(String)
        case service, missing, successor, since
        case answer(String)
        case fact(String)
        /// The fact's sentence (its `text`), for a fact too long to quote as a value.
        case factText(String)
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
                else if name.hasPrefix("factText:") { parts.append(.factText(String(name.dropFirst(9)))) }
                else if name.hasPrefix("fact:") { parts.append(.fact(String(name.dropFirst(5)))) }
                else { parts.append(.unknown(name)) }
            }
            rest = close + 1
        }
        if rest < bytes.count { parts.append(.literal(text(rest..<bytes.count))) }
        return parts
    }

    convenience init(json: JSON, file: String, index: Int) {
        let when = json["when"].map(Condition.init(json:))
        let reason = json["reason"]?.stringValue ?? ""
        var refs = ConditionReferences()
        when?.references(into: &refs)
        self.init(id: json["id"]?.stringValue ?? "", effect: Effect(rawValue: json["effect"]?.stringValue ?? "") ?? .warn,
                  weight: json["weight"]?.numberValue ?? 0, when: when, services: json["services"].map(Condition.init(json:)),
                  asserts: json["asserts"].map(Condition.init(json:)), reason: reason, source: json["source"]?.stringValue ?? "",
                  sourceFact: json["sourceFact"]?.stringValue, follows: json["follows"]?.stringValue,
                  fires: Rule.examples(json, "fires"), doesNotFire: Rule.examples(json, "doesNotFire"),
                  contradicts: json["contradicts"]?.arrayValue?.compactMap(\.stringValue) ?? [], file: file, index: index,
                  whenIsProfileOnly: refs.facts.isEmpty && refs.services.isEmpty && !(when?.mentionsFamily ?? false),
                  template: Rule.compile(reason))
    }

    /// Every field as given (the typed snapshot stores them all, `template` and
    /// `whenIsProfileOnly` included, as `init(json:file:index:)` worked them out).
    init(id: String, effect: Effect, weight: Double, when: Condition?, services: Condition?, asserts: Condition?,
         reason: String, source: String, sourceFact: String?, follows: String?, fires: [Example], doesNotFire: [Example],
         contradicts: [String], file: String, index: Int, whenIsProfileOnly: Bool, template: [TemplatePart]) {
        self.id = id
        self.effect = effect
        self.weight = weight
        self.when = when
        self.services = services
        self.asserts = asserts
        self.reason = reason
        self.source = source
        self.sourceFact = sourceFact
        self.follows = follows
        self.fires = fires
        self.doesNotFire = doesNotFire
        self.contradicts = contradicts
        self.file = file
        self.index = index
        self.whenIsProfileOnly = whenIsProfileOnly
        self.template = template
    }

    static func examples(_ json: JSON, _ name: String) -> [Example] {
        (json["examples"]?[name]?.arrayValue ?? []).map { Example(profile: $0["profile"] ?? .object([]), service: $0["service"]?.stringValue) }
    }

    /// The profile keys the reason quotes with {answer:KEY}: each must be answered when it fires.
    public var quotedAnswers: [String] {
        template.compactMap { if case let .answer(key) = $0 { return key } else { return nil } }
    }

    /// The fact kinds the reason quotes ({fact:KIND}, {factText:KIND}) and the one it cites.
    public var quotedFacts: [String] {
        template.compactMap { part -> String? in
            switch part {
            case let .fact(kind), let .factText(kind): return kind
            default: return nil
            }
        } + (sourceFact.map { [$0] } ?? [])
    }

    /// The source a finding of this rule cites for `service`: the fact's when the rule names
    /// one and the service has it, else the rule's.
    public func source(for service: Service?) -> String {
        sourceFact.flatMap { service?.fact($0)?.source } ?? source
    }

    /// Whether this rule is judged per service (exclude, score, configure) or once per profile (warn).
    public var isServiceRule: Bool { effect != .warn }
}
