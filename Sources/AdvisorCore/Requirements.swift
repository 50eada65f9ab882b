/// A stated requirement a service does not meet by its facts alone.
public struct UnmetRequirement: Equatable, Sendable {
    /// The profile key that states it.
    public var key: String
    /// What is unmet, in words: "single-digit-ms reads (it answers in tens-of-ms)".
    public var what: String
    /// A configuration of the same service that meets it, when the catalog names one.
    public var byConfiguration: String?
}

/// A service's facts as `unmetRequirements` reads them, read (and their sizes parsed) once:
/// the lint sweep asks about the pick on every profile. (A class: the sweep reads one from its
/// table per profile without copying its members.)
final class RequirementFacts: Sendable {
    /// dataModels, then alsoServes.
    let models: [String]
    /// maxStorage, when limited and it parses.
    let maxStorage: (text: String, limit: DataSize)?
    /// scaleOutStorage: "unlimited", or its size when it parses; and its sentence.
    let scaleOutUnlimited: Bool
    let scaleOutLimit: DataSize?
    let scaleOutText: String?
    let maxItemSize: (text: String, limit: DataSize)?
    /// features, availability, consistency: what the service lists, nil when it has no such fact.
    let lists: [[String]?]
    /// The latency the service answers in, with its rank on the latency question's scale.
    let latency: (text: String, rank: Int)?
    /// acceleratedLatency's rank on that scale (nil when it has none or it is off the scale), and its sentence.
    let accelerated: (rank: Int, text: String)?
    /// Neither in-memory nor accelerated: a system of record, not a cache.
    let notACache: Bool

    static let listKeys = StatedRequirements.Requirement.lists.map(\.rawValue)

    init(_ service: Service, latencyScale: Question?) {
        func list(_ kind: String) -> [String]? { service.fact(kind).map(\.strings) }
        models = (list("dataModels") ?? []) + (list("alsoServes") ?? [])
        func size(_ kind: String) -> (text: String, limit: DataSize)? {
            guard let text = service.fact(kind)?.value?.stringValue, case let .success(limit) = DataSize.parse(text) else { return nil }
            return (text, limit)
        }
        maxStorage = service.fact("maxStorage")?.value?.stringValue == "unlimited" ? nil : size("maxStorage")
        let scaleOut = service.fact("scaleOutStorage")?.value?.stringValue
        scaleOutUnlimited = scaleOut == "unlimited"
        scaleOutLimit = scaleOut.flatMap { if case let .success(s) = DataSize.parse($0) { return s } else { return nil } }
        scaleOutText = service.fact("scaleOutStorage")?.text
        maxItemSize = size("maxItemSize")
        lists = RequirementFacts.listKeys.map(list)
        if let scale = latencyScale, let have = service.fact("latency")?.value?.stringValue, let rank = scale.rank(of: have) {
            latency = (have, rank)
        } else {
            latency = nil
        }
        accelerated = latencyScale.flatMap { scale in
            service.fact("acceleratedLatency").flatMap { fact in fact.value?.stringValue.flatMap(scale.rank(of:)).map { ($0, fact.text) } }
        }
        notACache = service.family != "in-memory" && service.fact("acceleratedLatency")?.value == nil
    }
}

/// The requirements a profile states, as `unmetRequirements` reads them, read once per profile.
struct StatedRequirements {
    let shape: String?
    let isCache: Bool
    let dataSize: DataSize?
    let itemSize: DataSize?
    /// features, availability, consistency (as `RequirementFacts.listKeys`): the values wanted.
    let lists: [[String]]
    /// The latency asked for, with its rank on the latency question's scale.
    let latency: (text: String, rank: Int)?

    init(_ profile: Profile, latencyScale: Question?) {
        self.init(profile, latencyRank: { value in latencyScale.flatMap { $0.rank(of: value) } })
    }

    /// `latencyRank`: a value's rank on the latency question's scale (nil when there is no
    /// such question, or the value is not on it). The profile's answers are visited once
    /// (a swept profile answers a few questions) rather than looked up key by key.
    init(_ profile: Profile, latencyRank: (String) -> Int?) {
        var isCache = false, shape: String? = nil, dataSize: DataSize? = nil, itemSize: DataSize? = nil
        var lists: [[String]] = [[], [], []]
        var latency: (text: String, rank: Int)? = nil
        for item in profile.items {
            let answer = item.answer
            switch (item.key, answer) {
            case ("role", .choice(let role)): isCache = role == "cache"
            case ("data-shape", .choice(let value)): shape = value
            case ("data-size", .size(let wanted)): dataSize = wanted
            case ("max-item-size", .size(let wanted)): itemSize = wanted
            case ("features", _): lists[0] = Condition.answerValues(answer)
            case ("availability", _): lists[1] = Condition.answerValues(answer)
            case ("consistency", _): lists[2] = Condition.answerValues(answer)
            case ("latency", .choice(let wanted)): latency = latencyRank(wanted).map { (wanted, $0) }
            default: break
            }
        }
        self.isCache = isCache
        self.shape = shape
        self.dataSize = dataSize
        self.itemSize = itemSize
        self.lists = lists
        self.latency = latency
    }

