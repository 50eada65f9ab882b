import AdvisorCore
import Foundation

/// Turns a recommendation into the JSON contract of PRODUCT.md, or into text for people.
/// Renderers decide nothing: every word comes from the catalog or the engine.
public enum Render {
    public static func json(_ r: Recommendation, catalog: Catalog) -> JSON {
        func findings(_ list: [Finding], withSource: Bool) -> JSON {
            .array(list.map { f in
                var members: [(String, JSON)] = [("rule", .string(f.rule)), ("text", .string(f.text))]
                if withSource && !f.source.isEmpty { members.append(("source", .string(f.source))) }
                return .object(members)
            })
        }
        let pick = r.pick
        let reasons = pick.scoreFindings.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }
        var recommendation: [(String, JSON)] = [
            ("service", .string(pick.service.id)), ("name", .string(pick.service.name)), ("score", .number(pick.score)),
            ("confidence", .string(r.confidence)),
            ("configuration", .array(pick.configuration.map { .string($0.text) })),
            ("reasons", findings(reasons, withSource: true)),
        ]
        if pick.isExcluded { recommendation.append(("unmet", findings(pick.exclusions, withSource: true))) }
        return .object([
            ("schemaVersion", .number(1)),
            ("catalogVersion", .string(catalog.version)),
            ("profile", r.profile.json(order: catalog.questions)),
            ("recommendation", .object(recommendation)),
            ("alternatives", .array(r.alternatives.map { a, whyNot in
                .object([("service", .string(a.service.id)), ("name", .string(a.service.name)), ("score", .number(a.score)), ("whyNot", findings(whyNot, withSource: false))])
            })),
            ("excluded", .array(r.excluded.map { a in
                .object([("service", .string(a.service.id)), ("name", .string(a.service.name)), ("because", findings(a.exclusions, withSource: false))])
            })),
            ("warnings", .array(r.warnings.map(JSON.string))),
            ("whatIf", .array(r.whatIf.map { .object([("key", .string($0.key)), ("value", .string($0.value)), ("service", .string($0.service))]) })),
        ])
    }

    public static func text(_ r: Recommendation, catalog: Catalog, width: Int, style st: Style) -> String {
        let pick = r.pick
        var out = st.bold("Recommended: \(pick.service.name) (\(pick.service.id))") + "  confidence \(r.confidence), score \(JSON.format(number: pick.score))\n"
        out += wrap(pick.service.summary, width: width, indent: 2, firstIndent: 2) + "\n"
        if pick.isExcluded {
            out += "\n" + st.red("Unmet requirements:") + "\n"
            for f in pick.exclusions { out += wrap("✗ " + f.text, width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        let reasons = pick.scoreFindings.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }
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
        if !r.alternatives.isEmpty {
            out += "\n" + st.bold("Alternatives") + "\n"
            let top = max(pick.score, r.alternatives.map(\.0.score).max() ?? 0, 1)
            let idWidth = min(26, r.alternatives.map(\.0.service.id.count).max() ?? 10)
            for (a, whyNot) in r.alternatives.prefix(6) {
                let barWidth = 20
                let ratio: Double = a.score <= 0 ? 0 : a.score / top
                let filled: Int = min(barWidth, Int((ratio * Double(barWidth)).rounded()))
                let bar: String = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
                let label: String = pad(a.service.id, idWidth)
                out += "  \(label)  \(st.dim(bar))  \(JSON.format(number: a.score))\n"
                if let first = whyNot.first {
                    out += st.dim(wrap(first.text, width: width, indent: 6, firstIndent: 6)) + "\n"
                }
            }
            if r.alternatives.count > 6 {
                out += "  … and \(r.alternatives.count - 6) more: " + r.alternatives.dropFirst(6).map { "\($0.0.service.id) (\(JSON.format(number: $0.0.score)))" }.joined(separator: ", ") + "\n"
            }
        }
        if !r.excluded.isEmpty {
            out += "\n" + st.bold("Ruled out") + "\n"
            let idWidth = min(26, r.excluded.map(\.service.id.count).max() ?? 10)
            for a in r.excluded {
                let body = wrap(a.exclusions.first?.text ?? "", width: width, indent: idWidth + 4)
                out += "  " + pad(a.service.id, idWidth) + "  " + body.dropFirst(idWidth + 4) + "\n"
            }
        }
        if !r.warnings.isEmpty {
            out += "\n" + st.yellow("Warnings") + "\n"
            for w in r.warnings { out += wrap("! " + w, width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        if !r.whatIf.isEmpty {
            out += "\n" + st.bold("What would change the pick") + "\n"
            var seen = Set<String>()
            for w in r.whatIf where seen.insert(w.key).inserted {
                let answered = r.profile[w.key] != nil
                out += "  --\(w.key) \(w.value) → \(w.service)" + (answered ? "" : st.dim("  (unanswered)")) + "\n"
                if seen.count >= 5 { break }
            }
        }
        return out
    }
}
