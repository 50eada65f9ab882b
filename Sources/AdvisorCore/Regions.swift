/// Where services are offered (catalog/regions.json): the commercial Regions, per service the
/// Regions a source lists, and per capability (multi-Region clusters) the Regions it is
/// offered in, each with how sure the list is.
///
/// The lists decide nothing here: each becomes a fact of its service when the catalog loads
/// (`regions`, `regionsUnconfirmed`, or the capability's own fact), and the rules in
/// catalog/rules/regions.json read those facts against the `region` answer through the one
/// rule evaluator, like every other fact.
public struct RegionTable: Sendable {
    public struct Region: Sendable {
        public var code: String
        public var name: String
        public var source: String
        public var asOf: String
    }

    public struct Offering: Sendable {
        public var service: String
        /// The fact the list becomes (see `factKind`).
        public var fact: String
        /// For a capability: what is offered, as people read it; nil for the service itself.
        public var capability: String?
        /// Unordered: test membership, or iterate it sorted.
        public var regions: Set<String>
        /// stated, inferred or unconfirmed: only a stated list rules a service out.
        public var confidence: String
        public var source: String
        public var asOf: String
        public var note: String?
    }

    public var regions: [Region] = []
    /// By key. Unordered: look it up, or iterate it sorted (the bundled snapshot fills it in
    /// byte order of its keys, `--catalog DIR` in file order).
    public var offerings: [String: Offering] = [:]
    public var capabilities: [Offering] = []

    public init() {}

    /// The fact a service's own Region list becomes: `regions` when a source states it (a
    /// rule rules the service out where it is missing), `regionsUnconfirmed` when the list
    /// is inferred or unconfirmed (a rule only says so).
    public static func factKind(confidence: String) -> String { confidence == "stated" ? "regions" : "regionsUnconfirmed" }

    init(json: JSON) {
        regions = (json["regions"]?.arrayValue ?? []).map {
            Region(code: $0["code"]?.stringValue ?? "", name: $0["name"]?.stringValue ?? "", source: $0["source"]?.stringValue ?? "", asOf: $0["asOf"]?.stringValue ?? "")
        }
        func offering(_ o: JSON, fact: String?) -> Offering {
            let confidence = o["confidence"]?.stringValue ?? ""
            return Offering(service: o["service"]?.stringValue ?? "", fact: fact ?? RegionTable.factKind(confidence: confidence),
                            capability: o["capability"]?.stringValue,
                            regions: Set(o["regions"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                            confidence: confidence, source: o["source"]?.stringValue ?? "",
                            asOf: o["asOf"]?.stringValue ?? "", note: o["note"]?.stringValue)
        }
        for o in json["services"]?.arrayValue ?? [] {
            let entry = offering(o, fact: nil)
            // An unconfirmed list that names no Region is no list at all (nothing was found,
            // which says nothing of where the service runs): it becomes no fact.
            if entry.confidence != "stated" && entry.regions.isEmpty { continue }
            offerings[entry.service] = entry
        }
        capabilities = (json["capabilities"]?.arrayValue ?? []).map { offering($0, fact: $0["fact"]?.stringValue ?? "") }
    }

    public func region(_ code: String) -> Region? { regions.first { $0.code == code } }

    /// The sentence a list's fact carries: how many of the commercial Regions it names.
    func sentence(_ o: Offering, serviceName: String) -> String {
        let what = o.capability.map { "\(serviceName) \($0)" } ?? serviceName
        let count = o.regions.count
        let listed = count == 0 ? "in none" : count == regions.count ? "in all \(count)" : "in \(count)"
        switch o.confidence {
        case "stated":
            return "AWS lists \(what) \(listed) of the \(regions.count) commercial Regions (as of \(o.asOf))"
        default:
            return "\(what): a Region list that is \(o.confidence), not stated by AWS, names it \(listed) of the \(regions.count) commercial Regions (as of \(o.asOf))"
        }
    }

    /// The facts the lists give `service` (in file order: its own list, then capabilities).
    func facts(for service: Service) -> [Fact] {
        var out: [Fact] = []
        func fact(_ o: Offering) -> Fact {
            var members: [(String, JSON)] = [
                ("value", .array(o.regions.sorted().map(JSON.string))),
                ("text", .string(sentence(o, serviceName: service.name))),
                ("source", .string(o.source)),
                ("asOf", .string(o.asOf)),
                ("confidence", .string(o.confidence)),
            ]
            if let note = o.note { members.append(("note", .string(note))) }
            return Fact(kind: o.fact, json: .object(members))
        }
        if let o = offerings[service.id] { out.append(fact(o)) }
        for o in capabilities where o.service == service.id { out.append(fact(o)) }
        return out
    }
}

extension Service {
    /// The same service with `extra` facts after its own (a kind it already has is kept as is).
    func adding(_ extra: [Fact]) -> Service {
        let fresh = extra.filter { fact($0.kind) == nil }
        return fresh.isEmpty ? self : Service(copying: self, facts: facts + fresh)
    }
}

extension Catalog {
    public static let regionsFile = "regions.json"

    /// Each service with the Region facts regions.json gives it.
    mutating func addRegionFacts() {
        let table = regionTable
        services = services.map { $0.adding(table.facts(for: $0)) }
    }

    /// Offerings naming an unknown service or Region, and a region question that does not
    /// offer exactly the Regions listed.
    func regionProblems() -> [Problem] {
        var problems: [Problem] = []
        let ids = Set(serviceIDs).union(declaredServiceIDs)
        let codes = Set(regionTable.regions.map(\.code))
        let entries = regionTable.offerings.sorted(by: { $0.key < $1.key }).map { ("$.services", $0.value) }
            + regionTable.capabilities.map { ("$.capabilities", $0) }
        for (path, o) in entries {
            if !ids.contains(o.service) {
                problems.append(Problem(file: Catalog.regionsFile, path: path, message: "names the service '\(o.service)', which the catalog does not have"))
            }
            for code in o.regions.sorted() where !codes.contains(code) {
                problems.append(Problem(file: Catalog.regionsFile, path: path, message: "lists '\(code)' for \(o.service), which is not in $.regions"))
            }
        }
        var seen = Set<String>()
        for o in regionTable.capabilities where !seen.insert(o.service + "|" + o.fact).inserted {
            problems.append(Problem(file: Catalog.regionsFile, path: "$.capabilities", message: "gives \(o.service) the fact '\(o.fact)' twice"))
        }
        if let q = question("region") {
            for v in q.valueNames where !codes.contains(v) {
                problems.append(Problem(file: Catalog.questionsFile, path: "$.questions", message: "the region question offers '\(v)', which regions.json does not list"))
            }
            for code in codes.sorted() where !q.valueNames.contains(code) {
                problems.append(Problem(file: Catalog.questionsFile, path: "$.questions", message: "the region question does not offer '\(code)', which regions.json lists"))
            }
        }
        return problems
    }
}
