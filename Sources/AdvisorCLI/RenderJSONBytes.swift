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

/// Compact JSON appended to a buffer of its own, copied out when done: literal pieces copied
/// as they are, strings and numbers as AdvisorCore's compact writer writes them. A line is
/// some 400 small pieces; each is a room check and a copy here, where an array's append also
/// checks that its storage is unshared and goes through the generic copy (about a hundred
/// instructions a piece).
struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// What AdvisorCore writes into an array (an escaped string, a finding or a price
    /// citation without its JSON), before it is copied in.
    private var scratch: [UInt8] = []

    init(capacity: Int = 1 << 15) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Moves what was written so far to the end of `out`, and goes on from empty (a long
    /// document, such as a plan, is moved piece by piece, not held twice).
    mutating func flush(into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// What was written so far and then a newline, as a line's answer, and goes on from empty
    /// (a batch line is copied once, into its answer).
    mutating func line() -> Batch.Rendered {
        byte(0x0A)
        defer { count = 0 }
        return Batch.Rendered(UnsafeRawBufferPointer(start: base, count: count))
    }

    @inline(__always) private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let bigger = max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }

    @inline(__always) private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always) mutating func raw(_ s: StaticString) {
        append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func bytes(_ a: [UInt8]) { a.withUnsafeBytes { append($0) } }

    /// A string as `JSON.appendString` writes it: one that needs no escape copied whole
    /// between its quotes, any other written by AdvisorCore.
    mutating func string(_ s: String) {
        var s = s
        let plain = s.withUTF8 { utf8 -> Bool in
            guard JSON.needsNoEscape(utf8) else { return false }
            byte(UInt8(ascii: "\""))
            append(UnsafeRawBufferPointer(utf8))
            byte(UInt8(ascii: "\""))
            return true
        }
        if !plain {
            scratch.removeAll(keepingCapacity: true)
            JSON.appendString(s, to: &scratch)
            bytes(scratch)
        }
    }

    /// A number as `JSON.appendNumber` writes it, its digits copied straight in.
    mutating func number(_ n: Double) {
        if !JSON.withNumberBytes(n, { append(UnsafeRawBufferPointer($0)) }) { raw("null") }
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

    mutating func strings(_ list: [String]) { array(list) { $0.string($1) } }

    mutating func findings(_ list: [Finding], withSource: Bool) { array(list) { $0.finding($1, withSource: withSource) } }

    mutating func finding(_ f: borrowing Finding, withSource: Bool) {
        if f.withKeptJSON(withSource: withSource, { append($0) }) { return }
        scratch.removeAll(keepingCapacity: true)
        f.appendJSON(withSource: withSource, to: &scratch)
        bytes(scratch)
    }

    mutating func recommendation(_ r: Recommendation, catalog: Catalog) {
        raw(#"{"schemaVersion":1,"catalogVersion":"#)
        string(catalog.version)
        raw(#","profile":{"#)
        var first = true
        // By position: a question is not copied for its key.
        for q in catalog.questions.indices {
            let key = catalog.questions[q].key
            guard let answer = r.profile.answers[key] else { continue }
            if !first { raw(",") }
            first = false
            string(key)
            raw(":")
            string(answer.text)
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
        raw(#"},"alternatives":"#)
        array(r.alternatives) { w, alternative in
            let (a, whyNot) = alternative
            w.raw("{")
            w.bytes(a.service.jsonMembers)
            w.raw(#","score":"#)
            w.number(a.score)
            w.raw(#","whyNot":"#)
            w.findings(whyNot, withSource: false)
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
        array(r.estimates) { $0.estimate($1) }
        raw("}")
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
            w.scratch.removeAll(keepingCapacity: true)
            p.appendJSON(to: &w.scratch)
            w.bytes(w.scratch)
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
