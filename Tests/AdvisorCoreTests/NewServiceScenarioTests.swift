import AdvisorCore
import Testing

/// Workloads for the services added in issue 15 part B (OpenSearch, Neptune Analytics,
/// Oracle Database@AWS, S3 Vectors) and the vector and search answers, each with the pick its
/// source leads to. The source of every scenario is the URL in the comment above it.
@Suite struct NewServiceScenarioTests {
    let engine = Engine(catalog: sharedCatalog)

    struct Scenario: CustomTestStringConvertible, Sendable {
        let name: String
        let profile: String
        let expected: String
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        // GraphRAG / knowledge graph: embeddings on vertices searched together with traversals.
        // Neptune Analytics keeps a vector index on the graph (VectorSearchConfiguration); Neptune Database has none.
        // https://docs.aws.amazon.com/neptune-analytics/latest/apiref/API_VectorSearchConfiguration.html
        Scenario(name: "graph with vector search", profile: #"{"data-shape":"graph","features":"vector-search"}"#, expected: "neptune-analytics"),
        // Fraud-ring and collusion detection with centrality and community algorithms over a whole graph.
        // https://docs.aws.amazon.com/neptune-analytics/latest/userguide/algorithms.html
        Scenario(name: "graph algorithms for fraud rings", profile: #"{"data-shape":"graph","role":"analytics","access-patterns":"aggregations,graph-traversal"}"#, expected: "neptune-analytics"),
        // A live application's graph (millisecond traversals, durable writes) stays on Neptune Database.
        // https://docs.aws.amazon.com/neptune-analytics/latest/apiref/Welcome.html
        Scenario(name: "operational graph stays on Neptune Database", profile: #"{"data-shape":"graph","access-patterns":"graph-traversal","role":"primary","latency":"single-digit-ms"}"#, expected: "neptune"),
        // Relevance-ranked search over JSON documents (a catalog search box fed from the store of record).
        // https://docs.aws.amazon.com/opensearch-service/latest/developerguide/configure-client-ddb.html
        Scenario(name: "full-text search over documents", profile: #"{"data-shape":"document","access-patterns":"text-search"}"#, expected: "opensearch"),
        // A dedicated vector workload with thousands of queries per second: AWS points it at OpenSearch, not S3 Vectors.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-best-practices.html
        Scenario(name: "vector search at 5k queries per second", profile: #"{"data-shape":"vector","access-patterns":"similarity-search","throughput":"5k"}"#, expected: "opensearch"),
        // A RAG store queried now and then, cost first: S3 Vectors bills storage and requests only.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-best-practices.html
        Scenario(name: "cheap, rarely queried RAG store", profile: #"{"data-shape":"vector","access-patterns":"similarity-search","latency":"seconds","traffic":"intermittent","cost-priority":"lowest-cost"}"#, expected: "s3-vectors"),
        // A PostgreSQL application that adds semantic search next to its rows, in one transaction, with low latency.
        // https://aws.amazon.com/about-aws/whats-new/2023/10/amazon-aurora-postgresql-pgvector-v0-5-0-hnsw-indexing/
        Scenario(name: "pgvector in a PostgreSQL application", profile: #"{"data-shape":"relational","existing-engine":"postgresql","features":"vector-search","access-patterns":"similarity-search,ad-hoc-queries","latency":"single-digit-ms","consistency":"acid-transactions"}"#, expected: "aurora-postgresql"),
        // Semantic caching and retrieval in microseconds: vector search in ElastiCache for Valkey 8.2 and later.
        // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SelectEngine.html
        Scenario(name: "microsecond vector search", profile: #"{"data-shape":"vector","access-patterns":"similarity-search","latency":"microseconds"}"#, expected: "elasticache-valkey"),
        // A MongoDB application moving to AWS that also searches embeddings ($vectorSearch on DocumentDB 8.0).
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/compatibility.html
        Scenario(name: "MongoDB migration with vector search", profile: #"{"data-shape":"document","existing-engine":"mongodb","project":"migrate","features":"vector-search","access-patterns":"similarity-search,ad-hoc-queries"}"#, expected: "documentdb"),
        // A 300 TB Oracle database: over RDS for Oracle's 256 TiB; Oracle Database@AWS takes Exadata workloads as they are.
        // https://docs.aws.amazon.com/odb/latest/APIReference/Welcome.html
        Scenario(name: "300 TB Oracle migration", profile: #"{"data-shape":"relational","project":"migrate","existing-engine":"oracle","data-size":"300TB","availability":"multi-az"}"#, expected: "oracle-database-at-aws"),
        // A 50 TB Oracle database that relies on RAC, which RDS for Oracle does not offer.
        // https://docs.oracle.com/ja/solutions/cross-zone-dr-db-at-aws/index.html
        Scenario(name: "Oracle migration that needs RAC", profile: #"{"data-shape":"relational","project":"migrate","existing-engine":"oracle","data-size":"50TB","features":"oracle-rac"}"#, expected: "oracle-database-at-aws"),
        // A 5 TB Oracle database without RAC or Exadata needs: RDS for Oracle is the simpler home.
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Oracle.html
        Scenario(name: "ordinary Oracle migration stays on RDS", profile: #"{"data-shape":"relational","project":"migrate","existing-engine":"oracle","data-size":"5TB","availability":"multi-az"}"#, expected: "rds-oracle"),
    ]

    @Test(arguments: scenarios)
    func pick(_ scenario: Scenario) {
        let r = engine.recommend(profile(scenario.profile))
        #expect(r.pick.service.id == scenario.expected, "\(scenario.name): picked \(r.pick.service.id)")
    }

    @Test(arguments: scenarios)
    func everyServiceAppearsExactlyOnce(_ scenario: Scenario) {
        let r = engine.recommend(profile(scenario.profile))
        let ids = [r.pick.service.id] + r.alternatives.map(\.0.service.id) + r.excluded.map(\.service.id)
        #expect(ids.sorted() == sharedCatalog.serviceIDs.sorted())
    }

    @Test func memoryDBWithWritesInSeveralRegionsCannotServeVectors() {
        let r = engine.recommend(profile(#"{"data-shape":"vector","access-patterns":"similarity-search","availability":"multi-region-active"}"#))
        #expect(r.excluded.contains { $0.service.id == "memorydb" && $0.exclusions.contains { $0.rule == "memorydb-multi-region-without-vectors" } })
    }
}
