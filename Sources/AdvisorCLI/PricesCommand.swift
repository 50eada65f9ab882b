import AdvisorCore

extension Commands {
    // MARK: prices

    /// `dbadvisor prices [SERVICE] [--region R]`: the unit prices estimates use, with their sources.
    static func prices(_ inv: Invocation) throws -> String {
        if inv.positionals.first == "import" { return try importPrices(inv) }
        guard inv.positionals.count <= 1 else {
            throw CLIError.usage("Unexpected argument '\(Sanitize.forTerminal(inv.positionals[1]))'", command: "prices")
        }
        let priceTable = inv.catalog.prices
        var service: String? = nil
        if let id = inv.positionals.first {
            if id == "data-transfer" || priceTable.prices.contains(where: { $0.service == id }) {
                service = id
            } else {
                service = try lookup(id, in: inv.catalog, command: "prices").id
            }
        }
        var notes: [String] = []
        var region = inv.options["region"]
        if let asked = region, !priceTable.regions.contains(asked) {
            notes.append("The price table has no prices for \(asked); showing \(PriceTable.defaultRegion), which estimates fall back to.")
            region = PriceTable.defaultRegion
        }
        let shown = priceTable.prices.filter { p in (service.map { p.service == $0 } ?? true) && (region.map { p.region == $0 } ?? true) }
        if shown.isEmpty, let service {
            notes.append("No prices for \(service) in the table.")
        }
        let fromAWS = shown.filter(\.isFromAWS).count
        let summary = "\(shown.count) price\(shown.count == 1 ? "" : "s")" + (shown.isEmpty ? "" : ", \(fromAWS) (\(Int((Double(fromAWS) / Double(shown.count) * 100).rounded(.down)))%) from AWS sources")
        if inv.format == .json {
            return envelope(inv.catalog, [
                ("prices", .array(shown.map(\.json))),
                ("notes", .array(notes.map(JSON.string))),
            ]).prettyText() + "\n"
        }
        let st = inv.style
        let width = inv.io.width
        var out = notes.map { st.yellow(wrap($0, width: width)) + "\n" }.joined()
        if service != nil {
            // One service: every price with its source.
            for p in shown {
                out += st.bold("$" + JSON.format(number: p.usd) + " " + p.unit) + "  " + p.item + "\n"
                out += st.dim(wrap("\(p.key) · \(p.region) · as of \(p.asOf) · \(p.sourceType)", width: width, indent: 2, firstIndent: 2)) + "\n"
                out += st.dim(wrap("source: \(p.source)", width: width, indent: 2, firstIndent: 2)) + "\n"
                if let via = p.retrievedFrom { out += st.dim(wrap("read from: \(via)", width: width, indent: 2, firstIndent: 2)) + "\n" }
                if let note = p.note { out += st.dim(wrap("note: \(note)", width: width, indent: 2, firstIndent: 2)) + "\n" }
            }
        } else if !shown.isEmpty {
            let rows = shown.map { p in [p.service, p.item, "$" + JSON.format(number: p.usd) + " " + p.unit, p.region, p.asOf, p.sourceType] }
            out += table(header: ["SERVICE", "DIMENSION", "PRICE", "REGION", "AS OF", "SOURCE"], rows: rows, width: width, style: st, flexible: 1)
        }
        out += "\n" + summary + " · On-Demand USD · sources: 'dbadvisor prices SERVICE' or --format json\n"
        return out
    }

    /// `dbadvisor prices import FILE...`: AWS Price List offer files in, the catalog's
    /// prices.json out (stdout) with their prices replacing or joining the table's.
    static func importPrices(_ inv: Invocation) throws -> String {
        let files = Array(inv.positionals.dropFirst())
        guard !files.isEmpty else { throw CLIError.usage("Missing expected argument '<file>': 'prices import' reads AWS Price List offer files", command: "prices") }
        var imported: [UnitPrice] = []
        var unmapped = 0
        for file in files {
            let bytes = try readInput(file, io: inv.io, what: "Offer file")
            let json: JSON
            do { json = try JSONParser.parse(bytes) } catch {
                throw CLIError.data("Offer file '\(Sanitize.forTerminal(file))' is not valid JSON: \(error)")
            }
            guard json["offerCode"]?.stringValue != nil, json["products"]?.objectValue != nil else {
                throw CLIError.data("Offer file '\(Sanitize.forTerminal(file))' is not an AWS Price List offer file (no offerCode and products)")
            }
            let result = PriceImport.read(json, existing: inv.catalog.prices)
            imported += result.prices
            unmapped += result.unmapped
        }
        let (merged, replaced) = PriceImport.merge(inv.catalog.prices, imported)
        inv.io.writeErr("prices import: \(imported.count) price\(imported.count == 1 ? "" : "s") read (\(replaced) replacing the table's, \(imported.count - replaced) new); \(unmapped) product\(unmapped == 1 ? "" : "s") of dimensions the estimator does not use skipped\n")
        let description = inv.catalog.documents[Catalog.pricesFile]?["description"]?.stringValue ?? "Unit prices the estimator uses."
        return JSON.object([("description", .string(description)), ("currency", .string("USD")), ("prices", .array(merged.map(\.json)))]).prettyText() + "\n"
    }
}
