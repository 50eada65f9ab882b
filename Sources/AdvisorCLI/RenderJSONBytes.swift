import AdvisorCore

/// A recommendation's JSON (`Render.json`) written straight into bytes, without building the
/// tree: what batch writes for every line. The bytes are exactly `json(r, catalog:).compactBytes()`
/// (the same members in the same order, the same escaping and number formatting); a test over
/// thousands of generated profiles holds the two together.
extension Render {
    static func writeJSON(_ r: Recommendation, catalog: Catalog, to out: inout [UInt8]) {
        var w = JSONBytes()
        w.recommendation(r, catalog: catalog)
        w.flush(into: &out)
    }
}

/// Batch's JSON line writer: AdvisorCore's, with the members of a recommendation.
typealias JSONBytes = JSONWriter

extension JSONWriter {
    /// What was written so far and then a newline, as a line's answer, and goes on from empty
    /// (the answer takes the writer's buffer: a batch line is not copied).
    mutating func line() -> Batch.Rendered {
        byte(0x0A)
        let (bytes, count) = takeBuffer()
        return Batch.Rendered(adopting: bytes, count: count)
    }

    /// `[`, each element written by `element`, separated by commas, `]`. The elements are
    /// lent, not copied: a copy of an assessment or a finding counts references in and out.
    @inline(__always) mutating func array<T>(_ list: [T], _ element: (inout JSONBytes, borrowing T) -> Void) {
        raw("[")
        list.withUnsafeBufferPointer { items in
            for i in items.indices {
                if i > 0 { raw(",") }
                element(&self, items[i])
            }
        }
        raw("]")
    }

    /// The same for assessments read where they lie in their ranked list.
    @inline(__always) mutating func array(_ list: RankedAssessments, _ element: (inout JSONBytes, borrowing Assessment) -> Void) {
        raw("[")
        list.withLent { items, positions in
            for i in positions.indices {
                if i > 0 { raw(",") }
                element(&self, items[positions[i]])
            }
        }
        raw("]")
    }

    mutating func strings(_ list: [String]) { array(list) { $0.string($1) } }

    /// The recommendation, its estimates among them.
    mutating func recommendation(_ r: Recommendation, catalog: Catalog) {
        precondition(r.estimatesComputed, "a recommendation made without its estimates is written with the engine that made it")
        members(r, catalog: catalog)
        array(r.estimates) { $0.estimate($1) }
        raw("}")
    }

    /// The recommendation. Its estimates, when `recommend` left them out, are written by
    /// `engine` as they are worked out (batch), in `workspace`'s builders: they are never made
    /// as values. (Not one function with an optional engine or a closure: either copies the
    /// engine.) `line`, the line `r`'s profile was read from when the line reader read it,
    /// gives the profile's answers, written in the questions' order.
    mutating func recommendation(_ r: Recommendation, catalog: Catalog, engine: Engine, estimates workspace: EstimateWorkspace, line: ReadLine? = nil) {
        members(r, catalog: catalog, line: line)
        if r.estimatesComputed { array(r.estimates) { $0.estimate($1) } } else { engine.writeEstimates(r, to: &self, in: workspace) }
        raw("}")
    }

    /// The recommendation's members up to `"estimates":`.
    private mutating func members(_ r: Recommendation, catalog: Catalog, line: ReadLine? = nil) {
        raw(#"{"schemaVersion":1,"catalogVersion":"#)
        string(catalog.version)
        raw(#","profile":{"#)
        var first = true
        func member(_ key: String, _ text: String) {
            if !first { raw(",") }
            first = false
            string(key)
            raw(":")
            string(text)
        }
        if let line {
            // The answers' texts as the line reader wrote them (once a line), after their
            // keys as laid out once.
            line.forEachMemberInQuestionOrder { key, text in
                if !first { raw(",") }
                first = false
                append(key)
                string(text)
            }
        } else {
            // By position: a question is not copied for its key.
            for q in catalog.questions.indices {
                let key = catalog.questions[q].key
                if let answer = r.profile[key] { member(key, answer.text) }
            }
        }
        let pick = r.pick
        raw(#"},"recommendation":{"#)
        bytes(pick.service.jsonMembers)
        raw(#","score":"#)
        number(pick.score)
        raw(#","confidence":"#)
        string(r.confidence.level.rawValue)
        raw(#","configuration":"#)
        array(pick.configuration) { $0.string($1.text) }
        raw(#","reasons":"#)
        earnedFindings(of: pick, withSource: true)
        raw(#","confidenceExplanation":"#)
        explanation(of: r.confidence)
        if pick.isExcluded {
            raw(#","unmet":"#)
            findings(pick.exclusions, withSource: true)
        }
        if let plan = r.migration {
            raw(#","migration":"#)
            migration(plan)
        }
        raw(#"},"alternatives":"#)
        // The members read where they lie: `let (a, whyNot) = alternative` copied the
        // assessment and the list, a reference counted in and out for each of its lists.
        array(r.alternatives) { w, alternative in
            w.raw("{")
            w.bytes(alternative.0.service.jsonMembers)
            w.raw(#","score":"#)
            w.number(alternative.0.score)
            w.raw(#","whyNot":"#)
            w.findings(alternative.whyNot, withSource: false)
            w.raw("}")
        }
        raw(#","excluded":"#)
        array(r.excluded) { w, a in
            w.raw("{")
            w.bytes(a.service.jsonMembers)
            w.raw(#","because":"#)
            w.findings(a.exclusions, withSource: true)
            w.raw("}")
        }
        raw(#","warnings":"#)
        array(r.warnings) { $0.string($1.text) }
        // whatIf is absent when it was not computed: an empty list means no single answer
        // changes the pick.
        if r.whatIfComputed {
            raw(#","whatIf":"#)
            array(r.whatIf) { w, change in
                w.raw(#"{"key":"#)
                w.string(change.key)
                w.raw(#","value":"#)
                w.string(change.value)
                w.raw(#","service":"#)
                w.string(change.service)
                w.raw("}")
            }
        }
        raw(#","estimates":"#)
    }

    mutating func estimate(_ e: Estimate) {
        raw(#"{"service":"#)
        string(e.service)
        raw(#","monthlyUSD":"#)
        range(e.monthlyUSD)
        raw(#","parts":"#)
        array(e.parts) { w, p in
            w.raw(#"{"item":"#)
            w.string(p.item)
            w.raw(#","monthlyUSD":"#)
            w.range(p.monthlyUSD)
            w.raw(#","basis":"#)
            w.string(p.basis)
            w.raw(#","missing":"#)
            w.strings(p.missing)
            w.raw("}")
        }
        raw(#","missing":"#)
        strings(e.missing)
        raw(#","region":"#)
        string(e.region)
        raw(#","prices":"#)
        array(e.prices) { w, p in
            if let kept = p.json { return w.bytes(kept) }
            w.appending { p.appendJSON(to: &$0) }
        }
        raw(#","assumptions":"#)
        strings(e.assumptions)
        raw(#","notes":"#)
        strings(e.notes)
        raw("}")
    }

    mutating func entries(_ list: [GuideEntry]) {
        array(list) { w, g in
            w.raw(#"{"id":"#)
            w.string(g.id)
            w.raw(#","text":"#)
            w.string(g.text)
            w.raw(#","source":"#)
            w.string(g.source)
            w.raw("}")
        }
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
