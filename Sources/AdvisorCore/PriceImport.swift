/// Reads AWS Price List offer files (the Bulk API's per-Region JSON) into unit prices of the
/// dimensions the estimator uses: RDS and Aurora instances, storage and I/O; DynamoDB request
/// units, capacity and storage. Products of other dimensions are counted, not guessed at.
public enum PriceImport {
    public struct Result: Sendable {
        public var prices: [UnitPrice] = []
        /// On-Demand products the importer has no dimension for.
        public var unmapped = 0
    }

    /// The On-Demand term code AWS uses in every offer file.
    static let onDemandTerm = "JRTCKXETXF"

    static func slug(_ s: String) -> String {
        var out = ""
        for c in s.lowercased() {
            if c.isLetter || c.isNumber { out.append(c) } else if !out.isEmpty && out.last != "-" { out.append("-") }
        }
        while out.last == "-" { out.removeLast() }
        return out
    }

    /// The dimension a product prices, as (service, key, unit, scale to apply to the per-unit USD).
    static func dimensions(offer: String, family: String, a: [String: String]) -> [(service: String, key: String, unit: String, scale: Double)] {
        let usage = a["usagetype"] ?? ""
        let engine = a["databaseEngine"] ?? ""
        // A Multi-AZ DB instance (one standby) only: a Multi-AZ DB cluster ("Multi-AZ (readable
        // standbys)", usage Multi-AZClusterUsage) is another product, which the estimator does not price.
        let deployment = a["deploymentOption"] ?? ""
        if deployment.hasPrefix("Multi-AZ (") || usage.contains("Multi-AZCluster") { return [] }
        let multi = deployment == "Multi-AZ" || usage.contains("Multi-AZ")
        let az = multi ? "multi-az" : "single-az"
        switch (offer, family) {
        case ("AmazonRDS", "Database Instance"):
            guard let type = a["instanceType"] else { return [] }
            if ["MySQL", "PostgreSQL", "MariaDB"].contains(engine), a["licenseModel"] == "No license required" {
                return [("rds-" + engine.lowercased(), "instance-hour-" + slug(type) + "-" + az, "per hour", 1)]
            }
            if engine == "Aurora MySQL" || engine == "Aurora PostgreSQL" {
                let storage = usage.contains("IOOptimized") ? "io-optimized" : "aurora-standard"
                return [(engine == "Aurora MySQL" ? "aurora-mysql" : "aurora-postgresql", "instance-hour-" + slug(type) + "-" + storage, "per hour", 1)]
            }
            return []
        case ("AmazonRDS", "Database Storage"):
            if a["volumeType"] == "General Purpose-GP3", engine == "Any" {
                return ["rds-mysql", "rds-postgresql", "rds-mariadb", "rds-oracle", "rds-sqlserver", "rds-db2"].map { ($0, "storage-gp3-" + az, "per GB-month", 1) }
            }
            let key = usage.hasSuffix("Aurora:StorageUsage") ? "storage-aurora-standard" : usage.hasSuffix("Aurora:IO-OptimizedStorageUsage") ? "storage-io-optimized" : nil
            guard let key else { return [] }
            return auroraServices(engine).map { ($0, key, "per GB-month", 1) }
        case ("AmazonRDS", "System Operation"):
            guard usage.hasSuffix("Aurora:StorageIOUsage") else { return [] }
            return auroraServices(engine).map { ($0, "i-o-requests-aurora-standard", "per million requests", 1_000_000) }
        case ("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput"):
            let table = usage.contains("IA-") ? "standard-ia" : "standard"
            switch a["group"] {
            case "DDB-ReadUnits"?: return [("dynamodb", "on-demand-read-request-units-" + table, "per million RRU", 1_000_000)]
            case "DDB-WriteUnits"?: return [("dynamodb", "on-demand-write-request-units-" + table, "per million WRU", 1_000_000)]
            default: return []
            }
        case ("AmazonDynamoDB", "Provisioned IOPS"):
            let table = usage.contains("IA-") ? "standard-ia" : "standard"
            switch a["group"] {
            case "DDB-ReadUnits"?: return [("dynamodb", "provisioned-rcu-hour-" + table, "per RCU-hour", 1)]
            case "DDB-WriteUnits"?: return [("dynamodb", "provisioned-wcu-hour-" + table, "per WCU-hour", 1)]
            default: return []
            }
        case ("AmazonDynamoDB", "Database Storage"):
            guard usage.hasSuffix("TimedStorage-ByteHrs"), !usage.contains("PITR") else { return [] }
            return [("dynamodb", usage.contains("IA-TimedStorage") ? "storage-standard-ia" : "storage-standard", "per GB-month", 1)]
        default:
            return []
        }
    }

    static func auroraServices(_ engine: String) -> [String] {
        switch engine {
        case "Aurora MySQL": return ["aurora-mysql"]
        case "Aurora PostgreSQL": return ["aurora-postgresql"]
        case "Any": return ["aurora-mysql"]
        default: return []
        }
    }

