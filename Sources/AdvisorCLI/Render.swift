import AdvisorCore

/// Turns a recommendation into the JSON contract of PRODUCT.md, or into text for people.
/// Renderers decide nothing: every word comes from the catalog or the engine.
public enum Render {
    public static func json(_ r: Recommendation, catalog: Catalog) -> JSON {
        precondition(r.estimatesComputed, "a recommendation made without its estimates is written by JSONWriter.recommendation with its engine")
        func findings(_ list: [Finding], withSource: Bool) -> JSON {
            .array(list.map { f in
                var members: [(String, JSON)] = [("rule", .string(f.rule)), ("text", .string(f.text))]
                if f.weight != 0 { members.append(("weight", .number(f.weight))) }
                if withSource && !f.source.isEmpty { members.append(("source", .string(f.source))) }
                return .object(members)
            })
        }
        let pick = r.pick
        let reasons = pick.earned
        var recommendation: [(String, JSON)] = [
            ("service", .string(pick.service.id)), ("name", .string(pick.service.name)), ("score", .number(pick.score)),
            ("confidence", .string(r.confidence.level.rawValue)),
            ("configuration", .array(pick.configuration.map { .string($0.text) })),
            ("reasons", findings(reasons, withSource: true)),
            ("confidenceExplanation", .string(r.confidence.explanation)),
        ]
        if pick.isExcluded { recommendation.append(("unmet", findings(pick.exclusions, withSource: true))) }
        if let plan = r.migration {
            recommendation.append(("migration", migrationJSON(plan)))
        }
        let members: [(String, JSON)] = [
            ("schemaVersion", .number(1)),
            ("catalogVersion", .string(catalog.version)),
            ("profile", r.profile.json(order: catalog.questions)),
            ("recommendation", .object(recommendation)),
            ("alternatives", .array(r.alternatives.map { a, whyNot in
                .object([("service", .string(a.service.id)), ("name", .string(a.service.name)), ("score", .number(a.score)), ("whyNot", findings(whyNot, withSource: false))])
            })),
            ("excluded", .array(r.excluded.map { a in
                .object([("service", .string(a.service.id)), ("name", .string(a.service.name)), ("because", findings(a.exclusions, withSource: true))])
            })),
            ("warnings", .array(r.warnings.map { .string($0.text) })),
            ("whatIf", .array(r.whatIf.map { .object([("key", .string($0.key)), ("value", .string($0.value)), ("service", .string($0.service))]) })),
            ("estimates", estimatesJSON(r.estimates)),
        ]
        // whatIf is absent when it was not computed: an empty list means no single answer
        // changes the pick.
        return .object(members.filter { $0.0 != "whatIf" || r.whatIfComputed })
    }

    static func migrationJSON(_ plan: MigrationPlan) -> JSON {
        func entries(_ list: [GuideEntry]) -> JSON {
            .array(list.map { .object([("id", .string($0.id)), ("text", .string($0.text)), ("source", .string($0.source))]) })
        }
        var members: [(String, JSON)] = [
            ("from", .string(plan.engine)), ("to", .string(plan.target.id)), ("kind", .string(plan.kind)),
            ("schemaConversion", .bool(plan.needsSchemaConversion)), ("recommendedMode", .string(plan.recommendedMode)),
        ]
        if let path = plan.path {
            members.append(("path", .object([("text", .string(path.text)), ("tools", .array(path.tools.map(JSON.string))), ("source", .string(path.source))])))
        }
        if let compatibility = plan.compatibility {
            members.append(("compatibility", .object([("text", .string(compatibility.text)), ("source", .string(compatibility.source))])))
        }
        members += [("modes", entries(plan.modes)), ("tools", entries(plan.tools)), ("managedForYou", entries(plan.managedForYou)), ("applicationChanges", entries(plan.applicationChanges))]
        return .object(members)
    }

