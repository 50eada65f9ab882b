import AdvisorCore
import Foundation
import Testing

/// The ids PRODUCT.md fixes; the catalog may hold more, never fewer.
let fixedServiceIDs = [
    "rds-mysql", "rds-postgresql", "rds-mariadb", "rds-oracle", "rds-sqlserver", "rds-db2", "aurora-mysql",
    "aurora-postgresql", "aurora-dsql", "dynamodb", "elasticache-valkey", "elasticache-redis", "elasticache-memcached",
    "memorydb", "redshift", "documentdb", "neptune", "qldb", "timestream-liveanalytics", "timestream-influxdb",
    "keyspaces", "athena",
]

@Suite struct CatalogTests {
    @Test func bundledCatalogLoads() {
        #expect(sharedCatalog.services.count >= 22)
        // The version is a date no fact postdates: every page it cites was read by then.
        #expect(sharedCatalog.version.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil)
        let late = sharedCatalog.services.flatMap { s in s.facts.filter { $0.asOf > sharedCatalog.version }.map { "\(s.id).\($0.kind) \($0.asOf)" } }
        #expect(late.isEmpty, "facts dated after the catalog version \(sharedCatalog.version): \(late)")
    }

    @Test(arguments: fixedServiceIDs)
    func everyFixedServiceIsPresent(id: String) {
        #expect(sharedCatalog.service(id) != nil)
    }

    @Test func everyFactHasAnHTTPSSourceAndADate() {
        for service in sharedCatalog.services {
            for entry in service.sourcedEntries {
                #expect(entry.source.hasPrefix("https://"), "\(service.file) \(entry.path)")
                #expect(entry.asOf.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil, "\(service.file) \(entry.path)")
            }
        }
    }

    @Test func lifecycleFactsMatchAWS() {
        let qldb = sharedCatalog.service("qldb")!.lifecycle
        #expect(qldb.status == "end-of-support" && qldb.since == "2025-07-31" && qldb.successor == "aurora-postgresql")
        let live = sharedCatalog.service("timestream-liveanalytics")!.lifecycle
        #expect(live.status == "closed-to-new-customers" && live.since == "2025-06-20")
    }

    @Test func everyQuestionKeyOfTheContractExists() {
        let keys = ["data-shape", "latency", "consistency", "data-size", "throughput", "access-patterns", "role", "project", "stage",
                    "traffic", "availability", "existing-engine", "ops", "max-item-size", "features", "cost-priority"]
        // PRODUCT.md's keys come first, in its order; sizing keys (item-size, read-share) follow.
        #expect(Array(sharedCatalog.questions.map(\.key).prefix(keys.count)) == keys)
        #expect(sharedCatalog.questions.filter(\.isCore).map(\.key) == Array(keys.prefix(6)))
    }
}

/// A copy of the catalog in a temporary directory, changed by `edit`, then loaded.
func loadMutated(_ edit: (URL) throws -> Void) throws -> Result<Catalog, CatalogError> {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-test-\(UUID().uuidString)")
    try FileManager.default.copyItem(atPath: catalogDirectory, toPath: dir.path)
    defer { try? FileManager.default.removeItem(at: dir) }
    try edit(dir)
    do { return .success(try loadCatalog(directory: dir.path)) } catch let error as CatalogError { return .failure(error) }
}

func rewrite(_ url: URL, _ change: (inout String) -> Void) throws {
    var text = try String(contentsOf: url, encoding: .utf8)
    change(&text)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

@Suite struct InvalidCatalogTests {
    func expectProblem(_ result: Result<Catalog, CatalogError>, file: String, path: String, containing fragment: String) {
        guard case let .failure(error) = result else { Issue.record("the broken catalog was accepted"); return }
        #expect(error.problems.contains { $0.file == file && $0.path.hasPrefix(path) && $0.message.contains(fragment) },
                "problems: \(error.problems.map(\.description))")
    }

    @Test func missingRequiredFieldIsReported() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("services/dynamodb.json")) { $0 = $0.replacingOccurrences(of: "\"family\": \"key-value\",", with: "") }
        }
        expectProblem(result, file: "services/dynamodb.json", path: "$", containing: "'family' is missing")
    }

    @Test func wrongTypeIsReported() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("services/memorydb.json")) { $0 = $0.replacingOccurrences(of: "\"value\": 99.99", with: "\"value\": \"99.99\"") }
        }
        expectProblem(result, file: "services/memorydb.json", path: "$.facts.sla.value", containing: "expected number")
    }

    @Test func missingSourceIsReported() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("services/neptune.json")) {
                $0 = $0.replacingOccurrences(of: "\"source\": \"https://docs.aws.amazon.com/neptune/latest/userguide/feature-overview-storage.html\",", with: "")
            }
        }
        expectProblem(result, file: "services/neptune.json", path: "$.facts", containing: "'source' is missing")
    }

    @Test func httpSourceIsRefused() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("services/athena.json")) { $0 = $0.replacingOccurrences(of: "https://docs.aws.amazon.com/athena/latest/ug/service-limits.html", with: "http://example.com") }
        }
        expectProblem(result, file: "services/athena.json", path: "$.facts", containing: "does not match the pattern")
    }

    @Test func unknownServiceReferenceIsReported() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("rules/routing.json")) { $0 = $0.replacingOccurrences(of: "\"elasticache-memcached\"", with: "\"elasticache-memcache\"") }
        }
        expectProblem(result, file: "rules/routing.json", path: "$.rules[", containing: "'elasticache-memcache', which the catalog does not have")
    }

    @Test func missingServiceFileIsReported() throws {
        let result = try loadMutated { dir in try FileManager.default.removeItem(at: dir.appendingPathComponent("services/keyspaces.json")) }
        expectProblem(result, file: "catalog.json", path: "$.services", containing: "services/keyspaces.json is missing")
    }

    @Test func unknownMemberIsReportedWithSuggestion() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("services/redshift.json")) { $0 = $0.replacingOccurrences(of: "\"summary\":", with: "\"sumary\": \"x\", \"summary\":") }
        }
        expectProblem(result, file: "services/redshift.json", path: "$", containing: "did you mean 'summary'")
    }

    @Test func aQuestionKeyUsedTwiceIsRefused() throws {
        // A profile holds one answer a key; two questions of one key would be asked and swept apart.
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("questions.json")) { $0 = $0.replacingOccurrences(of: "\"key\": \"consistency\"", with: "\"key\": \"latency\"") }
        }
        expectProblem(result, file: "questions.json", path: "$.questions[", containing: "the question key 'latency' is used twice")
    }

    @Test func theEnginesLowestCostRuleIdIsReserved() throws {
        let result = try loadMutated { dir in
            try rewrite(dir.appendingPathComponent("rules/routing.json")) { $0 = $0.replacingOccurrences(of: "\"id\": \"cache-role-in-memory\"", with: "\"id\": \"cheapest-estimate\"") }
        }
        expectProblem(result, file: "rules/routing.json", path: "$.rules[", containing: "reserved for the engine's lowest-cost finding")
    }

    @Test func malformedJSONIsReported() throws {
        let result = try loadMutated { dir in try "{ \"topic\": ".write(to: dir.appendingPathComponent("rules/limits.json"), atomically: true, encoding: .utf8) }
        expectProblem(result, file: "rules/limits.json", path: "$", containing: "not valid JSON")
    }
}
