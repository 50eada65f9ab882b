import AdvisorCore

/// A recommendation's JSON (`Render.json`) written straight into bytes, without building the
/// tree: what batch writes for every line. The bytes are exactly `json(r, catalog:).compactBytes()`
/// (the same members in the same order, the same escaping and number formatting); a test over
/// thousands of generated profiles holds the two together.
extension Render {
    static func writeJSON(_ r: Recommendation, catalog: Catalog, to out: inout [UInt8]) {
        var w = JSONBytes(out: [])
        swap(&w.out, &out)
        w.recommendation(r, catalog: catalog)
        swap(&w.out, &out)
    }
}

/// Compact JSON appended to a byte buffer: literal pieces copied as they are, strings and
/// numbers written by AdvisorCore's compact writer.
struct JSONBytes {
    var out: [UInt8]

    @inline(__always) mutating func raw(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always) mutating func string(_ s: String) { JSON.appendString(s, to: &out) }
    @inline(__always) mutating func number(_ n: Double) { JSON.appendNumber(n, to: &out) }

    mutating func strings(_ list: [String]) {
        raw("[")
        for (i, s) in list.enumerated() {
            if i > 0 { raw(",") }
            string(s)
        }
        raw("]")
    }

    mutating func findings(_ list: [Finding], withSource: Bool) {
        raw("[")
        for (i, f) in list.enumerated() {
            if i > 0 { raw(",") }
            raw(#"{"rule":"#)
            string(f.rule)
            raw(#","text":"#)
            string(f.text)
            if f.weight != 0 {
                raw(#","weight":"#)
                number(f.weight)
            }
            if withSource && !f.source.isEmpty {
                raw(#","source":"#)
                string(f.source)
            }
            raw("}")
        }
        raw("]")
    }

    mutating func recommendation(_ r: Recommendation, catalog: Catalog) {
        raw(#"{"schemaVersion":1,"catalogVersion":"#)
        string(catalog.version)
        raw(#","profile":{"#)
        var first = true
        for q in catalog.questions {
            guard let answer = r.profile.answers[q.key] else { continue }
            if !first { raw(",") }
            first = false
            string(q.key)
            raw(":")
            string(answer.text)
        }
        let pick = r.pick
        raw(#"},"recommendation":{"service":"#)
        string(pick.service.id)
        raw(#","name":"#)
        string(pick.service.name)
        raw(#","score":"#)
        number(pick.score)
        raw(#","confidence":"#)
        string(r.confidence.level.rawValue)
        raw(#","configuration":["#)
        for (i, f) in pick.configuration.enumerated() {
            if i > 0 { raw(",") }
            string(f.text)
        }
        raw(#"],"reasons":"#)
        findings(pick.scoreFindings.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }, withSource: true)
        raw(#","confidenceExplanation":"#)
        string(r.confidence.explanation)
        if pick.isExcluded {
            raw(#","unmet":"#)
            findings(pick.exclusions, withSource: true)
        }
        if let plan = r.migration {
            raw(#","migration":"#)
            migration(plan)
        }
        raw(#"},"alternatives":["#)
        for (i, (a, whyNot)) in r.alternatives.enumerated() {
            if i > 0 { raw(",") }
            raw(#"{"service":"#)
            string(a.service.id)
            raw(#","name":"#)
            string(a.service.name)
            raw(#","score":"#)
            number(a.score)
            raw(#","whyNot":"#)
            findings(whyNot, withSource: false)
            raw("}")
        }
        raw(#"],"excluded":["#)
        for (i, a) in r.excluded.enumerated() {
            if i > 0 { raw(",") }
            raw(#"{"service":"#)
            string(a.service.id)
            raw(#","name":"#)
            string(a.service.name)
            raw(#","because":"#)
            findings(a.exclusions, withSource: true)
            raw("}")
        }
        raw(#"],"warnings":["#)
        for (i, w) in r.warnings.enumerated() {
            if i > 0 { raw(",") }
            string(w.text)
        }
        raw("]")
        // whatIf is absent when it was not computed: an empty list means no single answer
        // changes the pick.
        if r.whatIfComputed {
            raw(#","whatIf":["#)
            for (i, w) in r.whatIf.enumerated() {
                if i > 0 { raw(",") }
                raw(#"{"key":"#)
                string(w.key)
                raw(#","value":"#)
                string(w.value)
                raw(#","service":"#)
                string(w.service)
                raw("}")
            }
            raw("]")
        }
        raw(#","estimates":["#)
        for (i, e) in r.estimates.enumerated() {
            if i > 0 { raw(",") }
            estimate(e)
        }
        raw("]}")
    }

    mutating func range(_ r: CostRange?) {
        guard let r else { raw("null"); return }
        raw(#"{"low":"#)
        number(Render.rounded(r.low))
        raw(#","high":"#)
        number(Render.rounded(r.high))
        raw("}")
    }

    mutating func estimate(_ e: Estimate) {
        raw(#"{"service":"#)
        string(e.service)
        raw(#","monthlyUSD":"#)
        range(e.monthlyUSD)
        raw(#","parts":["#)
        for (i, p) in e.parts.enumerated() {
            if i > 0 { raw(",") }
            raw(#"{"item":"#)
            string(p.item)
            raw(#","monthlyUSD":"#)
            range(p.monthlyUSD)
            raw(#","basis":"#)
            string(p.basis)
            raw(#","missing":"#)
            strings(p.missing)
            raw("}")
        }
        raw(#"],"missing":"#)
        strings(e.missing)
        raw(#","region":"#)
        string(e.region)
        raw(#","prices":["#)
        for (i, p) in e.prices.enumerated() {
            if i > 0 { raw(",") }
            raw(#"{"text":"#)
            string(p.text)
            raw(#","source":"#)
            string(p.source)
            raw(#","asOf":"#)
            string(p.asOf)
            raw("}")
        }
        raw(#"],"assumptions":"#)
        strings(e.assumptions)
        raw(#","notes":"#)
        strings(e.notes)
        raw("}")
    }

    mutating func entries(_ list: [GuideEntry]) {
        raw("[")
        for (i, g) in list.enumerated() {
            if i > 0 { raw(",") }
            raw(#"{"id":"#)
            string(g.id)
            raw(#","text":"#)
            string(g.text)
            raw(#","source":"#)
            string(g.source)
            raw("}")
        }
        raw("]")
    }

    mutating func migration(_ plan: MigrationPlan) {
        raw(#"{"from":"#)
        string(plan.engine)
        raw(#","to":"#)
        string(plan.target.id)
        raw(#","kind":"#)
        string(plan.kind)
        raw(#","schemaConversion":"#)
        if plan.needsSchemaConversion { raw("true") } else { raw("false") }
        raw(#","recommendedMode":"#)
        string(plan.recommendedMode)
        if let path = plan.path {
            raw(#","path":{"text":"#)
            string(path.text)
            raw(#","tools":"#)
            strings(path.tools)
            raw(#","source":"#)
            string(path.source)
            raw("}")
        }
        if let compatibility = plan.compatibility {
            raw(#","compatibility":{"text":"#)
            string(compatibility.text)
            raw(#","source":"#)
            string(compatibility.source)
            raw("}")
        }
        raw(#","modes":"#)
        entries(plan.modes)
        raw(#","tools":"#)
        entries(plan.tools)
        raw(#","managedForYou":"#)
        entries(plan.managedForYou)
        raw(#","applicationChanges":"#)
        entries(plan.applicationChanges)
        raw("}")
    }
}
