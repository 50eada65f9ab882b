/// One way data moves from one service to another (catalog/integrations.json).
public struct Integration: Sendable {
    public var id: String
    public var kind: String
    public var from: [String]
    public var to: [String]
    public var text: String
    public var source: String
    public var index: Int

    init(json: JSON, index: Int) {
        id = json["id"]?.stringValue ?? ""
        kind = json["kind"]?.stringValue ?? ""
        from = json["from"]?.arrayValue?.compactMap(\.stringValue) ?? []
        to = json["to"]?.arrayValue?.compactMap(\.stringValue) ?? []
        text = json["text"]?.stringValue ?? ""
        source = json["source"]?.stringValue ?? ""
        self.index = index
    }

    func joins(_ a: String, _ b: String) -> Bool {
        (from.contains("*") || from.contains(a)) && (to.contains("*") || to.contains(b))
    }
}

/// Several workloads of one system: a pick per component, and what joins them.
public struct Stack: Sendable {
    public struct Component: Sendable {
        public var name: String
        public var description: String?
        public var profile: Profile
    }

    public struct Flow: Sendable {
        public var from: String
        public var to: String
        public var description: String?
    }

    public var name: String
    public var components: [Component]
    public var flows: [Flow]
    /// Components that could not be read, by name (or position), with the reason.
    public var errors: [(component: String, message: String)]

    /// Why a flow from a component to itself is refused, by `plan` and by `ask --plan` alike.
    public static func selfFlowMessage(_ name: String) -> String {
        let shown = Sanitize.forTerminal(name)
        return "'\(shown)>\(shown)' is not from>to between two different components"
    }

    /// Reads a stack file. A bad component is reported by name and left out; the rest stand.
    public static func parse(_ json: JSON, catalog: Catalog) -> Result<Stack, ProfileError> {
        guard case .object = json else {
            return .failure(ProfileError(key: "", value: nil, message: "a stack file is a JSON object with \"components\" (and optionally \"name\" and \"flows\")"))
        }
        for (key, _) in json.objectValue ?? [] where !["name", "components", "flows", "description"].contains(key) {
            return .failure(ProfileError(key: key, value: nil, message: "unknown member '\(Sanitize.forTerminal(key))' in the stack file; accepted: name, description, components, flows"))
        }
        guard let items = json["components"]?.arrayValue, !items.isEmpty else {
            return .failure(ProfileError(key: "components", value: nil, message: "the stack file needs a non-empty \"components\" list"))
        }
        var stack = Stack(name: json["name"]?.stringValue ?? "stack", components: [], flows: [], errors: [])
        for (i, item) in items.enumerated() {
            let name = item["name"]?.stringValue ?? "component \(i + 1)"
            guard item["name"]?.stringValue != nil else {
                stack.errors.append((name, "has no \"name\""))
                continue
            }
            if stack.components.contains(where: { $0.name == name }) || stack.errors.contains(where: { $0.component == name }) {
                stack.errors.append((name, "is named twice"))
                continue
            }
            switch catalog.parseProfile(item["profile"] ?? .null) {
            case let .success((profile, _)): stack.components.append(Component(name: name, description: item["description"]?.stringValue, profile: profile))
            case let .failure(error): stack.errors.append((name, error.message))
            }
        }
        for (i, item) in (json["flows"]?.arrayValue ?? []).enumerated() {
            guard let from = item["from"]?.stringValue, let to = item["to"]?.stringValue else {
                stack.errors.append(("flow \(i + 1)", "needs \"from\" and \"to\" component names"))
                continue
            }
            let known = Set(stack.components.map(\.name) + stack.errors.map(\.component))
            if from == to, known.contains(from) {
                stack.errors.append(("flow \(i + 1)", selfFlowMessage(from)))
                continue
            }
            if !known.contains(from) || !known.contains(to) {
                stack.errors.append(("flow \(i + 1)", "names '\(Sanitize.forTerminal(known.contains(from) ? to : from))', which is not a component"))
                continue
            }
            stack.flows.append(Flow(from: from, to: to, description: item["description"]?.stringValue))
        }
        return .success(stack)
    }
}

/// The plan for a stack.
public struct Plan: Sendable {
    public struct Link: Sendable {
        public var from: String
        public var to: String
        public var fromService: String
        public var toService: String
        /// The best way to join them, then the other ways the catalog knows.
        public var ways: [Integration]
    }

    public struct Sharing: Sendable {
        public var components: [String]
        public var service: String
        public var text: String
    }

    public var stack: Stack
    public var recommendations: [(name: String, recommendation: Recommendation)]
    public var links: [Link]
    public var sharing: [Sharing]
}