    static func migrationText(_ plan: MigrationPlan, width: Int, style st: Style) -> String {
        var out = "\n" + st.bold(wrap("Migration path: \(plan.engine) → \(plan.target.id) (\(plan.kind))", width: width, indent: 2, firstIndent: 0)) + "\n"
        if let path = plan.path {
            out += wrap("• " + path.text + (path.tools.isEmpty ? "" : " Tools: " + path.tools.joined(separator: ", ") + "."), width: width, indent: 4, firstIndent: 2) + "\n"
        }
        if let compatibility = plan.compatibility {
            out += wrap("• Compatibility of \(plan.target.id): " + compatibility.text, width: width, indent: 4, firstIndent: 2) + "\n"
        }
        for tool in plan.tools { out += wrap("• " + tool.text, width: width, indent: 4, firstIndent: 2) + "\n" }
        if let mode = plan.modes.first(where: { $0.id == plan.recommendedMode }) {
            out += wrap("• Suggested AWS DMS task type: " + mode.text, width: width, indent: 4, firstIndent: 2) + "\n"
        }
        out += wrap("• The managed service takes over: " + plan.managedForYou.map { $0.text.prefix(1).lowercased() + $0.text.dropFirst().dropLast() }.joined(separator: "; ") + ".", width: width, indent: 4, firstIndent: 2) + "\n"
        for change in plan.applicationChanges { out += wrap("• Application: " + change.text, width: width, indent: 4, firstIndent: 2) + "\n" }
        return out
    }

    /// The report for people: a screenful by default (the pick, why, what to configure, the
    /// closest alternatives, what was ruled out and why, cost, warnings, what would change
    /// it); the full report with `verbose`. Every line fits `width`.
    public static func text(_ r: Recommendation, catalog: Catalog, width: Int, style st: Style, verbose: Bool = false) -> String {
        verbose ? fullText(r, catalog: catalog, width: width, style: st) : summary(r, catalog: catalog, width: width, style: st)
    }

    /// The screenful: at most `summaryLines` lines at 80 columns. Sections are written at their
    /// fullest first; if that runs over, each further pass keeps one line per alternative and
    /// ruled-out cause, then one line per entry everywhere, then fewer entries, until it fits.
    static let summaryLines = 30

    /// The line budget at `width`: 30 lines at 80 columns or more; a narrower terminal needs
    /// more lines for the same words (at 40 columns, 60), or every entry would be cut to a
    /// few words.
    static func summaryBudget(width: Int) -> Int {
        width >= 80 ? summaryLines : summaryLines * 80 / max(width, 20)
    }

    static func summary(_ r: Recommendation, catalog: Catalog, width: Int, style st: Style) -> String {
        var text = ""
        for tightness in 0...3 {
            text = summary(r, catalog: catalog, width: width, style: st, tightness: tightness)
            if text.split(separator: "\n", omittingEmptySubsequences: false).count - 1 <= summaryBudget(width: width) { break }
        }
        return text
    }

