import AdvisorCLI
import AdvisorCore
import BundledCatalog
import Foundation
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs the CLI in-process with captured streams.
final class Capture: @unchecked Sendable {
    var out = ""
    var err = ""
    let lock = NSLock()
}

func runCLI(_ args: [String], stdin: String = "", env: [String: String] = [:]) -> (status: Int32, out: String, err: String) {
    let capture = Capture()
    let io = IO(
        writeOut: { text in capture.lock.withLock { capture.out += text } },
        writeErr: { text in capture.lock.withLock { capture.err += text } },
        readStdin: { Array(stdin.utf8) },
        environment: env, stdoutIsTerminal: false, stderrIsTerminal: false, stdinIsTerminal: false, terminalWidth: nil
    )
    let status = CLI.run(args, io: io)
    return (status, capture.out, capture.err)
}

@Suite struct BundleTests {
    /// The embedded copy is generated at build time (minified); this proves every file holds the
    /// same JSON as catalog/, member order included.
    @Test func embeddedCatalogEqualsTheCatalogDirectory() throws {
        let root = packageRoot.appendingPathComponent("catalog")
        var onDisk: [String: [UInt8]] = [:]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            onDisk[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))] = Array(try Data(contentsOf: url))
        }
        let embedded = BundledCatalog.files()
        #expect(Set(embedded.keys) == Set(onDisk.keys))
        for (path, data) in onDisk {
            let embeddedJSON = try embedded[path].map { try JSONParser.parse($0) }
            #expect(embeddedJSON == (try JSONParser.parse(data)), "\(path) differs from the embedded copy")
            #expect(embedded[path].map { $0.count < data.count } == true, "\(path) is not embedded minified")
        }
    }
}

@Suite struct EnvironmentTests {
    /// The variables read at start are exactly those `help environment` documents.
    @Test func readVariablesAreTheDocumentedOnes() {
        let r = runCLI(["help", "environment"])
        let documented = r.out.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let name = line.split(separator: " ").first, name.allSatisfy({ $0.isUppercase || $0 == "_" }) else { return nil }
            return String(name)
        }
        #expect(Set(documented) == Set(readEnvironmentVariables))
    }
}

@Suite struct CLITests {
    @Test func servicesJSONListsEveryFixedID() throws {
        let r = runCLI(["services", "--format", "json"])
        #expect(r.status == 0)
        let json = try JSONParser.parse(r.out)
        let ids = json["services"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.count == 26)
        for item in json["services"]?.arrayValue ?? [] {
            #expect(item["lifecycle"]?["status"]?.stringValue != nil)
            #expect(item["sources"]?.arrayValue?.first?.stringValue?.hasPrefix("https://") == true)
        }
    }

    @Test func showQLDBGivesEndOfSupportAndSuccessor() {
        let r = runCLI(["show", "qldb"])
        #expect(r.status == 0)
        #expect(r.out.contains("2025-07-31") && r.out.contains("Aurora PostgreSQL"))
    }

    @Test func showTimestreamLiveAnalyticsIsClosed() {
        let r = runCLI(["show", "timestream-liveanalytics"])
        #expect(r.out.contains("closed-to-new-customers since 2025-06-20"))
    }

    @Test func compareAlignsFacts() throws {
        let r = runCLI(["compare", "dynamodb", "keyspaces", "--format", "json"])
        #expect(r.status == 0)
        let json = try JSONParser.parse(r.out)
        let maxItem = json["facts"]?.arrayValue?.first { $0["fact"]?.stringValue == "maxItemSize" }
        #expect(maxItem?["differs"] == .bool(true))
    }

