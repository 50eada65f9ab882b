@testable import AdvisorCore
import Testing

/// The lint sweep's invariant checker, and every caller of `Catalog.unmetRequirements`, read
/// the unmet requirements from each service's facts read once: compared here, over sampled
/// profiles of the sweep, with the requirements written out the long way.
@Suite struct InvariantDecisionTests {
    let engine = Engine(catalog: sharedCatalog)

    /// `Catalog.unmetRequirements` as it was written before it read the service's facts once
    /// (`RequirementFacts`) and the profile's requirements once (`StatedRequirements`): the
    /// reference the compiled form must equal.
    func unmetTheLongWay(_ service: Service, _ profile: Profile) -> [UnmetRequirement] {
        let catalog = sharedCatalog
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
            let missing = Condition.answerValues(profile[key]).filter { !have.contains($0) }
            if !missing.isEmpty { out.append(UnmetRequirement(key: key, what: missing.joined(separator: ", "))) }
        }
        if case let .choice(wanted)? = profile["latency"], let scale = catalog.question("latency"),
           let want = scale.rank(of: wanted), let have = service.fact("latency")?.value?.stringValue, let rank = scale.rank(of: have), rank > want {
            let accelerated = service.fact("acceleratedLatency").flatMap { fact in fact.value?.stringValue.flatMap(scale.rank(of:)).map { ($0, fact.text) } }
            out.append(UnmetRequirement(key: "latency", what: "\(wanted) reads (it answers in \(have))", byConfiguration: accelerated.flatMap { $0.0 <= want ? $0.1 : nil }))
        }
        if isCache, service.family != "in-memory", service.fact("acceleratedLatency")?.value == nil {
            out.append(UnmetRequirement(key: "role", what: "a cache (it is a system of record, not an in-memory cache)"))
        }
        return out
    }

    @Test func unmetRequirementsFromFactsReadOnceAreTheLongWay() {
        let scale = sharedCatalog.question("latency")
        let facts = sharedCatalog.services.map { RequirementFacts($0, latencyScale: scale) }
        var unmet = Set<String>()
        for profile in sweptProfiles(stride: 11) {
            let stated = StatedRequirements(profile, latencyScale: scale)
            for (s, service) in sharedCatalog.services.enumerated() {
                let reference = unmetTheLongWay(service, profile)
                #expect(sharedCatalog.unmetRequirements(service, profile) == reference, "\(service.id) \(profile)")
                let keysOnly = stated.unmet(by: facts[s], texts: false)
                #expect(keysOnly.map(\.key) == reference.map(\.key) && keysOnly.map(\.byConfiguration) == reference.map(\.byConfiguration), "\(service.id) \(profile)")
                for u in reference { unmet.insert(u.key + (u.byConfiguration == nil ? "" : "+configuration")) }
            }
        }
        // Every requirement is missed somewhere in the sample, and some are met by a configuration.
        for key in ["data-shape", "data-size", "max-item-size", "features", "availability", "consistency", "latency", "role"] {
            #expect(unmet.contains(key), "\(key) never unmet in the sample")
        }
        #expect(unmet.contains("data-size+configuration") && unmet.contains("latency+configuration"), "\(unmet)")
    }

    /// `advise` without texts (the invariant checker's) gives the same warnings, of the same
    /// kinds, in the same order, with the same texts for unmet and retired warnings (the
    /// checker reads those) and empty texts for the rest, over sampled swept profiles.
    @Test func adviceWithoutTextsIsAdviceWithTheTextsLeftOut() {
        var prepared = engine
        prepared.prepareRequirementFacts()
        var kinds = Set<String>()
        for profile in sweptProfiles(stride: 13) {
            let all = prepared.assess(profile, withReasons: false)
            let ranked = prepared.rank(all)
            let full = prepared.advise(profile, all: all, ranked: ranked, whatIf: [])
            let bare = prepared.advise(profile, all: all, ranked: ranked, whatIf: [], texts: false)
            let expected = full.map { w in
                w.kind == .unmet || w.kind == .retired ? w : Warning(kind: w.kind, text: "", rule: w.rule)
            }
            #expect(bare == expected, "\(profile)")
            for w in full { kinds.insert(w.kind.rawValue) }
        }
        // The sample reaches every kind of warning a swept profile can have (no what-if here).
        for kind in ["profile", "unmet", "tie", "weak-fit", "elimination", "unasked-analytics", "retired"] {
            #expect(kinds.contains(kind), "\(kind) never arises in the sample")
        }
    }
}