extension Engine {
    static let linkOrder = ["zero-etl", "stream", "cdc", "export", "cache"]
    /// From how many distinct profiles `plan` writes out the reasons that read no answer up
    /// front: writing them all costs about what 80 profiles' reasons do (README, benchmark).
    static let prerenderFrom = 80

    /// Recommends per component, then joins them along the flows and names where one
    /// service could serve two components.
    public func plan(_ stack: Stack) -> Plan {
        // What-if's candidate values and their classes are worked out once for every
        // component; on a large stack, so are the reasons that read no answer (writing them all
        // out costs about what some tens of components' reasons do). Same results either way.
        // Both pay only across profiles: counted as distinct profiles, since each is recommended once.
        var engine = self
        let distinct = Set(stack.components.map(\.profile)).count
        if distinct >= 2, engine.whatIfTable == nil { engine.prepareWhatIfs() }
        if distinct >= 2, engine.requirementFacts.isEmpty { engine.prepareRequirementFacts() }
        if distinct >= Engine.prerenderFrom, engine.prerendered.isEmpty { engine.prerenderReasons() }
        // Components with the same answers get the same recommendation, worked out once.
        var byProfile: [Profile: Recommendation] = [:]
        let recommendations = stack.components.map { component -> (String, Recommendation) in
            if let known = byProfile[component.profile] { return (component.name, known) }
            let r = engine.recommend(component.profile)
            byProfile[component.profile] = r
            return (component.name, r)
        }
        let pickOf = Dictionary(recommendations.map { ($0.0, $0.1.pick.service.id) }, uniquingKeysWith: { a, _ in a })
        var links: [Plan.Link] = []
        for flow in stack.flows {
            guard let a = pickOf[flow.from], let b = pickOf[flow.to] else { continue }
            // Into a cache the cache's own link comes first; otherwise the tightest integration.
            let toCache = catalog.service(b)?.family == "in-memory"
            let ways = catalog.integrations.filter { $0.joins(a, b) && (toCache || $0.kind != "cache") }
                .sorted { x, y in
                    let rx = toCache && x.kind == "cache" ? -1 : Engine.linkOrder.firstIndex(of: x.kind) ?? 9
                    let ry = toCache && y.kind == "cache" ? -1 : Engine.linkOrder.firstIndex(of: y.kind) ?? 9
                    return rx != ry ? rx < ry : x.id < y.id
                }
            links.append(Plan.Link(from: flow.from, to: flow.to, fromService: a, toService: b, ways: ways))
        }
        var sharing: [Plan.Sharing] = []
        var byService: [String: [String]] = [:]
        for (name, r) in recommendations { byService[r.pick.service.id, default: []].append(name) }
        for (service, names) in byService.sorted(by: { $0.key < $1.key }) where names.count > 1 {
            sharing.append(Plan.Sharing(components: names, service: service,
                text: "\(names.joined(separator: " and ")) share \(catalog.service(service)?.name ?? service): run it once with one schema or table per component, or once per component to keep their capacity and failures apart."))
        }
        // Where a component's runner-up is another component's pick and close behind, one
        // service could serve both: fewer moving parts, at the cost of the points it gives up.
        // Per component, only the first other component with each pick can add a line: a later
        // one with the same pick finds the same alternative, and a line already added for it.
        let picks = recommendations.map { $0.1.pick.service.id }
        let pickNumber = Dictionary(picks.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let pickOfComponent = picks.map { pickNumber[$0]! }
        let names = recommendations.map(\.0)
        var judged = [Bool](repeating: false, count: picks.count)
        for (k, (name, r)) in recommendations.enumerated() {
            for j in judged.indices { judged[j] = false }
            for j in names.indices {
                let p = pickOfComponent[j]
                if p == pickOfComponent[k] || judged[p] || names[j] == name { continue }
                judged[p] = true
                let other = names[j], otherPick = picks[j]
                guard let alt = r.alternatives.first(where: { $0.0.service.id == otherPick }), r.pick.score - alt.0.score <= 15 else { continue }
                if sharing.contains(where: { $0.service == otherPick && $0.components.contains(name) }) { continue }
                sharing.append(Plan.Sharing(components: [name, other], service: otherPick,
                    text: "\(name) could also run on \(catalog.service(otherPick)?.name ?? otherPick), which \(other) already uses: one service fewer to run and secure, for \(JSON.format(number: r.pick.score - alt.0.score)) points less fit (\(JSON.format(number: alt.0.score)) against \(JSON.format(number: r.pick.score)))."))
            }
        }
        return Plan(stack: stack, recommendations: recommendations, links: links, sharing: sharing)
    }
}
