import AdvisorCore
import Testing

/// AWS DMS (and AWS SCT) appear in a migration plan only for engines DMS reads as a source.
@Suite struct MigrationSourceTests {
    @Test(arguments: [("memcached", "elasticache-memcached"), ("memcached", "elasticache-valkey"), ("redis", "elasticache-valkey"),
                      ("cassandra", "keyspaces"), ("cassandra", "dynamodb"), ("gremlin", "neptune"), ("influxdb", "timestream-influxdb")])
    func noDMSWithoutASourceEndpoint(engine: String, target: String) throws {
        let service = try #require(sharedCatalog.service(target))
        let plan = try #require(sharedCatalog.migrationPlan(for: profile(#"{"project": "migrate", "existing-engine": "\#(engine)"}"#), target: service))
        #expect(plan.tools.isEmpty)
        #expect(plan.modes.isEmpty)
        #expect(plan.recommendedMode == "none")
        #expect(!plan.needsSchemaConversion)
        #expect(!plan.tools.contains { $0.text.contains("DMS") })
    }

    @Test(arguments: [("mysql", "aurora-mysql"), ("oracle", "aurora-postgresql"), ("mongodb", "documentdb")])
    func dmsForItsSources(engine: String, target: String) throws {
        let service = try #require(sharedCatalog.service(target))
        let plan = try #require(sharedCatalog.migrationPlan(for: profile(#"{"project": "migrate", "existing-engine": "\#(engine)"}"#), target: service))
        #expect(plan.tools.contains { $0.id == "dms" })
        #expect(plan.recommendedMode == "full-load-and-cdc")
    }

    @Test func theNativePathIsGiven() throws {
        for (engine, target) in [("memcached", "elasticache-valkey"), ("cassandra", "keyspaces"), ("influxdb", "timestream-influxdb"), ("sparql", "neptune")] {
            let service = try #require(sharedCatalog.service(target))
            let plan = try #require(sharedCatalog.migrationPlan(for: profile(#"{"project": "migrate", "existing-engine": "\#(engine)"}"#), target: service))
            #expect(plan.path != nil, "\(engine) → \(target)")
        }
    }
}
