import AdvisorCore

/// Cost estimates as JSON (PRODUCT.md's `estimates`), text and markdown.
extension Render {
    static func range(_ r: CostRange?) -> JSON {
        guard let r else { return .null }
        return .object([("low", .number(CostRange.cents(r.low))), ("high", .number(CostRange.cents(r.high)))])
    }

    static func estimatesJSON(_ estimates: [Estimate]) -> JSON {
        .array(estimates.map { e in
            .object([
                ("service", .string(e.service)),
                ("monthlyUSD", range(e.monthlyUSD)),
                ("parts", .array(e.parts.map { p in
                    .object([("item", .string(p.item)), ("monthlyUSD", range(p.monthlyUSD)), ("basis", .string(p.basis)), ("missing", .array(p.missing.map(JSON.string)))])
                })),
                ("missing", .array(e.missing.map(JSON.string))),
                ("region", .string(e.region)),
                ("prices", .array(e.prices.map { .object([("text", .string($0.text)), ("source", .string($0.source)), ("asOf", .string($0.asOf))]) })),
                ("assumptions", .array(e.assumptions.map(JSON.string))),
                ("notes", .array(e.notes.map(JSON.string))),
            ])
        })
    }

    static func estimateLine(_ e: Estimate) -> String {
        if let m = e.monthlyUSD {
            let range = Engine.dollars(m.low) == Engine.dollars(m.high) ? Engine.dollars(m.low) : Engine.dollars(m.low) + " to " + Engine.dollars(m.high)
            return range + " a month (" + e.parts.map { $0.item }.joined(separator: ", ") + ")"
        }
        if !e.missing.isEmpty {
            let known = e.parts.filter { $0.monthlyUSD != nil }
            return "unknown: needs " + e.missing.joined(separator: ", ") + (known.isEmpty ? "" : "; known so far: " + known.map { "\($0.item) " + Engine.dollars($0.monthlyUSD!.low) + ($0.monthlyUSD!.low == $0.monthlyUSD!.high ? "" : " to " + Engine.dollars($0.monthlyUSD!.high)) }.joined(separator: ", "))
        }
        return "not estimated" + (e.notes.first.map { ": " + $0 } ?? "")
    }

    /// One line per service with its range, then the prices' dates and where to see the working.
    static func estimatesText(_ estimates: [Estimate], width: Int, style st: Style) -> String {
        guard !estimates.isEmpty else { return "" }
        let region = estimates.first?.region ?? PriceTable.defaultRegion
        // All on one Region's prices, or each line says which it used.
        let withPrices = estimates.filter { !$0.prices.isEmpty }
        let fellBack = !withPrices.isEmpty && withPrices.allSatisfy(\.pricesFellBack)
        let mixed = !fellBack && withPrices.contains(where: \.pricesFellBack)
        let priced = fellBack ? "\(PriceTable.defaultRegion) prices: the table has none for \(region)"
            : mixed ? "\(region) prices, else \(PriceTable.defaultRegion)'s where marked" : region
        var out = "\n" + st.bold(wrap("Monthly estimates (not quotes; On-Demand, \(priced))", width: width, indent: 2, firstIndent: 0)) + "\n"
        func line(_ e: Estimate) -> String { estimateLine(e) + (mixed && e.pricesFellBack ? " (\(PriceTable.defaultRegion) prices)" : "") }
        let idWidth = min(26, estimates.map(\.service.count).max() ?? 10)
        for e in estimates {
            if width - (idWidth + 4) >= 30 {
                let body = wrap(line(e), width: width, indent: idWidth + 4)
                out += "  " + pad(e.service, idWidth) + "  " + body.dropFirst(idWidth + 4) + "\n"
            } else {
                // Too narrow for a column: the id, then the estimate below it.
                out += "  " + e.service + "\n" + wrap(line(e), width: width, indent: 4) + "\n"
            }
        }
        let dates = Set(estimates.flatMap { $0.prices.map(\.asOf) }).sorted()
        var footer = "At the peak request rate all month; each part, price, source and assumption: --format json."
        if !dates.isEmpty { footer = "Prices as of " + dates.joined(separator: ", ") + " ('dbadvisor prices SERVICE'). " + footer }
        out += st.dim(wrap(footer, width: width, indent: 2, firstIndent: 2)) + "\n"
        return out
    }
}