    /// The requirements these leave unmet by a service with `facts`, in the order
    /// `Catalog.unmetRequirements` gives (each key's decision is `misses`); without `texts`,
    /// each `what` is left empty but the role's (a literal) and nothing is written out (the
    /// lint sweep reads the keys).
    func unmet(by facts: RequirementFacts, texts: Bool = true) -> [UnmetRequirement] {
        var out: [UnmetRequirement] = []
        if misses(.dataShape, by: facts), let shape {
            out.append(UnmetRequirement(key: Requirement.dataShape.rawValue, what: texts ? "\(shape) data (it stores \(facts.models.joined(separator: ", ")))" : ""))
        }
        if misses(.dataSize, by: facts), let wanted = dataSize, let storage = facts.maxStorage {
            let covered = facts.scaleOutUnlimited || facts.scaleOutLimit.map { !($0 < wanted) } == true
            out.append(UnmetRequirement(key: Requirement.dataSize.rawValue, what: texts ? "\(wanted) of data in one database (it holds \(storage.text))" : "",
                                        byConfiguration: covered ? facts.scaleOutText : nil))
        }
        if misses(.maxItemSize, by: facts), let wanted = itemSize, let item = facts.maxItemSize {
            out.append(UnmetRequirement(key: Requirement.maxItemSize.rawValue, what: texts ? "items of \(wanted) (its limit is \(item.text)); store large items in Amazon S3 and keep a pointer" : ""))
        }
        for k in RequirementFacts.listKeys.indices where misses(Requirement.lists[k], by: facts) {
            let have = facts.lists[k] ?? []
            out.append(UnmetRequirement(key: Requirement.lists[k].rawValue, what: texts ? lists[k].filter { !have.contains($0) }.joined(separator: ", ") : ""))
        }
        if misses(.latency, by: facts), let wanted = latency, let have = facts.latency {
            let byConfiguration = facts.accelerated.flatMap { $0.rank <= wanted.rank ? $0.text : nil }
            out.append(UnmetRequirement(key: Requirement.latency.rawValue, what: texts ? "\(wanted.text) reads (it answers in \(have.text))" : "", byConfiguration: byConfiguration))
        }
        if misses(.role, by: facts) {
            out.append(UnmetRequirement(key: Requirement.role.rawValue, what: "a cache (it is a system of record, not an in-memory cache)"))
        }
        return out
    }

    /// A requirement `unmet` can list, by the profile key that states it (each key `unmet`
    /// lists is one of these).
    enum Requirement: String {
        case dataShape = "data-shape", dataSize = "data-size", maxItemSize = "max-item-size"
        case features, availability, consistency, latency, role
        /// The three list requirements, in `RequirementFacts.listKeys`' order.
        static let lists: [Requirement] = [.features, .availability, .consistency]
        static let all: [Requirement] = [.dataShape, .dataSize, .maxItemSize, .features, .availability, .consistency, .latency, .role]

        /// The requirement stated under `key`, found by comparing it with each key (short
        /// strings, compared by their bits): `init(rawValue:)` goes through the library's
        /// general string switch, some 800 instructions a call.
        init?(key: String) {
            guard let found = Requirement.all.first(where: { $0.rawValue == key }) else { return nil }
            self = found
        }
    }

    /// Whether a service with `facts` leaves the requirement unmet: what `unmet` lists under
    /// its key, decided alone, with nothing written (the unmet warnings look for the first
    /// service that meets a requirement the pick misses: one key, several services a line).
    func misses(_ requirement: Requirement, by facts: RequirementFacts) -> Bool {
        switch requirement {
        case .dataShape:
            guard let shape, !isCache else { return false }
            return !facts.models.contains(shape)
        case .dataSize:
            guard let wanted = dataSize, let storage = facts.maxStorage else { return false }
            return storage.limit < wanted
        case .maxItemSize:
            guard let wanted = itemSize, let item = facts.maxItemSize else { return false }
            return item.limit < wanted
        case .features, .availability, .consistency:
            let k = Requirement.lists.firstIndex(of: requirement)!
            guard let have = facts.lists[k], !lists[k].isEmpty else { return false }
            return lists[k].contains { !have.contains($0) }
        case .latency:
            guard let wanted = latency, let have = facts.latency else { return false }
            return have.rank > wanted.rank
        case .role:
            return isCache && facts.notACache
        }
    }
}

extension Catalog {
    /// The requirements of `profile` that `service` does not meet by its facts: data shape,
    /// storage, item size, features, availability, consistency, latency class and role.
    /// Read from the same facts the rules read, so a pick that misses one is never silent.
    ///
    /// Why this is not a rule run through the RuleEvaluator: it answers another question.
    /// A rule answers "does this condition hold for (profile, service)?" with one bit, and its
    /// effect is a weight or an exclusion. This answers "which of the requirements the profile
    /// states does this service miss, by what, and which configuration of it would meet
    /// them?": its result is data a condition cannot return, namely the set difference of the
    /// wanted and offered features, availability options and consistency levels (one rule per
    /// catalog value would be needed to name them), the limit read from the fact (`it holds`
    /// and the service's maxStorage), and `byConfiguration` from a second fact (scale-out storage, accelerated
    /// latency). And it must not be a rule: it is the oracle of lint's invariant (b), "a pick
    /// that misses a stated requirement is never silent", and of the unmet warnings; were it
    /// written as rules, a rule missing from the catalog would be missing from the check of
    /// the catalog too. It never changes a score or an exclusion, so the pick does not depend on it.
    ///
    /// The service's facts (`RequirementFacts`) and the profile's requirements
    /// (`StatedRequirements`) are read apart, so that the lint sweep reads each once.
    public func unmetRequirements(_ service: Service, _ profile: Profile) -> [UnmetRequirement] {
        let scale = question("latency")
        return StatedRequirements(profile, latencyScale: scale).unmet(by: RequirementFacts(service, latencyScale: scale))
    }
}