    /// The unit prices one offer file holds for the estimator's dimensions. `existing` names
    /// the dimensions in words where the table already has them.
    public static func read(_ offer: JSON, existing: PriceTable) -> Result {
        var result = Result()
        let code = offer["offerCode"]?.stringValue ?? ""
        let version = offer["version"]?.stringValue ?? "current"
        let date = String((offer["publicationDate"]?.stringValue ?? "").prefix(10))
        // SKU → its On-Demand terms, indexed once (an object's members are searched in order).
        var terms: [String: JSON] = [:]
        for (sku, term) in offer["terms"]?["OnDemand"]?.objectValue ?? [] where terms[sku] == nil { terms[sku] = term }
        for (sku, product) in offer["products"]?.objectValue ?? [] {
            var a: [String: String] = [:]
            for (k, v) in product["attributes"]?.objectValue ?? [] { a[k] = v.stringValue }
            guard let region = a["regionCode"] else { continue }
            let found = dimensions(offer: code, family: product["productFamily"]?.stringValue ?? "", a: a)
            guard !found.isEmpty else { result.unmapped += 1; continue }
            guard let term = terms[sku]?.objectValue?.first(where: { $0.0.hasSuffix(onDemandTerm) })?.1 else { continue }
            // The paid tier: the open-ended dimension (free tiers come first, as $0 ranges).
            let dims = (term["priceDimensions"]?.objectValue ?? []).map(\.1)
            guard let dim = dims.first(where: { ($0["endRange"]?.stringValue ?? "Inf") == "Inf" }) ?? dims.first,
                  let usdText = dim["pricePerUnit"]?["USD"]?.stringValue, let usd = Double(usdText) else { continue }
            for (service, key, unit, scale) in found {
                let item = existing.price(service, key)?.item ?? key
                result.prices.append(UnitPrice(
                    service: service, key: key, item: item, usd: (usd * scale * 1e8).rounded() / 1e8, unit: unit, region: region,
                    source: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/\(code)/\(version)/\(region)/index.json",
                    sourceType: "aws-price-list", asOf: date.count == 10 ? date : "",
                    note: "Imported from the AWS Price List offer file: SKU \(sku), \(dim["description"]?.stringValue ?? "")"))
            }
        }
        result.prices.sort { ($0.service, $0.key, $0.region) < ($1.service, $1.key, $1.region) }
        return result
    }

    /// The table with `imported` prices replacing those of the same service, key and Region
    /// (in place) and the rest appended.
    public static func merge(_ table: PriceTable, _ imported: [UnitPrice]) -> (prices: [UnitPrice], replaced: Int) {
        var out = table.prices
        var replaced = 0
        var index: [PriceTable.IndexKey: Int] = [:]
        for (i, p) in out.enumerated() { index[PriceTable.indexKey(p.service, p.key, p.region)] = i }
        for p in imported {
            let k = PriceTable.indexKey(p.service, p.key, p.region)
            if let i = index[k] { out[i] = p; replaced += 1 } else { index[k] = out.count; out.append(p) }
        }
        return (out, replaced)
    }
}

/// The price overlay: the prices `prices import` read, in the user's XDG data directory
/// ($XDG_DATA_HOME/dbadvisor/prices.json, else ~/.local/share/dbadvisor/prices.json), in
/// prices.json's own format. Every later run lays it over the catalog's table: a price of the
/// same service, dimension and Region replaces the catalog's, the others join it. Removing
/// the file goes back to the catalog's prices.
public enum PriceOverlay {
    public static let fileName = "dbadvisor/prices.json"

    /// Where the overlay lives: an absolute XDG_DATA_HOME (the XDG spec ignores a relative
    /// one), else HOME's .local/share; nil when neither is usable.
    public static func path(environment: [String: String]) -> String? {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/" + fileName }
        if let home = environment["HOME"], home.hasPrefix("/") { return (home == "/" ? "" : home) + "/.local/share/" + fileName }
        return nil
    }

    /// The overlay's prices, checked against the bundled schema's `prices` definition and the
    /// catalog (services it has, each dimension once a Region); problems when it is not usable.
    public static func read(_ bytes: [UInt8], file: String, schema: JSON, catalog: Catalog) -> Result<[UnitPrice], CatalogError> {
        let json: JSON
        do { json = try JSONParser.parse(bytes) } catch {
            return .failure(CatalogError(problems: [Problem(file: file, path: "$", message: "not valid JSON: \(error)")]))
        }
        var validator = SchemaValidator(schema: schema)
        var problems = validator.validate(json, file: file, definition: "prices")
        guard problems.isEmpty else { return .failure(CatalogError(problems: problems)) }
        var probe = catalog
        probe.prices = PriceTable(json: json)
        problems = probe.priceProblems().map { Problem(file: file, path: $0.path, message: $0.message) }
        guard problems.isEmpty else { return .failure(CatalogError(problems: problems)) }
        return .success(probe.prices.prices.map { var p = $0; p.origin = file; return p })
    }

    /// The catalog's table with the overlay laid over it.
    public static func apply(_ overlay: [UnitPrice], to table: PriceTable) -> PriceTable {
        PriceTable(prices: PriceImport.merge(table, overlay).prices)
    }

    /// The overlay file's text for `prices`.
    public static func text(_ prices: [UnitPrice]) -> String {
        JSON.object([
            ("description", .string("Prices imported by 'dbadvisor prices import' from AWS Price List offer files; laid over the catalog's prices.json. Delete this file to go back to the catalog's prices.")),
            ("currency", .string("USD")),
            ("prices", .array(prices.map(\.json))),
        ]).prettyText() + "\n"
    }
}
