/// A stated requirement a service does not meet by its facts alone.
public struct UnmetRequirement: Equatable, Sendable {
    /// The profile key that states it.
    public var key: String
    /// What is unmet, in words: "single-digit-ms reads (it answers in tens-of-ms)".
    public var what: String
    /// A configuration of the same service that meets it, when the catalog names one.
    public var byConfiguration: String?
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
    public func unmetRequirements(_ service: Service, _ profile: Profile) -> [UnmetRequirement] {
        var out: [UnmetRequirement] = []
        func list(_ kind: String) -> [String]? { service.fact(kind).map(\.strings) }
        let isCache: Bool = { if case .choice("cache")? = profile["role"] { return true } else { return false } }()
        if case let .choice(shape)? = profile["data-shape"], !isCache {
            let models = (list("dataModels") ?? []) + (list("alsoServes") ?? [])
            if !models.contains(shape) { out.append(UnmetRequirement(key: "data-shape", what: "\(shape) data (it stores \(models.joined(separator: ", ")))")) }
        }
        if case let .size(wanted)? = profile["data-size"], let text = service.fact("maxStorage")?.value?.stringValue,
           text != "unlimited", case let .success(limit) = DataSize.parse(text), limit < wanted {
            let scaleOut = service.fact("scaleOutStorage")?.value?.stringValue
            let covered = scaleOut == "unlimited" || scaleOut.flatMap { if case let .success(s) = DataSize.parse($0) { return !(s < wanted) } else { return nil } } == true
            out.append(UnmetRequirement(key: "data-size", what: "\(wanted) of data in one database (it holds \(text))",
                                        byConfiguration: covered ? service.fact("scaleOutStorage")?.text : nil))
        }
        if case let .size(wanted)? = profile["max-item-size"], let text = service.fact("maxItemSize")?.value?.stringValue,
           case let .success(limit) = DataSize.parse(text), limit < wanted {
            out.append(UnmetRequirement(key: "max-item-size", what: "items of \(wanted) (its limit is \(text)); store large items in Amazon S3 and keep a pointer"))
        }
        for (key, kind) in [("features", "features"), ("availability", "availability"), ("consistency", "consistency")] {
            guard let have = list(kind) else { continue }
            let wanted = Condition.answerValues(profile[key])
            let missing = wanted.filter { !have.contains($0) }
            if !missing.isEmpty { out.append(UnmetRequirement(key: key, what: missing.joined(separator: ", "))) }
        }
        if case let .choice(wanted)? = profile["latency"], let scale = question("latency"),
           let want = scale.rank(of: wanted), let have = service.fact("latency")?.value?.stringValue, let rank = scale.rank(of: have), rank > want {
            let accelerated = service.fact("acceleratedLatency").flatMap { fact in fact.value?.stringValue.flatMap(scale.rank(of:)).map { ($0, fact.text) } }
            let byConfiguration = accelerated.flatMap { $0.0 <= want ? $0.1 : nil }
            out.append(UnmetRequirement(key: "latency", what: "\(wanted) reads (it answers in \(have))", byConfiguration: byConfiguration))
        }
        if isCache, service.family != "in-memory", service.fact("acceleratedLatency")?.value == nil {
            out.append(UnmetRequirement(key: "role", what: "a cache (it is a system of record, not an in-memory cache)"))
        }
        return out
    }
}
