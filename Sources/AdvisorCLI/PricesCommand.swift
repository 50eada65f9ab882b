import AdvisorCore
import Platform

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
        if let asked = region, let q = inv.catalog.question("region"), !q.valueNames.contains(asked) {
            var message = "Unknown Region '\(Sanitize.forTerminal(asked))'."
            if let near = Spelling.nearest(to: asked, in: q.valueNames) { message += " Did you mean '\(near)'?" }
            throw CLIError.usage(message + " The commercial Regions: " + q.valueNames.joined(separator: ", ") + ".", command: "prices")
        }
        if let asked = region, !priceTable.regions.contains(asked) {
            notes.append("The price table has no prices for \(asked); showing \(PriceTable.defaultRegion), which estimates fall back to.")
            region = PriceTable.defaultRegion
        }
        let shown = priceTable.prices.filter { p in (service.map { p.service == $0 } ?? true) && (region.map { p.region == $0 } ?? true) }
        if shown.isEmpty, let service {
            notes.append("No prices for \(service) in the table.")
        }
        let fromAWS = shown.filter(\.isFromAWS).count
        let overlaid = shown.filter { $0.origin != nil }.count
        var summary = "\(shown.count) price\(shown.count == 1 ? "" : "s")" + (shown.isEmpty ? "" : ", \(fromAWS) (\(Int((Double(fromAWS) / Double(shown.count) * 100).rounded(.down)))%) from AWS sources")
        if let overlay = shown.first(where: { $0.origin != nil })?.origin {
            summary += " · \(overlaid) from the overlay \(Sanitize.forTerminal(overlay)) (prices import; delete it to go back), the rest from the catalog's prices.json"
        }
        if inv.format == .json {
            // Where each price was read: "catalog" (prices.json) or the overlay's path.
            let items = shown.map { p -> JSON in
                guard case var .object(members) = p.json else { return p.json }
                members.append(("origin", .string(p.origin ?? "catalog")))
                return .object(members)
            }
            return envelope(inv.catalog, [
                ("prices", .array(items)),
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
                out += st.dim(wrap("\(p.key) · \(p.region) · as of \(p.asOf) · \(p.sourceType) · from \(p.origin.map { "the overlay " + Sanitize.forTerminal($0) } ?? "the catalog")", width: width, indent: 2, firstIndent: 2)) + "\n"
                out += st.dim(wrap("source: \(p.source)", width: width, indent: 2, firstIndent: 2)) + "\n"
                if let via = p.retrievedFrom { out += st.dim(wrap("read from: \(via)", width: width, indent: 2, firstIndent: 2)) + "\n" }
                if let note = p.note { out += st.dim(wrap("note: \(note)", width: width, indent: 2, firstIndent: 2)) + "\n" }
            }
        } else if !shown.isEmpty {
            let rows = shown.map { p in [p.service, p.item, "$" + JSON.format(number: p.usd) + " " + p.unit, p.region, p.asOf, p.sourceType + (p.origin == nil ? "" : " (overlay)")] }
            out += table(header: ["SERVICE", "DIMENSION", "PRICE", "REGION", "AS OF", "SOURCE"], rows: rows, width: width, style: st, flexible: 1)
        }
        out += "\n" + summary + " · On-Demand USD · sources: 'dbadvisor prices SERVICE' or --format json\n"
        return out
    }

    /// `dbadvisor prices import FILE...`: AWS Price List offer files in; their prices of the
    /// dimensions the estimator uses join the price overlay (PriceOverlay), replacing what it
    /// held for the same service, dimension and Region. Every file is read and checked before
    /// anything is written, and the overlay is replaced atomically: an import that fails
    /// leaves the previous overlay as it was.
    static func importPrices(_ inv: Invocation) throws -> String {
        let files = Array(inv.positionals.dropFirst())
        guard !files.isEmpty else { throw CLIError.usage("Missing expected argument '<file>': 'prices import' reads AWS Price List offer files", command: "prices") }
        var imported: [UnitPrice] = []
        var unmapped = 0
        for file in files {
            let bytes = try readInput(file, io: inv.io, what: "Offer file")
            let name = Sanitize.forTerminal(file)
            let json: JSON
            do { json = try JSONParser.parse(bytes) } catch {
                throw CLIError.data("Offer file '\(name)' is not valid JSON: \(error); nothing was imported")
            }
            var lacking: [String] = []
            if json["offerCode"]?.stringValue == nil { lacking.append("offerCode (a string)") }
            if json["products"]?.objectValue == nil { lacking.append("products (an object of SKUs)") }
            if json["terms"]?["OnDemand"]?.objectValue == nil { lacking.append("terms.OnDemand (an object)") }
            guard lacking.isEmpty else {
                throw CLIError.data("Offer file '\(name)' is not an AWS Price List offer file: it has no \(lacking.joined(separator: ", no ")); nothing was imported")
            }
            let result = PriceImport.read(json, existing: inv.catalog.prices)
            imported += result.prices
            unmapped += result.unmapped
        }
        guard let overlay = PriceOverlay.path(environment: inv.io.environment) else {
            throw CLIError(status: .ioError, message: "Neither XDG_DATA_HOME nor HOME is an absolute path, so there is nowhere to keep imported prices; nothing was imported")
        }
        // What the overlay already holds (this run's table marks it by origin), then the new prices.
        let previous = inv.catalog.prices.prices.filter { $0.origin != nil }
        let (merged, replaced) = PriceImport.merge(PriceTable(prices: previous), imported)
        var summary = "prices import: \(imported.count) price\(imported.count == 1 ? "" : "s") read from \(files.count) offer file\(files.count == 1 ? "" : "s"); \(unmapped) product\(unmapped == 1 ? "" : "s") of dimensions the estimator does not use skipped\n"
        guard !imported.isEmpty else {
            return summary + "Nothing of the estimator's dimensions to import; the overlay is unchanged.\n"
        }
        // What is written must be what later runs accept: checked as they will read it first.
        let text = PriceOverlay.text(merged)
        if case let .failure(error) = PriceOverlay.read(Array(text.utf8), file: overlay, schema: try CLI.overlaySchema(), catalog: inv.catalog) {
            let shown = error.problems.prefix(5).map { "  " + Sanitize.forTerminal($0.description) }.joined(separator: "\n")
            throw CLIError.data("The imported prices would not be usable (\(error.problems.count) problem(s)):\n\(shown)\nNothing was imported; the overlay is unchanged.")
        }
        let directory = String(overlay[..<overlay.lastIndex(of: "/")!])
        do {
            try FileSystem.makeDirectories(directory)
            try FileSystem.writeAtomically(Array(text.utf8), to: overlay)
        } catch {
            throw CLIError(status: .ioError, message: "The price overlay '\(Sanitize.forTerminal(overlay))' could not be written (\(error)); the previous one, if any, is unchanged")
        }
        summary += "Wrote \(merged.count) price\(merged.count == 1 ? "" : "s") to \(Sanitize.forTerminal(overlay)) (\(replaced) replacing earlier imports). Later runs use them over the catalog's prices; 'dbadvisor prices' shows which is which; delete the file to go back.\n"
        return summary
    }
}
