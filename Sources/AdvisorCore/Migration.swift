/// One sourced statement of the migration guide (catalog/migration.json).
public struct GuideEntry: Sendable {
    public var id: String
    public var text: String
    public var source: String
}

/// How an existing engine moves onto the recommended service.
public struct MigrationPlan: Sendable {
    public var engine: String
    public var target: Service
    /// "homogeneous" (same engine) or "heterogeneous" (the engine changes).
    public var kind: String
    /// The target's own path from this engine, when the catalog has one.
    public var path: (text: String, tools: [String], source: String)?
    /// What the target speaks of the source engine (versions, protocol), with its source.
    public var compatibility: (text: String, source: String)?
    public var needsSchemaConversion: Bool
    /// A `dmsModes` id, or "none" when AWS DMS has no source endpoint for the engine.
    public var recommendedMode: String
    public var modes: [GuideEntry]
    public var tools: [GuideEntry]
    public var managedForYou: [GuideEntry]
    public var applicationChanges: [GuideEntry]
}

extension Catalog {

    /// The path from the profile's existing engine to `target`; nil without an existing engine.
    public func migrationPlan(for profile: Profile, target: Service) -> MigrationPlan? {
        guard case let .choice(engine)? = profile["existing-engine"], engine != "none" else { return nil }
        // A new application has nothing to move; its engine answer is familiarity only.
        if case .choice("new")? = profile["project"] { return nil }
        let guide = migrationGuide
        let same = target.fact("engineCompatibility")?.strings.contains(engine) ?? false
        let entry = (target.lists.first { $0.0 == "migrationPaths" }?.1 ?? []).first { item in
            item["from"]?.arrayValue?.contains(.string(engine)) ?? false
        }
        let path = entry.map { (text: $0["text"]?.stringValue ?? "", tools: $0["tools"]?.arrayValue?.compactMap(\.stringValue) ?? [], source: $0["source"]?.stringValue ?? "") }
        let targetIsRelational = target.family == "relational"
        let conversion = !same && (engineFamily(engine) == "relational") && targetIsRelational
        let mode: String
        // AWS DMS and AWS SCT only where DMS has a source endpoint for the engine; when the guide lists
        // its DMS sources and this engine is not among them, the target's own path (above) is the plan.
        let dmsReads = guide["dmsSources"].map { $0.contains { $0.id == engine } } ?? true
        if !dmsReads { mode = "none" } else if case .choice("prototype")? = profile["stage"] { mode = "full-load" } else { mode = "full-load-and-cdc" }
        var tools = dmsReads ? (guide["dms"] ?? []) : []
        if conversion && dmsReads { tools = (guide["sct"] ?? []) + tools }
        var changes = same ? (guide["homogeneousChanges"] ?? []) : (guide["heterogeneousChanges"] ?? [])
        if !same {
            // A data-model redesign applies only when leaving the relational model behind.
            let leavesRelational = (engineFamily(engine) == "relational") && !targetIsRelational
            changes = changes.filter { $0.id != "redesign" || leavesRelational }
            if !conversion { changes = changes.filter { $0.id != "code" } }
            // Rewriting SQL dialect applies only when the source speaks SQL.
            if !(engineFamily(engine) == "relational") { changes = changes.filter { $0.id != "dialect" } }
        }
        return MigrationPlan(
            engine: engine, target: target, kind: same ? "homogeneous" : "heterogeneous", path: path,
            compatibility: target.fact("interfaces").map { (text: $0.text, source: $0.source) },
            needsSchemaConversion: conversion && dmsReads, recommendedMode: mode, modes: dmsReads ? (guide["dmsModes"] ?? []) : [],
            tools: tools, managedForYou: guide["managedForYou"] ?? [], applicationChanges: changes
        )
    }
}