    static func summary(_ r: Recommendation, catalog: Catalog, width: Int, style st: Style, tightness: Int) -> String {
        let pick = r.pick
        // Lines per entry (the lists: alternatives, ruled out, cost first) and entries per
        // section, smaller as tightness grows.
        let lines = tightness < 2 ? 2 : 1
        let listLines = tightness == 0 ? 2 : 1
        let entries = tightness < 3 ? 3 : 2
        var out = st.bold(wrap("Recommended: \(pick.service.name) (\(pick.service.id))", width: width, indent: 2, firstIndent: 0, maxLines: 2)) + "\n"
        out += wrap("Confidence \(r.confidence.explanation)", width: width, indent: 2, firstIndent: 2, maxLines: lines) + "\n"
        if pick.isExcluded {
            out += st.red("Unmet requirements") + "\n"
            for f in pick.exclusions.prefix(entries) { out += wrap("✗ " + f.text, width: width, indent: 4, firstIndent: 2, maxLines: lines) + "\n" }
        }
        let reasons = pick.earned
        if !reasons.isEmpty {
            out += st.bold("Why") + "\n"
            for f in reasons.prefix(entries) { out += wrap("+\(JSON.format(number: f.weight)) \(f.text)", width: width, indent: 6, firstIndent: 2, maxLines: lines) + "\n" }
        }
        let against = pick.scoreFindings.filter { $0.weight < 0 }.sorted { $0.weight < $1.weight }
        if let worst = against.first {
            out += wrap("\(JSON.format(number: worst.weight)) \(worst.text)", width: width, indent: 6, firstIndent: 2, maxLines: lines) + "\n"
        }
        if !pick.configuration.isEmpty {
            out += st.bold("Configure") + "\n"
            for f in pick.configuration.prefix(entries - 1) { out += wrap("• " + f.text, width: width, indent: 4, firstIndent: 2, maxLines: lines) + "\n" }
        }
        if !r.alternatives.isEmpty {
            out += st.bold("Alternatives") + "\n"
            let shown = r.alternatives.prefix(entries)
            let idWidth = min(24, shown.map(\.0.service.id.count).max() ?? 10)
            var used = Set<String>()
            for (a, _) in shown {
                let head = "  " + pad(a.service.id, idWidth) + "  " + pad(JSON.format(number: a.score), 4) + "  "
                let line = comparison(a, against: pick, profile: r.profile, catalog: catalog, avoiding: used)
                used.insert(line)
                if width - head.count >= 30 {
                    // The comparison beside the id, continued under itself.
                    let body = wrap(line, width: width, indent: head.count, firstIndent: head.count, maxLines: listLines)
                    out += head + body.dropFirst(head.count) + "\n"
                } else {
                    // Too narrow for a column: the id and score, then the comparison below.
                    out += clip("  " + a.service.id + "  " + JSON.format(number: a.score), width: width) + "\n"
                    out += wrap(line, width: width, indent: 4, firstIndent: 4, maxLines: listLines) + "\n"
                }
            }
        }
        if !r.excluded.isEmpty {
            // One line per cause: the first rule that rules each service out.
            var causes: [(rule: String, ids: [String])] = []
            for a in r.excluded {
                let rule = a.exclusions.first?.rule ?? "excluded"
                if let i = causes.firstIndex(where: { $0.rule == rule }) { causes[i].ids.append(a.service.id) } else { causes.append((rule, [a.service.id])) }
            }
            out += st.bold("Ruled out (\(r.excluded.count))") + "\n"
            for (i, cause) in causes.prefix(entries).enumerated() {
                if i == entries - 1 && causes.count > entries {
                    out += list("\(causes.count - i) more causes:", causes.dropFirst(i).map(\.rule), width: width, maxLines: listLines,
                                orElse: "\(causes.count - i) more causes (--verbose)") + "\n"
                } else {
                    out += list("\(cause.rule):", cause.ids, width: width, maxLines: listLines,
                                orElse: "\(cause.rule): \(cause.ids.count) service\(cause.ids.count == 1 ? "" : "s")") + "\n"
                }
            }
        }
        if let cost = r.estimates.first(where: { $0.service == pick.service.id }) {
            out += wrap("Cost  (an estimate, \(cost.pricesFellBack ? "\(PriceTable.defaultRegion) prices: none for \(cost.region)" : cost.region)) \(estimateLine(cost))", width: width, indent: 5, firstIndent: 0, maxLines: listLines) + "\n"
        }
        if !r.warnings.isEmpty {
            out += st.yellow("Warnings") + "\n"
            for w in r.warnings.prefix(entries) { out += wrap("! " + w.text, width: width, indent: 4, firstIndent: 2, maxLines: lines) + "\n" }
            if r.warnings.count > entries { out += clip("  and \(r.warnings.count - entries) more (--verbose)", width: width) + "\n" }
        }
        if !r.whatIf.isEmpty {
            // Questions left unanswered first: answering one is something the reader can do;
            // a different answer to a question already answered means a different workload.
            var seen = Set<String>()
            let ordered = r.whatIf.filter { r.profile[$0.key] == nil } + r.whatIf.filter { r.profile[$0.key] != nil }
            let changes = ordered.filter { seen.insert($0.key).inserted }.prefix(entries).map { "--\($0.key) \($0.value) → \($0.service)" }
            // Whole changes only (an answer without the service it leads to says nothing).
            var line: String? = nil
            for shown in stride(from: changes.count, through: 1, by: -1) {
                let left = Set(r.whatIf.map(\.key)).count - shown
                for suffix in (left > 0 ? ["; \(left) more in --verbose", ""] : [""]) {
                    let text = wrap("Would change it: " + changes.prefix(shown).joined(separator: "; ") + suffix, width: width, indent: 2, firstIndent: 0)
                    let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
                    if rows.count <= lines && rows.allSatisfy({ $0.count <= width }) { line = text; break }
                }
                if line != nil { break }
            }
            out += (line ?? wrap("Would change it: " + changes.joined(separator: "; "), width: width, indent: 2, firstIndent: 0, maxLines: lines)) + "\n"
        }
        out += st.dim(wrap("More: --verbose for the full report; 'dbadvisor why SERVICE' for one service.", width: width, indent: 2, firstIndent: 0, maxLines: lines)) + "\n"
        return out
    }

