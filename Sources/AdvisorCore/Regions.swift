/// Where services are offered (catalog/regions.json): the commercial Regions, and per service
/// the Regions a source lists, with how sure that list is.
public struct RegionTable: Sendable {
    public struct Region: Sendable {
        public var code: String
        public var name: String
        public var source: String
        public var asOf: String
    }

    public struct Offering: Sendable {
        public var service: String
        public var regions: Set<String>
        /// stated, inferred or unconfirmed: only a stated list rules a service out.
        public var confidence: String
        public var source: String
        public var asOf: String
        public var note: String?
    }

    public var regions: [Region] = []
    public var offerings: [String: Offering] = [:]

    public init() {}

    init(json: JSON) {
        regions = (json["regions"]?.arrayValue ?? []).map {
            Region(code: $0["code"]?.stringValue ?? "", name: $0["name"]?.stringValue ?? "", source: $0["source"]?.stringValue ?? "", asOf: $0["asOf"]?.stringValue ?? "")
        }
        for o in json["services"]?.arrayValue ?? [] {
            let id = o["service"]?.stringValue ?? ""
            offerings[id] = Offering(service: id, regions: Set(o["regions"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                                     confidence: o["confidence"]?.stringValue ?? "", source: o["source"]?.stringValue ?? "",
                                     asOf: o["asOf"]?.stringValue ?? "", note: o["note"]?.stringValue)
        }
    }

    public func region(_ code: String) -> Region? { regions.first { $0.code == code } }

    /// The stated offering that leaves `service` out of `region`, if any.
    public func notOffered(_ service: String, in region: String) -> Offering? {
        guard let o = offerings[service], o.confidence == "stated", !o.regions.contains(region) else { return nil }
        return o
    }
}

extension Catalog {
    public static let regionsFile = "regions.json"

    /// Offerings naming an unknown service or Region.
    func regionProblems() -> [Problem] {
        var problems: [Problem] = []
        let ids = Set(serviceIDs).union(declaredServiceIDs)
        let codes = Set(regionTable.regions.map(\.code))
        for (id, o) in regionTable.offerings.sorted(by: { $0.key < $1.key }) {
            if !ids.contains(id) {
                problems.append(Problem(file: Catalog.regionsFile, path: "$.services", message: "names the service '\(id)', which the catalog does not have"))
            }
            for code in o.regions.sorted() where !codes.contains(code) {
                problems.append(Problem(file: Catalog.regionsFile, path: "$.services", message: "lists '\(code)' for \(id), which is not in $.regions"))
            }
        }
        if let q = question("region") {
            for v in q.valueNames where !codes.contains(v) {
                problems.append(Problem(file: Catalog.questionsFile, path: "$.questions", message: "the region question offers '\(v)', which regions.json does not list"))
            }
        }
        return problems
    }
}

extension Engine {
    public static let regionRule = "region-not-offered"

    /// With a `region` answer: a service whose stated Region list leaves it out is ruled out,
    /// citing the list.
    func excludeByRegion(_ all: [Assessment], profile: Profile) -> [Assessment] {
        guard case let .choice(region)? = profile["region"] else { return all }
        let name = catalog.regionTable.region(region)?.name ?? region
        return all.map { a in
            guard let o = catalog.regionTable.notOffered(a.service.id, in: region) else { return a }
            var a = a
            a.exclusions.append(Finding(rule: Engine.regionRule,
                                        text: o.regions.isEmpty
                                            ? "\(a.service.name) is not offered in any Region for new workloads (as of \(o.asOf))."
                                            : "\(a.service.name) is not offered in \(region) (\(name)): AWS lists it in \(o.regions.count) Region\(o.regions.count == 1 ? "" : "s"), not this one (as of \(o.asOf)).",
                                        source: o.source, weight: 0))
            return a
        }
    }
}