    @Test(arguments: [
        (["bogus"], Int32(64), "Unknown command 'bogus'"),
        (["servics"], 64, "Did you mean 'services'?"),
        (["show"], 64, "Missing expected argument"),
        (["show", "dynamo"], 64, "Did you mean 'dynamodb'?"),
        (["compare", "dynamodb"], 64, "at least two"),
        (["services", "--format", "yaml"], 64, "Please provide one of 'text' or 'json'."),
        (["recommend", "--data-shap", "relational"], 64, "Did you mean '--data-shape'?"),
        (["recommend", "--data-shape", "relatonal"], 64, "did you mean 'relational'?"),
        (["recommend", "--data-size", "-5GB"], 64, "must be greater than zero"),
        (["recommend", "--data-size", "99999999999999999999PB"], 64, "larger than"),
        (["recommend", "--throughput", "1e400"], 64, "not a number"),
        (["recommend", "--access-patterns", "key-lookup,joins"], 64, "accepted: key-lookup"),
        (["recommend", "--latency"], 64, "Missing value for '--latency"),
        (["recommend", "--answers", "/nonexistent/answers.json"], 66, "does not exist"),
        (["recommend", "--answers", "/"], 66, "is a directory"),
        (["services", "--catalog", "/nonexistent"], 65, "is not a directory"),
    ])
    func badInputIsRefusedWithNothingOnStdout(args: [String], status: Int32, fragment: String) {
        let r = runCLI(args)
        #expect(r.status == status, "\(r.err)")
        #expect(r.err.contains(fragment), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test(arguments: [
        ("", "empty"), ("   ", "empty"), ("[1]", "expected a JSON object"), ("42", "expected a JSON object"),
        (#"{"data-shape": 3}"#, "expected a string"), (#"{"data-shape":"relational","data-shape":"graph"}"#, "duplicate"),
        (#"{"colour": "red"}"#, "unknown key 'colour'"), (#"{"latency": "fast"}"#, "accepted: microseconds"),
        (#"{"data-shape": "\u001b[31mred"}"#, "\\u{1b}[31mred"), ("{\"a\":", "not valid JSON"),
    ])
    func badAnswersAreRefusedAsDataErrors(stdin: String, fragment: String) {
        let r = runCLI(["recommend", "--answers", "-", "--format", "json"], stdin: stdin)
        #expect(r.status == 65, "\(r.err)")
        #expect(r.err.contains(fragment), "\(r.err)")
        #expect(!r.err.contains("\u{1B}"))
        #expect(r.out.isEmpty)
    }

    @Test func flagsOverrideTheAnswersFile() throws {
        let r = runCLI(["recommend", "--answers", "-", "--data-shape", "graph", "--format", "json"], stdin: #"{"data-shape":"relational","latency":"tens-of-ms"}"#)
        #expect(r.status == 0)
        let json = try JSONParser.parse(r.out)
        #expect(json["profile"]?["data-shape"]?.stringValue == "graph")
        #expect(json["profile"]?["latency"]?.stringValue == "tens-of-ms")
        #expect(json["recommendation"]?["service"]?.stringValue == "neptune")
    }

    @Test func jsonFollowsTheContractAndIsByteIdentical() throws {
        let args = ["recommend", "--data-shape", "key-value", "--throughput", "200k", "--format", "json"]
        let a = runCLI(args), b = runCLI(args)
        #expect(a.out == b.out)
        let json = try JSONParser.parse(a.out)
        #expect(json.objectValue?.prefix(8).map(\.0) == ["schemaVersion", "catalogVersion", "profile", "recommendation", "alternatives", "excluded", "warnings", "whatIf"])
        #expect(json["recommendation"]?.objectValue?.prefix(6).map(\.0) == ["service", "name", "score", "confidence", "configuration", "reasons"])
        let ids = [json["recommendation"]?["service"]?.stringValue].compactMap { $0 }
            + (json["alternatives"]?.arrayValue ?? []).compactMap { $0["service"]?.stringValue }
            + (json["excluded"]?.arrayValue ?? []).compactMap { $0["service"]?.stringValue }
        #expect(ids.sorted() == fixedIDs.sorted())
    }

    @Test func helpIsGeneratedForEveryCommand() {
        // Every subcommand the top-level help lists has generated help of its own.
        let top = runCLI(["--help"]).out
        let listed = top.components(separatedBy: "SUBCOMMANDS:\n")[1].components(separatedBy: "\n\n")[0]
            .split(separator: "\n").compactMap { line -> String? in
                line.hasPrefix("  ") && line.dropFirst(2).first != " " ? String(line.dropFirst(2).split(separator: " ").first ?? "") : nil
            }
        #expect(Set(listed).isSuperset(of: ["ask", "recommend", "why", "batch", "lint", "services", "show", "compare", "questions", "schema", "completion", "man"]))
        for command in listed {
            let r = runCLI([command, "--help"])
            #expect(r.status == 0)
            #expect(r.out.hasPrefix("OVERVIEW:") && r.out.contains("USAGE:") && r.out.contains("OPTIONS:"), "\(command)")
            #expect(runCLI(["help", command]).out == r.out)
        }
        #expect(runCLI(["recommend", "--help"]).out.contains("--data-shape <value>"))
        #expect(runCLI(["--help"]).out.contains("SUBCOMMANDS:"))
        // No arguments and no terminal: usage on stderr, exit 64, never a prompt.
        let bare = runCLI([])
        #expect(bare.status == 64 && bare.out.isEmpty && bare.err.contains("Usage: dbadvisor"))
    }

    @Test func whyExplainsRuleByRule() {
        let r = runCLI(["why", "dynamodb", "--data-shape", "document", "--max-item-size", "2MB"])
        #expect(r.status == 0)
        #expect(r.out.contains("400KB") && r.out.contains("developerguide/Constraints.html"))
        let dsql = runCLI(["why", "aurora-dsql", "--data-shape", "relational", "--features", "extensions"])
        #expect(dsql.out.contains("lacks extensions") && dsql.out.contains("leave --features unanswered"))
        #expect(runCLI(["why", "dynamo"]).status == 64)
    }

    @Test func savedPickIsRechecked() {
        let saved = #"{"data-shape":"relational","_dbadvisor":{"catalogVersion":"2025-01-01","recommendation":"rds-postgresql"}}"#
        let r = runCLI(["recommend", "--answers", "-", "--format", "json"], stdin: saved)
        #expect(r.status == 0)
        #expect(r.out.contains("The pick has changed since these answers were saved: it was rds-postgresql"))
        let same = runCLI(["recommend", "--answers", "-"], stdin: #"{"data-shape":"graph","_dbadvisor":{"catalogVersion":"\#(CLIRegionCatalog.catalog.version)","recommendation":"neptune"}}"#)
        #expect(!same.out.contains("The pick has changed"))
    }

    @Test(arguments: [
        ["--data-shape", "relational", "--existing-engine", "oracle", "--project", "refactor"],
        ["--data-shape", "key-value", "--throughput", "500k", "--availability", "multi-region-active"],
        ["--data-shape", "ledger", "--consistency", "verifiable-history"],
    ])
    func markdownRecordHasEverySection(args: [String]) {
        let r = runCLI(["recommend", "--format", "markdown"] + args)
        #expect(r.status == 0)
        for heading in ["# Decision record: ", "## Context", "## Decision", "## Alternatives considered", "## Consequences", "## What would change this decision", "## Sources"] {
            #expect(r.out.contains(heading), "\(heading)")
        }
        #expect(r.out.contains("catalog \(CLIRegionCatalog.catalog.version)"))
        // Every citation number points at a listed source.
        let cited = Set(r.out.matches(of: /\[(\d+)\]/).map { Int($0.1)! })
        let listed = r.out.components(separatedBy: "## Sources")[1].split(separator: "\n").filter { $0.first?.isNumber == true }.count
        #expect(cited.allSatisfy { $0 >= 1 && $0 <= listed })
    }

    @Test func versionNamesTheCatalog() {
        let r = runCLI(["--version"])
        #expect(r.status == 0 && r.out.contains("catalog \(CLIRegionCatalog.catalog.version)"))
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        #expect(!runCLI(["services"]).out.contains("\u{1B}"))
    }
}

let fixedIDs = [
    "rds-mysql", "rds-postgresql", "rds-mariadb", "rds-oracle", "rds-sqlserver", "rds-db2", "aurora-mysql",
    "aurora-postgresql", "aurora-dsql", "dynamodb", "elasticache-valkey", "elasticache-redis", "elasticache-memcached",
    "memorydb", "redshift", "documentdb", "neptune", "qldb", "timestream-liveanalytics", "timestream-influxdb",
    "keyspaces", "athena", "opensearch", "neptune-analytics", "oracle-database-at-aws", "s3-vectors",
]

@Suite struct OutputSchemaTests {
    static let scenarioProfiles: [String] = {
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/scenarios/seeds.jsonl").path
        let own = [#"{"data-shape":"relational"}"#, #"{"data-shape":"graph","features":"stored-procedures"}"#, #"{"data-shape":"key-value","throughput":"10k","read-share":"80%","item-size":"4KB"}"#]
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return own }
        return own + text.split(separator: "\n").compactMap { (try? JSONParser.parse(String($0)))?["profile"]?.compactText() }
    }()

    @Test(arguments: scenarioProfiles)
    func recommendationOutputMatchesTheSchema(profile: String) throws {
        let schema = try JSONParser.parse(runCLI(["schema", "recommendation"]).out)
        var validator = SchemaValidator(schema: schema)
        let r = runCLI(["recommend", "--answers", "-", "--format", "json"], stdin: profile)
        #expect(r.status == 0)
        let problems = validator.validate(try JSONParser.parse(r.out), file: "output")
        #expect(problems.isEmpty, "\(problems)")
        // And the profile itself is a valid answers file.
        var answers = SchemaValidator(schema: try JSONParser.parse(runCLI(["schema", "answers"]).out))
        #expect(answers.validate(try JSONParser.parse(profile), file: "answers").isEmpty)
    }

    @Test func answersSchemaRefusesWhatRecommendRefuses() throws {
        var answers = SchemaValidator(schema: try JSONParser.parse(runCLI(["schema", "answers"]).out))
        #expect(!answers.validate(try JSONParser.parse(#"{"colour":"red"}"#), file: "a").isEmpty)
        #expect(!answers.validate(try JSONParser.parse(#"{"latency":"fast"}"#), file: "a").isEmpty)
        #expect(answers.validate(try JSONParser.parse(#"{"access-patterns":["key-lookup","key-range"],"latency":null}"#), file: "a").isEmpty)
    }
}

@Suite struct PricesCommandTests {
    @Test func listsOneServicesPricesWithSources() throws {
        let r = runCLI(["prices", "dynamodb", "--format", "json"])
        #expect(r.status == 0)
        let prices = try JSONParser.parse(r.out)["prices"]?.arrayValue ?? []
        #expect(prices.count >= 5)
        for p in prices {
            #expect(p["service"]?.stringValue == "dynamodb")
            #expect(p["usd"]?.numberValue != nil && p["region"]?.stringValue == "us-east-1")
            #expect(p["source"]?.stringValue?.hasPrefix("https://") == true && p["asOf"]?.stringValue != nil)
        }
    }

    @Test func textTableAndUnknownService() {
        let r = runCLI(["prices", "--region", "us-east-1"])
        #expect(r.status == 0 && r.out.contains("SERVICE") && r.out.contains("from AWS sources"))
        let elsewhere = runCLI(["prices", "aurora-dsql", "--region", "eu-west-1"])
        #expect(elsewhere.status == 0 && elsewhere.out.contains("no prices for eu-west-1"))
        let bad = runCLI(["prices", "dynamo"])
        #expect(bad.status == 64 && bad.err.contains("Did you mean 'dynamodb'"))
    }

    @Test func recommendJSONCarriesNumericEstimates() throws {
        let r = runCLI(["recommend", "--data-shape", "relational", "--data-size", "2TB", "--throughput", "3k", "--read-share", "80%", "--item-size", "4KB", "--availability", "multi-az", "--format", "json"])
        #expect(r.status == 0)
        let e = try #require(try JSONParser.parse(r.out)["estimates"]?.arrayValue?.first)
        #expect(e["monthlyUSD"]?["low"]?.numberValue != nil && e["monthlyUSD"]?["high"]?.numberValue != nil)
        #expect(e["region"]?.stringValue == "us-east-1" && e["missing"]?.arrayValue?.isEmpty == true)
    }
}

@Suite struct CostDoneWhenTests {
    /// Issue 16's done-when checks, through the command line as a user runs them.
    @Test func theTwoTerabyteMultiAZProfileIsPricedAndUnknownsAreNull() throws {
        let base = ["recommend", "--data-shape", "relational", "--consistency", "acid-transactions", "--data-size", "2TB", "--throughput", "3k",
                    "--read-share", "80%", "--item-size", "4KB", "--stage", "production", "--format", "json"]
        let multi = try JSONParser.parse(runCLI(base + ["--availability", "multi-az"]).out)
        let estimates = try #require(multi["estimates"]?.arrayValue)
        // The pick and the first two alternatives: numbers, with a storage part.
        for e in estimates.prefix(3) {
            #expect(e["monthlyUSD"]?["low"]?.numberValue != nil && e["monthlyUSD"]?["high"]?.numberValue != nil, "\(e["service"]?.stringValue ?? "")")
            #expect(e["parts"]?.arrayValue?.contains { $0["item"]?.stringValue == "storage" && $0["monthlyUSD"]?["low"]?.numberValue != nil } == true)
        }
        // The same service costs more Multi-AZ than single-AZ.
        let single = try JSONParser.parse(runCLI(base + ["--availability", "single-az"]).out)
        func low(_ json: JSON, _ id: String) -> Double? {
            json["estimates"]?.arrayValue?.first { $0["service"]?.stringValue == id }?["monthlyUSD"]?["low"]?.numberValue
        }
        for id in ["rds-postgresql", "rds-mysql"] {
            let m = try #require(low(multi, id)), s = try #require(low(single, id))
            #expect(m > s, "\(id)")
        }
        // Only a data shape: every unknown figure is null, with the answers it needs.
        let bare = try JSONParser.parse(runCLI(["recommend", "--data-shape", "relational", "--format", "json"]).out)
        for e in try #require(bare["estimates"]?.arrayValue) {
            #expect(e["monthlyUSD"] == .null, "\(e["service"]?.stringValue ?? "")")
            // What is missing, or (no sizing model for the service) a note saying so.
            #expect(e["missing"]?.arrayValue?.isEmpty == false || e["notes"]?.arrayValue?.isEmpty == false)
            for part in e["parts"]?.arrayValue ?? [] where part["monthlyUSD"] == .null {
                #expect(part["missing"]?.arrayValue?.isEmpty == false)
            }
        }
    }

    @Test func pricesAreMostlyAWSAndComplete() throws {
        let prices = try #require(try JSONParser.parse(runCLI(["prices", "--format", "json"]).out)["prices"]?.arrayValue)
        #expect(prices.count >= 30)
        let aws = prices.filter { $0["sourceType"]?.stringValue != "third-party" }.count
        #expect(Double(aws) / Double(prices.count) >= 0.9)
        for p in prices {
            #expect(p["usd"]?.numberValue != nil && p["unit"]?.stringValue?.isEmpty == false && p["region"]?.stringValue?.isEmpty == false && p["asOf"]?.stringValue?.count == 10)
        }
    }

    @Test func auroraDSQLsEstimateShowsItsDPUAssumption() throws {
        let r = try JSONParser.parse(runCLI(["recommend", "--data-shape", "relational", "--throughput", "1k", "--data-size", "10GB", "--format", "json"]).out)
        let dsql = try #require(r["estimates"]?.arrayValue?.first { $0["service"]?.stringValue == "aurora-dsql" })
        let dpus = try #require(dsql["parts"]?.arrayValue?.first { $0["item"]?.stringValue == "DPUs" })
        #expect(dpus["basis"]?.stringValue?.contains("assumed 0.1 to 0.5 DPU per request") == true)
    }
}

@Suite struct PriceImportTests {
    /// A composed AmazonRDS offer file for us-east-2 (the shape of AWS's Bulk API files; the
    /// prices are illustrative): a PostgreSQL instance, gp3 storage, and a product the
    /// estimator does not use.
    static let offer = #"""
    {"formatVersion":"v1.0","offerCode":"AmazonRDS","version":"20261115000000","publicationDate":"2026-11-15T00:00:00Z",
     "products":{
      "SKUA":{"sku":"SKUA","productFamily":"Database Instance","attributes":{"regionCode":"us-east-2","instanceType":"db.r7g.large","databaseEngine":"PostgreSQL","deploymentOption":"Multi-AZ","licenseModel":"No license required","usagetype":"USE2-Multi-AZUsage:db.r7g.large"}},
      "SKUB":{"sku":"SKUB","productFamily":"Database Storage","attributes":{"regionCode":"us-east-2","databaseEngine":"Any","deploymentOption":"Single-AZ","volumeType":"General Purpose-GP3","usagetype":"USE2-RDS:GP3-Storage"}},
      "SKUC":{"sku":"SKUC","productFamily":"Storage Snapshot","attributes":{"regionCode":"us-east-2","usagetype":"USE2-RDS:ChargedBackupUsage"}}},
     "terms":{"OnDemand":{
      "SKUA":{"SKUA.JRTCKXETXF":{"offerTermCode":"JRTCKXETXF","priceDimensions":{"SKUA.JRTCKXETXF.6YS6EN2CT7":{"description":"$0.478 per RDS db.r7g.large Multi-AZ instance hour","beginRange":"0","endRange":"Inf","unit":"Hrs","pricePerUnit":{"USD":"0.4780000000"}}}}},
      "SKUB":{"SKUB.JRTCKXETXF":{"offerTermCode":"JRTCKXETXF","priceDimensions":{"SKUB.JRTCKXETXF.6YS6EN2CT7":{"description":"$0.115 per GB-month of gp3","beginRange":"0","endRange":"Inf","unit":"GB-Mo","pricePerUnit":{"USD":"0.1150000000"}}}}},
      "SKUC":{"SKUC.JRTCKXETXF":{"offerTermCode":"JRTCKXETXF","priceDimensions":{"SKUC.JRTCKXETXF.6YS6EN2CT7":{"description":"backup","beginRange":"0","endRange":"Inf","unit":"GB-Mo","pricePerUnit":{"USD":"0.095"}}}}}}}}
    """#

    /// A fresh XDG data directory, and the environment that points there.
    func dataHome(_ name: String) throws -> (dir: String, env: [String: String], overlay: String) {
        let dir = NSTemporaryDirectory() + "dbadvisor-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (dir, ["XDG_DATA_HOME": dir + "/data", "HOME": "/nonexistent"], dir + "/data/dbadvisor/prices.json")
    }

    @Test func importsTheEstimatorsDimensionsIntoTheOverlay() throws {
        let home = try dataHome("import")
        defer { try? FileManager.default.removeItem(atPath: home.dir) }
        let path = home.dir + "/offer.json"
        try Self.offer.write(toFile: path, atomically: true, encoding: .utf8)
        let before = try JSONParser.parse(runCLI(["prices", "--format", "json"], env: home.env).out)["prices"]?.arrayValue?.count ?? 0
        let r = runCLI(["prices", "import", path], env: home.env)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("7 prices read from 1 offer file; 1 product") && r.out.contains(home.overlay))
        // The overlay is prices.json's format: one instance price, and gp3 single-AZ storage for
        // each of the six RDS engines; the backup product is skipped.
        let written = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: home.overlay))))["prices"]?.arrayValue ?? []
        #expect(written.count == 7)
        let instance = try #require(written.first { $0["key"]?.stringValue == "instance-hour-db-r7g-large-multi-az" })
        #expect(instance["service"]?.stringValue == "rds-postgresql" && instance["usd"]?.numberValue == 0.478 && instance["asOf"]?.stringValue == "2026-11-15")
        #expect(instance["source"]?.stringValue == "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/20261115000000/us-east-2/index.json")
        // Later runs lay it over the catalog's table, and say where each price came from.
        let listed = try JSONParser.parse(runCLI(["prices", "--format", "json"], env: home.env).out)["prices"]?.arrayValue ?? []
        #expect(listed.count == before + 7)
        #expect(listed.filter { $0["origin"]?.stringValue == home.overlay }.count == 7)
        #expect(listed.filter { $0["origin"]?.stringValue == "catalog" }.count == before)
        #expect(runCLI(["prices", "--region", "us-east-2"], env: home.env).out.contains("(overlay)"))
        // Estimates use it: RDS for PostgreSQL Multi-AZ in us-east-2 at $0.478 an hour.
        let rec = try JSONParser.parse(runCLI(["recommend", "--data-shape", "relational", "--data-size", "100GB", "--throughput", "500", "--availability", "multi-az", "--region", "us-east-2", "--format", "json"], env: home.env).out)
        let rds = try #require(rec["estimates"]?.arrayValue?.first { $0["service"]?.stringValue == "rds-postgresql" })
        #expect(rds["prices"]?.arrayValue?.contains { $0["source"]?.stringValue?.contains("/us-east-2/") == true } == true)
        // Importing the same file again replaces, not duplicates.
        #expect(runCLI(["prices", "import", path], env: home.env).out.contains("7 replacing earlier imports"))
        // Deleting the file goes back to the catalog's prices.
        try FileManager.default.removeItem(atPath: home.overlay)
        #expect((try JSONParser.parse(runCLI(["prices", "--format", "json"], env: home.env).out)["prices"]?.arrayValue?.count ?? 0) == before)
    }

    @Test func aFailedImportLeavesTheOverlayUntouched() throws {
        let home = try dataHome("failed")
        defer { try? FileManager.default.removeItem(atPath: home.dir) }
        let good = home.dir + "/offer.json", bad = home.dir + "/not-an-offer.json"
        try Self.offer.write(toFile: good, atomically: true, encoding: .utf8)
        try #"{"formatVersion":"v1.0","products":[]}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(runCLI(["prices", "import", good], env: home.env).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: home.overlay))
        // A file that is not an offer file, even after a good one: 65, naming what is missing.
        let r = runCLI(["prices", "import", good, bad], env: home.env)
        #expect(r.status == 65 && r.err.contains("not an AWS Price List offer file") && r.err.contains("no offerCode"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.overlay)) == before)
        let notJSON = home.dir + "/x.json"
        try "{ nope".write(toFile: notJSON, atomically: true, encoding: .utf8)
        #expect(runCLI(["prices", "import", notJSON], env: home.env).status == 65)
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.overlay)) == before)
        // An overlay edited into something unusable stops the run (65) and says how to remove it.
        try #"{"description":"x","currency":"USD","prices":[{"service":"nosuch"}]}"#.write(toFile: home.overlay, atomically: true, encoding: .utf8)
        let broken = runCLI(["recommend", "--data-shape", "relational"], env: home.env)
        #expect(broken.status == 65 && broken.err.contains("rm '\(home.overlay)'"))
    }

    /// What would leave later runs unable to start is refused before anything is written (an
    /// offer file without a publication date gives prices without a date); a broken overlay
    /// does not block the import that replaces it; a Multi-AZ DB cluster's price never lands on
    /// the Multi-AZ instance's key.
    @Test func anImportLaterRunsWouldRefuseIsNotWritten() throws {
        let home = try dataHome("undated")
        defer { try? FileManager.default.removeItem(atPath: home.dir) }
        let good = home.dir + "/offer.json", undated = home.dir + "/undated.json", cluster = home.dir + "/cluster.json"
        try Self.offer.write(toFile: good, atomically: true, encoding: .utf8)
        try Self.offer.replacing(#""publicationDate":"2026-11-15T00:00:00Z","#, with: "").write(toFile: undated, atomically: true, encoding: .utf8)
        #expect(runCLI(["prices", "import", good], env: home.env).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: home.overlay))
        let r = runCLI(["prices", "import", undated], env: home.env)
        #expect(r.status == 65 && r.err.contains("would not be usable") && r.err.contains("asOf"), "\(r.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.overlay)) == before)
        #expect(runCLI(["prices"], env: home.env).status == 0)
        // A broken overlay: the import still runs, says so, and replaces it.
        try #"{"prices":[{"service":"nosuch"}]}"#.write(toFile: home.overlay, atomically: true, encoding: .utf8)
        let again = runCLI(["prices", "import", good], env: home.env)
        #expect(again.status == 0 && again.err.contains("existing overlay is not used"), "\(again.err)")
        #expect(runCLI(["prices"], env: home.env).status == 0)
        // A cluster product next to the instance: only the instance's price is kept.
        let clusterOffer = Self.offer.replacing(#""SKUC":{"sku":"SKUC","productFamily":"Storage Snapshot","attributes":{"regionCode":"us-east-2","usagetype":"USE2-RDS:ChargedBackupUsage"}}"#,
            with: #""SKUC":{"sku":"SKUC","productFamily":"Database Instance","attributes":{"regionCode":"us-east-2","instanceType":"db.r7g.large","databaseEngine":"PostgreSQL","deploymentOption":"Multi-AZ (readable standbys)","licenseModel":"No license required","usagetype":"USE2-Multi-AZClusterUsage:db.r7g.large"}}"#)
        try clusterOffer.write(toFile: cluster, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: home.overlay)
        #expect(runCLI(["prices", "import", cluster], env: home.env).status == 0)
        let written = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: home.overlay))))["prices"]?.arrayValue ?? []
        let instance = try #require(written.first { $0["key"]?.stringValue == "instance-hour-db-r7g-large-multi-az" })
        #expect(instance["usd"]?.numberValue == 0.478)
    }

    /// The short report's cost line names the Region whose prices it used.
    @Test func theCostLineSaysWhenItUsedUSEast1Prices() {
        let r = runCLI(["recommend", "--data-shape", "relational", "--throughput", "500", "--data-size", "50GB", "--region", "eu-west-1"])
        #expect(r.status == 0)
        let cost = r.out.split(separator: "\n").first { $0.hasPrefix("Cost") }.map(String.init) ?? ""
        // The bundled table prices us-east-1 only (prices --region eu-west-1 lists none).
        #expect(cost.contains("us-east-1 prices: none for eu-west-1"), "\(cost)")
    }

    @Test func refusesWhatIsNotAnOfferFile() {
        #expect(runCLI(["prices", "import"]).status == 64)
        #expect(runCLI(["prices", "import", "/nonexistent/offer.json"]).status == 66)
    }

    @Test func withNowhereToKeepTheOverlayImportIsAUsageError() throws {
        let path = NSTemporaryDirectory() + "dbadvisor-offer-nowhere-\(getpid()).json"
        try Self.offer.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = runCLI(["prices", "import", path], env: ["HOME": "relative"])
        #expect(r.status == 74 && r.err.contains("nowhere to keep imported prices"))
    }
}

enum CLIRegionCatalog {
    static let catalog: Catalog = try! Catalog.load(texts: BundledCatalog.texts(), validated: true)
}

@Suite struct RegionCommandTests {
    /// Every Region value runs, in text and JSON, and prices that Region (us-east-1's where the table has none).
    @Test func everyRegionValueRuns() throws {
        let regions = try #require(CLIRegionCatalog.catalog.question("region")).valueNames
        #expect(regions.count == 34)
        for code in regions {
            let r = runCLI(["recommend", "--data-shape", "graph", "--region", code, "--format", "json"])
            #expect(r.status == 0, "\(code): \(r.err)")
            let json = try JSONParser.parse(r.out)
            #expect(json["estimates"]?.arrayValue?.first?["region"]?.stringValue == code)
            // Neptune Analytics is listed in 25 Regions (its user guide): elsewhere it is ruled out, citing that list.
            let na = json["excluded"]?.arrayValue?.first { $0["service"]?.stringValue == "neptune-analytics" }
            let ruledOut = na?["because"]?.arrayValue?.first { $0["rule"]?.stringValue == "region-not-offered" }
            let listed = CLIRegionCatalog.catalog.service("neptune-analytics")?.fact("regions")?.strings.contains(code) ?? false
            #expect((ruledOut != nil) == !listed, "\(code)")
            if let ruledOut { #expect(ruledOut["text"]?.stringValue?.contains("Neptune Analytics in 25 of the 34 commercial Regions") == true) }
            #expect(runCLI(["prices", "--region", code]).status == 0)
        }
        let bad = runCLI(["recommend", "--data-shape", "graph", "--region", "us-east-9"])
        #expect(bad.status == 64 || bad.status == 65)
        #expect(runCLI(["prices", "--region", "us-east-9"]).status == 64)
        // why cites the list's own page.
        let why = runCLI(["why", "neptune-analytics", "--data-shape", "graph", "--region", "mx-central-1"]).out
        #expect(why.contains("is not offered in mx-central-1") && why.contains("docs.aws.amazon.com/neptune-analytics/"))
    }
}

@Suite struct ExcludedSourceTests {
    /// A service ruled out by the Region is excluded with the fact and the page that states it,
    /// in JSON as in text.
    @Test func regionExclusionCitesItsSource() throws {
        let r = runCLI(["recommend", "--data-shape", "relational", "--region", "af-south-1", "--format", "json"])
        #expect(r.status == 0)
        let json = try JSONParser.parse(r.out)
        let excluded = json["excluded"]?.arrayValue ?? []
        let dsql = try #require(excluded.first { $0["service"]?.stringValue == "aurora-dsql" })
        let because = try #require(dsql["because"]?.arrayValue?.first { $0["rule"]?.stringValue == "region-not-offered" })
        #expect(because["source"]?.stringValue?.hasPrefix("https://") == true)
        #expect(because["text"]?.stringValue?.contains("af-south-1") == true)
    }
}
