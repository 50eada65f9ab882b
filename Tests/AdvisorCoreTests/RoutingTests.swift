import AdvisorCore
import Testing

/// Issue 14, routing: picks a database architect would sign, from rules that are true in general.
@Suite struct RoutingTests {
    let engine = Engine(catalog: sharedCatalog)

    func pick(_ json: String) -> Recommendation { engine.recommend(profile(json)) }
    func fired(_ r: Recommendation, _ rule: String) -> Bool { r.pick.scoreFindings.contains { $0.rule == rule } }
    func configured(_ r: Recommendation, _ rule: String) -> Bool { r.pick.configuration.contains { $0.rule == rule } }

    @Test func defaultsFireOnlyOnTheirPremise() {
        let empty = pick("{}")
        #expect(!fired(empty, "new-relational-starts-on-dsql"))
        let mysqlRefactor = pick(#"{"existing-engine":"mysql","project":"refactor"}"#)
        #expect(!fired(mysqlRefactor, "refactor-default-aurora-postgresql"))
        let oracleRefactor = pick(#"{"existing-engine":"oracle","project":"refactor"}"#)
        #expect(oracleRefactor.pick.service.id == "aurora-postgresql" && fired(oracleRefactor, "refactor-default-aurora-postgresql"))
        let relational = pick(#"{"data-shape":"relational"}"#)
        #expect(relational.pick.service.id == "aurora-dsql" && fired(relational, "new-relational-starts-on-dsql"))
    }

    @Test func aCacheIsAnsweredByAnInMemoryService() {
        for shape in ["relational", "document", "graph", "key-value"] {
            let r = pick(#"{"data-shape":"\#(shape)","role":"cache"}"#)
            #expect(r.pick.service.family == "in-memory", "\(shape): \(r.pick.service.id)")
        }
    }

    @Test func largeRelationalDataGoesToAuroraPostgreSQLNotACommercialEngine() {
        for size in ["130TB", "2PB"] {
            let r = pick(#"{"data-shape":"relational","data-size":"\#(size)"}"#)
            #expect(r.pick.service.id == "aurora-postgresql", "\(size): \(r.pick.service.id)")
            #expect(configured(r, "configure-aurora-limitless"))
        }
    }

    @Test func microsecondsOverTerabytesNamesACacheInFront() {
        let r = pick(#"{"latency":"microseconds","data-size":"100TB","access-patterns":"ad-hoc-queries,aggregations,key-range"}"#)
        #expect(configured(r, "configure-cache-in-front"))
        #expect(r.warnings.contains { $0.text.contains("Microsecond reads over 100TB") })
    }

    @Test func keyAccessAtHighRatesGoesToDynamoDB() {
        let r = pick(#"{"existing-engine":"oracle","project":"refactor","access-patterns":"key-lookup","throughput":"58k"}"#)
        #expect(r.pick.service.id == "dynamodb")
        let aurora = r.alternatives.first { $0.0.service.id == "aurora-postgresql" }
        #expect(aurora?.0.scoreFindings.contains { $0.rule == "high-throughput-aurora-single-writer" } == true)
    }

    @Test func everyActiveActiveServiceIsCredited() {
        let r = pick(#"{"availability":"multi-region-active"}"#)
        let credited = ([r.pick] + r.alternatives.map(\.0)).filter { $0.scoreFindings.contains { $0.rule == "multi-region-active-writes" } }
        #expect(Set(credited.map(\.service.id)) == ["aurora-dsql", "dynamodb", "keyspaces", "memorydb"])
        let dynamo = pick(#"{"data-shape":"key-value","availability":"multi-region-active","consistency":"acid-transactions"}"#)
        #expect(dynamo.pick.service.id == "dynamodb" && configured(dynamo, "configure-dynamodb-global-transactions"))
    }

    @Test func anInMemorySystemOfRecordIsDurable() {
        let r = pick(#"{"data-shape":"key-value","latency":"microseconds","role":"primary","availability":"multi-az"}"#)
        #expect(r.pick.service.id == "memorydb")
        #expect(!r.alternatives.contains { $0.0.scoreFindings.contains { $0.rule == "durable-primary-in-memory" } })
        let dynamo = pick(#"{"data-shape":"key-value","latency":"microseconds","throughput":"200k"}"#)
        #expect(dynamo.pick.service.id == "dynamodb" && configured(dynamo, "configure-dax"))
    }

    @Test func sqlServerToAuroraPostgreSQLNamesBabelfish() {
        let r = pick(#"{"existing-engine":"sqlserver","project":"refactor"}"#)
        #expect(r.pick.service.id == "aurora-postgresql" && configured(r, "configure-babelfish-sqlserver"))
    }

    @Test(arguments: [("mysql", "aurora-mysql"), ("postgresql", "aurora-postgresql"), ("oracle", "rds-oracle"),
                      ("sqlserver", "rds-sqlserver"), ("mongodb", "documentdb"), ("cassandra", "keyspaces")])
    func aMigrationKeepsTheEngineARefactorLeavesIt(engine name: String, service: String) {
        #expect(pick(#"{"existing-engine":"\#(name)","project":"migrate"}"#).pick.service.id == service)
        let refactor = pick(#"{"existing-engine":"\#(name)","project":"refactor"}"#)
        #expect(refactor.pick.service.id != service)
    }

    @Test(arguments: [
        #"{"data-shape":"key-value","latency":"single-digit-ms","throughput":"100k"}"#,
        #"{"data-shape":"key-value","ops":"serverless","traffic":"spiky"}"#,
        #"{"access-patterns":"key-lookup,key-range","traffic":"spiky","ops":"serverless"}"#,
        #"{"data-shape":"document","access-patterns":"key-lookup","throughput":"30k"}"#,
        #"{"data-shape":"key-value","data-size":"50TB","throughput":"1M","latency":"single-digit-ms"}"#,
        #"{"data-shape":"key-value","traffic":"intermittent"}"#,
    ])
    func typicalDynamoDBProfilesGoToDynamoDB(json: String) {
        #expect(pick(json).pick.service.id == "dynamodb")
    }
}