    /// "  label a, b, c and 4 more": as many items as fit in `maxLines` lines of `width`, then
    /// how many were left out (never an item cut in half); `orElse` when not one fits.
    static func list(_ label: String, _ items: [String], width: Int, maxLines: Int, orElse: String) -> String {
        for shown in stride(from: items.count, through: 1, by: -1) {
            let left = items.count - shown
            let text = label + " " + items.prefix(shown).joined(separator: ", ") + (left > 0 ? " and \(left) more" : "")
            let wrapped = wrap(text, width: width, indent: 4, firstIndent: 2)
            let lines = wrapped.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count <= maxLines && lines.allSatisfy({ $0.count <= width }) { return wrapped }
        }
        return wrap(orElse, width: width, indent: 4, firstIndent: 2, maxLines: maxLines)
    }

    /// A finding's text without the alternative's own name in front ("Amazon DocumentDB (with
    /// MongoDB compatibility) does not…" → "does not…"): its id already starts the line.
    static func withoutName(_ finding: Finding) -> String {
        String(finding.text.dropFirst(finding.subjectLength).drop { $0 == " " })
    }

    /// One comparative line for an alternative: what it lacks (a requirement it misses, its
    /// heaviest penalty), else how far behind it is and on how many of the pick's reasons.
    /// A line already given for an alternative above (`avoiding`) gives way to the next one,
    /// so two alternatives never read the same.
    static func comparison(_ a: Assessment, against pick: Assessment, profile: Profile, catalog: Catalog, avoiding used: Set<String> = []) -> String {
        var candidates = catalog.unmetRequirements(a.service, profile).map { "lacks --\($0.key): \($0.what)" }
        candidates += a.scoreFindings.filter { $0.weight < 0 }.sorted { $0.weight < $1.weight }
            .map { "\(JSON.format(number: $0.weight)): \(withoutName($0))" }
        let mine = Set(a.scoreFindings.map(\.rule))
        let missing = pick.scoreFindings.filter { $0.weight > 0 && !mine.contains($0.rule) }
        let gap = pick.score - a.score
        let behind = "\(JSON.format(number: gap)) point\(gap == 1 ? "" : "s") behind"
        if gap == 0 {
            candidates.append("ties with the pick on score")
        } else if missing.isEmpty && mine == Set(pick.scoreFindings.map(\.rule)) {
            candidates.append("\(behind) on the same rules")
        } else if missing.isEmpty {
            candidates.append(behind)
        } else {
            // The figures first: a line cut to the width keeps what it says; the rules last.
            let gained = missing.reduce(0) { $0 + $1.weight }
            candidates.append("\(behind); the pick alone gains +\(JSON.format(number: gained)) (\(missing.map(\.rule).prefix(2).joined(separator: ", ")))")
        }
        return candidates.first { !used.contains($0) } ?? candidates[0]
    }

    static func fullText(_ r: Recommendation, catalog: Catalog, width: Int, style st: Style) -> String {
        let pick = r.pick
        let header = "Recommended: \(pick.service.name) (\(pick.service.id))"
        let scoreLine = "confidence \(r.confidence.level.rawValue), score \(JSON.format(number: pick.score))"
        var out: String
        if header.count + 2 + scoreLine.count <= width {
            out = st.bold(header) + "  " + scoreLine + "\n"
        } else {
            out = st.bold(wrap(header, width: width, indent: 2, firstIndent: 0)) + "\n" + wrap(scoreLine, width: width, indent: 2, firstIndent: 2) + "\n"
        }
        out += wrap(pick.service.summary, width: width, indent: 2, firstIndent: 2) + "\n"
        out += st.dim(wrap("Confidence \(r.confidence.explanation)", width: width, indent: 2, firstIndent: 2)) + "\n"
        if pick.isExcluded {
            out += "\n" + st.red("Unmet requirements:") + "\n"
            for f in pick.exclusions { out += wrap("✗ " + f.text, width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        let reasons = pick.earned
        if !reasons.isEmpty {
            out += "\n" + st.bold("Why") + "\n"
            for f in reasons {
                out += wrap("+\(JSON.format(number: f.weight)) \(f.text)", width: width, indent: 6, firstIndent: 2) + "\n"
            }
        }
        let minuses = pick.scoreFindings.filter { $0.weight < 0 }
        if !minuses.isEmpty {
            out += "\n" + st.bold("Trade-offs") + "\n"
            for f in minuses { out += wrap("\(JSON.format(number: f.weight)) \(f.text)", width: width, indent: 6, firstIndent: 2) + "\n" }
        }
        if !pick.configuration.isEmpty {
            out += "\n" + st.bold("Configuration") + "\n"
            for f in pick.configuration { out += wrap("• " + f.text, width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        if let plan = r.migration {
            out += migrationText(plan, width: width, style: st)
        }
        if !r.alternatives.isEmpty {
            out += "\n" + st.bold("Alternatives") + "\n"
            let top = max(pick.score, r.alternatives.map(\.0.score).max() ?? 0, 1)
            let idWidth = min(26, r.alternatives.map(\.0.service.id.count).max() ?? 10)
            // The bar takes what is left of the width, at most 20 columns; under 5 it is left out.
            let room = width - (2 + idWidth + 2 + 2 + 4)
            let barWidth = room >= 5 ? min(20, room) : 0
            for (a, whyNot) in r.alternatives.prefix(6) {
                let ratio: Double = a.score <= 0 ? 0 : a.score / top
                let filled: Int = min(barWidth, Int((ratio * Double(barWidth)).rounded()))
                let bar: String = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
                let label: String = pad(a.service.id, idWidth)
                out += barWidth == 0 ? "  \(label)  \(JSON.format(number: a.score))\n" : "  \(label)  \(st.dim(bar))  \(JSON.format(number: a.score))\n"
                if let first = whyNot.first {
                    out += st.dim(wrap(first.text, width: width, indent: 6, firstIndent: 6)) + "\n"
                }
            }
            if r.alternatives.count > 6 {
                out += wrap("… and \(r.alternatives.count - 6) more: " + r.alternatives.dropFirst(6).map { "\($0.0.service.id) (\(JSON.format(number: $0.0.score)))" }.joined(separator: ", "), width: width, indent: 4, firstIndent: 2) + "\n"
            }
        }
        if !r.excluded.isEmpty {
            out += "\n" + st.bold("Ruled out") + "\n"
            let idWidth = min(26, r.excluded.map(\.service.id.count).max() ?? 10)
            for a in r.excluded {
                if width - (idWidth + 4) >= 30 {
                    let body = wrap(a.exclusions.first?.text ?? "", width: width, indent: idWidth + 4)
                    out += "  " + pad(a.service.id, idWidth) + "  " + body.dropFirst(idWidth + 4) + "\n"
                } else {
                    // Too narrow for a column: the id, then the reason below it.
                    out += "  " + a.service.id + "\n" + wrap(a.exclusions.first?.text ?? "", width: width, indent: 4) + "\n"
                }
            }
        }
        out += estimatesText(r.estimates, width: width, style: st)
        if !r.warnings.isEmpty {
            out += "\n" + st.yellow("Warnings") + "\n"
            for w in r.warnings { out += wrap("! " + w.text, width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        if !r.whatIf.isEmpty {
            out += "\n" + st.bold("What would change the pick") + "\n"
            var seen = Set<String>()
            for w in r.whatIf where seen.insert(w.key).inserted {
                let answered = r.profile[w.key] != nil
                var line = wrap("--\(w.key) \(w.value) → \(w.service)" + (answered ? "" : " (unanswered)"), width: width, indent: 2, firstIndent: 2)
                if !answered { line = line.dropLast("(unanswered)".count) + st.dim("(unanswered)") }
                out += line + "\n"
                if seen.count >= 5 { break }
            }
        }
        return out
    }
}

extension Render {
    /// An architecture decision record (Markdown) for a recommendation.
    public static func markdown(_ r: Recommendation, catalog: Catalog, toolVersion: String) -> String {
        func cell(_ s: String) -> String { s.replacing("|", with: "\\|").replacing("\n", with: " ") }
        let pick = r.pick
        var sources: [String] = []
        func cite(_ url: String) -> String {
            guard !url.isEmpty else { return "" }
            if !sources.contains(url) { sources.append(url) }
            return " [\(sources.firstIndex(of: url)! + 1)]"
        }
        var out = "# Decision record: \(pick.service.name) for this workload\n\n"
        out += "- Status: proposed\n- Decision by: dbadvisor \(toolVersion), catalog \(catalog.version) (\(catalog.date))\n- Confidence: \(r.confidence.explanation)\n\n"
        out += "## Context\n\n"
        let given = catalog.questions.filter { r.profile[$0.key] != nil }
        if given.isEmpty {
            out += "No answers were given; the decision rests on defaults alone.\n\n"
        } else {
            out += "| Question | Answer |\n| --- | --- |\n"
            for q in given { out += "| \(cell(q.prompt)) (`\(q.key)`) | `\(r.profile[q.key]!.text)` |\n" }
            out += "\n"
        }
        let missing = catalog.questions.filter { r.profile[$0.key] == nil }
        if !missing.isEmpty {
            out += "Not answered (no default assumed; rules that need them did not fire): " + missing.map { "`\($0.key)`" }.joined(separator: ", ") + ".\n\n"
        }
        out += "## Decision\n\nUse **\(pick.service.name)** (`\(pick.service.id)`), score \(JSON.format(number: pick.score)). \(pick.service.summary)\n\n"
        for f in pick.earned {
            out += "- \(f.text)\(cite(f.source))\n"
        }
        if !pick.exclusions.isEmpty {
            out += "\nUnmet requirements:\n\n"
            for f in pick.exclusions { out += "- \(f.text)\(cite(f.source))\n" }
        }
        if !pick.configuration.isEmpty {
            out += "\nConfiguration:\n\n"
            for f in pick.configuration { out += "- \(f.text)\(cite(f.source))\n" }
        }
        if let plan = r.migration {
            out += "\n### Migration path: \(plan.engine) → \(pick.service.id) (\(plan.kind))\n\n"
            if let path = plan.path { out += "- \(path.text)\(cite(path.source))\n" }
            if let compatibility = plan.compatibility { out += "- Compatibility: \(compatibility.text)\(cite(compatibility.source))\n" }
            for tool in plan.tools { out += "- \(tool.text)\(cite(tool.source))\n" }
            if let mode = plan.modes.first(where: { $0.id == plan.recommendedMode }) { out += "- Suggested AWS DMS task type: \(mode.text)\(cite(mode.source))\n" }
            for item in plan.managedForYou { out += "- Managed for you: \(item.text)\(cite(item.source))\n" }
            for change in plan.applicationChanges { out += "- Application change: \(change.text)\(cite(change.source))\n" }
        }
        out += "\n## Alternatives considered\n\n"
        if r.alternatives.isEmpty { out += "None: every other service is ruled out.\n" }
        for (a, whyNot) in r.alternatives.prefix(5) {
            out += "- **\(a.service.name)** (`\(a.service.id)`, score \(JSON.format(number: a.score))): \(whyNot.first?.text ?? "")\n"
        }
        if r.alternatives.count > 5 {
            out += "- Also ranked: " + r.alternatives.dropFirst(5).map { "`\($0.0.service.id)` (\(JSON.format(number: $0.0.score)))" }.joined(separator: ", ") + "\n"
        }
        if !r.excluded.isEmpty {
            out += "\n### Ruled out\n\n| Service | Because |\n| --- | --- |\n"
            for a in r.excluded { out += "| `\(a.service.id)` | \(cell(a.exclusions.first?.text ?? ""))\(cite(a.exclusions.first?.source ?? "")) |\n" }
        }
        out += "\n## Consequences\n\n"
        let tradeOffs = pick.scoreFindings.filter { $0.weight < 0 }
        for f in tradeOffs { out += "- Trade-off: \(f.text)\(cite(f.source))\n" }
        if let idle = pick.service.fact("idleMonthlyCost") {
            out += "- Idle or minimum cost (estimate): \(idle.text)\(cite(idle.source))\n"
        }
        for w in r.warnings { out += "- Warning: \(w.text)\n" }
        for e in r.estimates.prefix(3) {
            out += "- Estimate, `\(e.service)`: \(estimateLine(e))" + Set(e.prices.map(\.source)).sorted().map { cite($0) }.joined() + "\n"
        }
        if tradeOffs.isEmpty && r.warnings.isEmpty && pick.service.fact("idleMonthlyCost") == nil { out += "- None recorded.\n" }
        out += "\n## What would change this decision\n\n"
        if r.whatIf.isEmpty { out += "No single answer change moves the pick.\n" }
        var seen = Set<String>()
        for w in r.whatIf where seen.insert("\(w.key)=\(w.service)").inserted {
            out += "- `\(w.key)` = `\(w.value)` → `\(w.service)`\(r.profile[w.key] == nil ? " (not answered yet)" : "")\n"
            if seen.count >= 8 { break }
        }
        out += "\n## Sources\n\n"
        for (i, url) in sources.enumerated() { out += "\(i + 1). <\(url)>\n" }
        return out
    }
}
