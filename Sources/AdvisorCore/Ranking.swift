/// A rule that fired, with its reason written out for this profile and service.
///
/// Its fields are held in one immutable box: a finding is copied often (from a memo into an
/// assessment, into a recommendation, out to a writer), and a copy then costs one reference
/// count instead of one per string and array. A change replaces the box (a finding is seldom
/// changed once written).
public struct Finding: Equatable, @unchecked Sendable {  // its box never changes once made
    /// The box holding the fields, with the kept JSON laid out right after them (read where the
    /// fields are read: in memory of its own, it was one more place to fetch, some 40 findings
    /// a batch line). Every field is set once, its kept bytes too.
    final class Storage: ManagedBuffer<Storage.Fields, UInt8> {
        struct Fields {
            let rule: String
            let text: String
            let source: String
            let weight: Double
            let subjectLength: Int
            /// How many bytes of JSON are kept with the source and without it (-1: none); the
            /// first run lies first.
            let withSource: Int
            let withoutSource: Int
        }

        static func make(rule: String, text: String, source: String, weight: Double, subjectLength: Int, json: [UInt8]?, jsonWithoutSource: [UInt8]?) -> Storage {
            let with = json?.count ?? 0, without = jsonWithoutSource?.count ?? 0
            let box = Storage.create(minimumCapacity: with + without) { _ in
                Fields(rule: rule, text: text, source: source, weight: weight, subjectLength: subjectLength,
                       withSource: json == nil ? -1 : with, withoutSource: jsonWithoutSource == nil ? -1 : without)
            }
            box.withUnsafeMutablePointerToElements { bytes in
                json?.withUnsafeBufferPointer { if let from = $0.baseAddress { bytes.initialize(from: from, count: with) } }
                jsonWithoutSource?.withUnsafeBufferPointer { if let from = $0.baseAddress { (bytes + with).initialize(from: from, count: without) } }
            }
            return unsafeDowncast(box, to: Storage.self)
        }

        var rule: String { header.rule }
        var text: String { header.text }
        var source: String { header.source }
        var weight: Double { header.weight }
        var subjectLength: Int { header.subjectLength }
        var json: UnsafeRawBufferPointer? { json(withSource: true) }
        var jsonWithoutSource: UnsafeRawBufferPointer? { json(withSource: false) }

        /// The kept JSON with its source or without; nil when none is kept. Lent: valid while
        /// the box is.
        @inline(__always) func json(withSource: Bool) -> UnsafeRawBufferPointer? {
            let count = withSource ? header.withSource : header.withoutSource
            guard count >= 0 else { return nil }
            let start = withSource ? 0 : max(header.withSource, 0)
            return withUnsafeMutablePointerToElements { UnsafeRawBufferPointer(start: $0 + start, count: count) }
        }
    }

    fileprivate var storage: Storage

    /// A new box with the fields given, the others as they are. A change to what the JSON
    /// shows drops the JSON written from it.
    private mutating func change(rule: String? = nil, text: String? = nil, source: String? = nil, weight: Double? = nil, subjectLength: Int? = nil) {
        let old = storage
        let shown = rule != nil || text != nil || weight != nil
        storage = Storage.make(rule: rule ?? old.rule, text: text ?? old.text, source: source ?? old.source, weight: weight ?? old.weight,
                          subjectLength: subjectLength ?? old.subjectLength,
                          json: shown || source != nil ? nil : old.json.map(Array.init), jsonWithoutSource: shown ? nil : old.jsonWithoutSource.map(Array.init))
    }

    public var rule: String {
        get { storage.rule }
        set { change(rule: newValue) }
    }
    public var text: String {
        get { storage.text }
        set { change(text: newValue) }
    }
    public var source: String {
        get { storage.source }
        set { change(source: newValue) }
    }
    public var weight: Double {
        get { storage.weight }
        set { change(weight: newValue) }
    }
    /// How many leading characters of `text` name the service it is about (its rule's reason
    /// begins with {service}); 0 otherwise. A renderer that already shows the service drops
    /// them by count, without reading the sentence.
    public var subjectLength: Int {
        get { storage.subjectLength }
        set { change(subjectLength: newValue) }
    }
    /// The finding as a JSON object with its source (`appendJSON`), written once and kept
    /// with a memoised reason (`ReasonMemo`); nil when it is written per use. Not part of
    /// the finding's value: two findings with the same fields are equal either way.
    public var json: [UInt8]? { storage.json.map(Array.init) }
    /// The same without its source (how why-not lists show a finding: a penalty, or the
    /// pick's gain), written once with `json` for a kept penalty and for the pick's gains
    /// (`Engine.Gains`); nil when written per use.
    public var jsonWithoutSource: [UInt8]? { storage.jsonWithoutSource.map(Array.init) }

    /// A finding without kept JSON (`keepJSON` writes it from the fields, so it always says
    /// what they say).
    init(rule: String, text: String, source: String, weight: Double, subjectLength: Int = 0) {
        storage = Storage.make(rule: rule, text: text, source: source, weight: weight, subjectLength: subjectLength, json: nil, jsonWithoutSource: nil)
    }

    /// The box holding the fields: the same for copies of one finding (a memo's key; two
    /// boxes may hold equal fields, and a box freed may be followed by another at its address).
    var identity: ObjectIdentifier { ObjectIdentifier(storage) }

    public static func == (a: Finding, b: Finding) -> Bool {
        a.rule == b.rule && a.text == b.text && a.source == b.source && a.weight == b.weight && a.subjectLength == b.subjectLength
    }

    /// Writes the finding's JSON once, to be copied from then on: with its source, and
    /// without it, each when asked for.
    mutating func keepJSON(withSource: Bool, withoutSource: Bool) {
        // What is kept already was written from these fields (a change drops it), so
        // `appendJSON` gives the fields' JSON either way.
        var with: [UInt8] = [], without: [UInt8] = []
        // Room for the object as written when nothing needs an escape (the catalog's texts,
        // nearly always), given once: grown from empty, each list was copied five or six times.
        let room = 40 + rule.utf8.count + text.utf8.count
        if withSource {
            with.reserveCapacity(room + source.utf8.count)
            appendJSON(withSource: true, to: &with)
        }
        if withoutSource {
            without.reserveCapacity(room)
            appendJSON(withSource: false, to: &without)
        }
        storage = Storage.make(rule: rule, text: text, source: source, weight: weight, subjectLength: subjectLength,
                          json: withSource ? with : nil, jsonWithoutSource: withoutSource ? without : nil)
    }

    /// Hands `body` the bytes of the kept JSON (with its source or without), lent from the
    /// finding's box rather than copied out of it; false when none is kept.
    public func withKeptJSON(withSource: Bool, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard let kept = storage.json(withSource: withSource) else { return false }
        body(kept)
        return true
    }

    /// Appends the finding as a JSON object: `rule`, `text`, `weight` unless 0, and `source`
    /// when asked for and not empty (the shape `recommend --format json` gives a finding).
    public func appendJSON(withSource: Bool, to out: inout [UInt8]) {
        if let kept = storage.json(withSource: withSource) {
            out.append(contentsOf: kept)
            return
        }
        JSON.appendLiteral(#"{"rule":"#, to: &out)
        JSON.appendString(rule, to: &out)
        JSON.appendLiteral(#","text":"#, to: &out)
        JSON.appendString(text, to: &out)
        if weight != 0 {
            JSON.appendLiteral(#","weight":"#, to: &out)
            JSON.appendNumber(weight, to: &out)
        }
        if withSource && !source.isEmpty {
            JSON.appendLiteral(#","source":"#, to: &out)
            JSON.appendString(source, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension Finding.Storage: CustomReflectable {
    /// The kept JSON shown as its bytes, not as where they lie: equal findings reflect the same
    /// wherever their JSON was kept (tests compare recommendations made by two engines so).
    var customMirror: Mirror {
        Mirror(self, children: ["rule": rule, "text": text, "source": source, "weight": weight, "subjectLength": subjectLength,
                                "json": json.map(Array.init) as [UInt8]? as Any, "jsonWithoutSource": jsonWithoutSource.map(Array.init) as [UInt8]? as Any])
    }
}

extension JSONWriter {
    /// A list of findings as `finding` writes each, in brackets. Each finding's box is read
    /// where it lies (`_withUnsafeGuaranteedRef`): handed on as a finding, each was counted in
    /// and out (some 50 a batch line).
    public mutating func findings(_ list: [Finding], withSource: Bool) {
        byte(UInt8(ascii: "["))
        list.withUnsafeBufferPointer { items in
            for i in items.indices {
                if i > 0 { byte(UInt8(ascii: ",")) }
                item(items[i], withSource: withSource)
            }
        }
        byte(UInt8(ascii: "]"))
    }

    /// What counts for `a`, heaviest first (`Assessment.earned`), as `findings` writes a list:
    /// read where the findings lie, by the positions `withEarnedPositions` lays out.
    public mutating func earnedFindings(of a: Assessment, withSource: Bool) {
        byte(UInt8(ascii: "["))
        a.withEarnedPositions { positions in
            a.scoreFindings.withUnsafeBufferPointer { items in
                for i in positions.indices {
                    if i > 0 { byte(UInt8(ascii: ",")) }
                    item(items[positions[i]], withSource: withSource)
                }
            }
        }
        byte(UInt8(ascii: "]"))
    }

    /// One finding of a list, read where it lies: its kept JSON, else its fields.
    @inline(__always)
    private mutating func item(_ finding: borrowing Finding, withSource: Bool) {
        let kept = Unmanaged.passUnretained(finding.storage)._withUnsafeGuaranteedRef { $0.json(withSource: withSource) }
        if let kept { append(kept) } else { fields(of: finding, withSource: withSource) }
    }

    /// A finding as `Finding.appendJSON` writes it: its kept JSON copied in, else written
    /// here from its fields (a reason written anew on each line, a few a batch line), not
    /// into an array first.
    public mutating func finding(_ f: borrowing Finding, withSource: Bool) {
        if f.withKeptJSON(withSource: withSource, { append($0) }) { return }
        fields(of: f, withSource: withSource)
    }

    /// A finding written from its fields (`finding` without kept JSON).
    private mutating func fields(of f: borrowing Finding, withSource: Bool) {
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
        byte(UInt8(ascii: "}"))
    }
}

/// How one service fared: its exclusions, its score and the findings behind it.
public struct Assessment: Sendable {
    public var service: Service
    public var score: Double
    public var scoreFindings: [Finding]
    public var exclusions: [Finding]
    public var configuration: [Finding]

    public var isExcluded: Bool { !exclusions.isEmpty }

    /// Hands `body` the positions in `scoreFindings` of the findings that count for the
    /// service (weight above 0), heaviest first and equal weights in list order: the order of
    /// `scoreFindings.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }` (the
    /// library's sort is stable), laid out on the stack, not in two lists made and freed (the
    /// filter's grown an element at a time: some five allocations each time, twice a batch
    /// line). A few findings: sorted by insertion.
    @inlinable
    public func withEarnedPositions<R>(_ body: (UnsafeBufferPointer<Int>) throws -> R) rethrows -> R {
        try scoreFindings.withUnsafeBufferPointer { findings in
            try withUnsafeTemporaryAllocation(of: Int.self, capacity: findings.count) { room in
                var n = 0
                for k in findings.indices where findings[k].weight > 0 {
                    // After every position of a weight at least this one's.
                    var j = n
                    while j > 0, findings[room[j - 1]].weight < findings[k].weight {
                        room[j] = room[j - 1]
                        j -= 1
                    }
                    room[j] = k
                    n += 1
                }
                return try body(UnsafeBufferPointer(rebasing: room[..<n]))
            }
        }
    }

    /// Those findings, in that order, in one list given its room once.
    public var earned: [Finding] {
        withEarnedPositions { positions in positions.map { scoreFindings[$0] } }
    }
}

/// A single-answer change that would change the pick.
public struct WhatIf: Equatable, Sendable {
    public var key: String
    public var value: String
    public var service: String
}

/// How sure the engine is of its pick, and why: the margin over the runner-up, which core
/// questions were answered, and which unanswered ones could change the pick.
public struct Confidence: Equatable, Sendable {
    public enum Level: String, Sendable { case low, medium, high }

    public var level: Level
    /// The pick's lead over the runner-up; nil when no other service fits.
    public var margin: Double?
    public var runnerUp: String?
    public var coreAnswered: [String]
    public var coreUnanswered: [String]
    /// Unanswered core questions for which some answer would change the pick (known only
    /// when what-if was computed).
    public var couldChangePick: [String]
    /// Whether nothing met every requirement and the pick is the closest fallback.
    public var fallback: Bool
    /// Whether the pick scores below the catalog's fit threshold.
    public var weakFit: Bool = false

    /// One sentence that says why the level is what it is.
    public var explanation: String { explanationSentence.string }

    /// The same as bytes, written into one buffer (batch writes one a line): the parts,
    /// separated by "; ".
    var explanationSentence: Sentence {
        if fallback { return "low: no service meets every requirement; the pick is the one whose unmet requirements weigh least." }
        var text = Sentence.StringInterpolation(literalCapacity: 160, interpolationCount: 0)
        text.appendInterpolation(level.rawValue)
        text.appendLiteral(": ")
        if weakFit { text.appendLiteral("the pick scores below the catalog's fit threshold; ") }
        if let margin, let runnerUp {
            if margin == 0 {
                text.appendLiteral("tied with ")
                text.appendInterpolation(runnerUp)
            } else {
                text.appendLiteral("leads ")
                text.appendInterpolation(runnerUp)
                text.appendLiteral(" by ")
                text.appendInterpolation(number: margin)
                text.appendLiteral(margin == 1 ? " point" : " points")
            }
        } else {
            text.appendLiteral("no other service fits")
        }
        text.appendLiteral("; ")
        text.appendInterpolation(coreAnswered.count)
        text.appendLiteral(" of ")
        text.appendInterpolation(coreAnswered.count + coreUnanswered.count)
        text.appendLiteral(" core questions answered")
        if !couldChangePick.isEmpty {
            text.appendLiteral("; unanswered ")
            for (k, key) in couldChangePick.enumerated() {
                if k > 0 { text.appendLiteral(", ") }
                text.appendInterpolation(key)
            }
            text.appendLiteral(" could change the pick")
        }
        text.appendLiteral(".")
        return Sentence(stringInterpolation: text)
    }
}

extension JSONWriter {
    /// `confidence.explanation` as `string` writes it, without making the string.
    public mutating func explanation(of confidence: Confidence) {
        confidence.explanationSentence.withBytes { escaped($0) }
    }
}

/// The engine's answer for one profile.
public struct Recommendation: Sendable {
    public var profile: Profile
    public var pick: Assessment
    public var confidence: Confidence
    public var alternatives: [(Assessment, whyNot: [Finding])]
    public var excluded: RankedAssessments
    public var warnings: [Warning]
    public var whatIf: [WhatIf]
    /// Whether what-if was computed (batch leaves it out unless asked): when not, `whatIf`
    /// is empty without meaning that no single answer changes the pick.
    public var whatIfComputed = true
    /// Whether the findings no output shows were left out (`recommend(..., onlyShown: true)`,
    /// batch's JSON lines): the score findings and configuration of excluded services and the
    /// configuration of alternatives are then empty. Everything a renderer shows is whole.
    public internal(set) var onlyShownFindings = false
    /// Sizing and cost estimates; filled by `recommend`.
    public var estimates: [Estimate] = []
    /// Whether `estimates` was filled: `recommend(..., withEstimates: false)` (batch's JSON
    /// lines) leaves it to the writer (`Engine.writeEstimates`).
    public internal(set) var estimatesComputed = true
    /// The path from the existing engine to the pick, when one was named; filled by `recommend`.
    public var migration: MigrationPlan? = nil
}

/// Some of a profile's assessments in rank order, read where they lie in the list that was
/// ranked: ranking copied each assessment into lists of its own (a reference counted in and out
/// for its service and each of its three lists: some 200 a batch line, and the lists freed).
public struct RankedAssessments: RandomAccessCollection, Sendable {
    /// Every assessment, as ranked (in catalog order when the engine ranked them).
    @usableFromInline let all: [Assessment]
    /// Positions in `all`, in rank order; these are `order[offset ..< offset + count]`.
    @usableFromInline let order: [Int]
    @usableFromInline let offset: Int
    public let count: Int

    init(_ all: [Assessment], order: [Int], _ range: Range<Int>) {
        self.all = all
        self.order = order
        offset = range.lowerBound
        count = range.count
    }

    /// Assessments in the order given.
    public init(_ list: [Assessment]) {
        self.init(list, order: Array(list.indices), list.indices)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(i: Int) -> Assessment {
        _read {
            precondition(i >= 0 && i < count, "index out of range")
            yield all[order[offset + i]]
        }
    }

    /// Hands `body` every assessment ranked, and these ones' positions among them in order,
    /// lent where they lie (a loop through the subscript copies each assessment it reads: a
    /// reference counted in and out for its service and each of its lists).
    @inlinable @inline(__always)
    public func withLent<R>(_ body: (_ all: UnsafeBufferPointer<Assessment>, _ positions: UnsafeBufferPointer<Int>) -> R) -> R {
        all.withUnsafeBufferPointer { items in
            order.withUnsafeBufferPointer { order in body(items, UnsafeBufferPointer(rebasing: order[offset..<offset + count])) }
        }
    }
}

/// Ranking: services that fit, by score, highest first; ties are broken by the rules the
/// catalog declares (catalog.json `ranking.tieBreak`), then by service id, and the output
/// says which decided. When nothing fits, the service still
/// open to new workloads whose unmet requirements weigh least is shown, flagged.
public enum Ranking {
    /// The services ranked for one profile.
    public struct Ranked: Sendable {
        public var pick: Assessment
        /// Services that fit, below the pick, best first.
        public var rest: RankedAssessments
        public var excluded: RankedAssessments
        /// Whether nothing fits and the pick is the fallback.
        public var relaxed: Bool
    }

    /// Service positions in tie-break order: the catalog's tie-break rules (lower idle cost,
    /// then less to operate), then the service id. Tie-breaks read facts only, so one order
    /// serves every profile.
    static func tieBreakOrder(_ catalog: Catalog) -> [Int] {
        catalog.services.indices.sorted { catalog.ranking.before(catalog.services[$0], catalog.services[$1]) }
    }

    /// How much one exclusion rule weighs: its weight, 100 when it has none.
    static func severity(of rule: Rule) -> Double { rule.weight == 0 ? 100 : abs(rule.weight) }

    /// What a service rule adds when it fires: to the score (a score rule's weight) or to the
    /// exclusions' severity (an exclude rule's); configure and warn rules add to neither.
    static func effect(of rule: Rule) -> (score: Double, severity: Double) {
        switch rule.effect {
        case .exclude: return (0, severity(of: rule))
        case .score: return (rule.weight, 0)
        case .configure, .warn: return (0, 0)
        }
    }

    /// How much a service's exclusions weigh.
    static func severity(_ a: Assessment) -> Double {
        a.exclusions.reduce(0) { $0 + ($1.weight == 0 ? 100 : abs($1.weight)) }
    }

    /// The highest score among `order` (already in tie-break order) that passes `keep`.
    static func best(_ order: [Int], scores: [Double], where keep: (Int) -> Bool) -> Int? {
        var best: Int? = nil
        for s in order where keep(s) {
            if best == nil || scores[s] > scores[best!] { best = s }
        }
        return best
    }

    /// The pick by totals alone (what-if, sweeps): the best that fits, else the fallback.
    static func pick(_ order: [Int], scores: [Double], severity: [Double], available isAvailable: [Bool]) -> Int {
        if let best = best(order, scores: scores, where: { severity[$0] == 0 }) { return best }
        let available = order.filter { isAvailable[$0] }
        let pool = available.isEmpty ? order : available
        let least = pool.map { severity[$0] }.min() ?? 0
        return best(pool, scores: scores, where: { severity[$0] == least })!
    }

    /// Ranks assessments: the eligible by score, ties broken by `tieBreakPosition[i]` (the
    /// position of assessment i's service in the policy's tie-break order, which compares each
    /// rule's fact in turn, then the id: a total order); when nothing is eligible, the fallback
    /// (available first, then the least severe exclusions) as the relaxed pick.
    static func rank(_ all: [Assessment], tieBreakPosition: [Int]) -> Ranked {
        // Positions sorted by plain keys read once, by insertion (a catalog holds at most 63
        // services): the library's sort through a closure that read `all[a].score` took some
        // 14 k instructions a batch line, and two lists made.
        let n = all.count
        var order = [Int](filledWith: 0, count: n)
        var eligibleCount = 0
        withUnsafeTemporaryAllocation(of: (score: Double, tie: Int).self, capacity: max(n, 1)) { keys in
            for i in 0..<n { keys.initializeElement(at: i, to: (all[i].score, tieBreakPosition[i])) }
            // Whether position a comes before position b: higher score, then tie-break position.
            func before(_ a: Int, _ b: Int) -> Bool {
                keys[a].score != keys[b].score ? keys[a].score > keys[b].score : keys[a].tie < keys[b].tie
            }
            // The eligible first, then the excluded, each run sorted in place.
            var k = 0
            for i in 0..<n where !all[i].isExcluded { order[k] = i; k += 1 }
            eligibleCount = k
            for i in 0..<n where all[i].isExcluded { order[k] = i; k += 1 }
            order.withUnsafeMutableBufferPointer { order in
                Ranking.insertionSort(order, 0..<eligibleCount, by: before)
                Ranking.insertionSort(order, eligibleCount..<n, by: before)
            }
        }
        if eligibleCount > 0 {
            return Ranked(pick: all[order[0]], rest: RankedAssessments(all, order: order, 1..<eligibleCount),
                          excluded: RankedAssessments(all, order: order, eligibleCount..<n), relaxed: false)
        }
        let byScore: (Int, Int) -> Bool = { a, b in
            all[a].score != all[b].score ? all[a].score > all[b].score : tieBreakPosition[a] < tieBreakPosition[b]
        }
        let available = all.map(\.service.lifecycle.isAvailableForNewWorkloads)
        let severities = all.map(severity)
        let fallback = all.indices.sorted { a, b in
            if available[a] != available[b] { return available[a] }
            if severities[a] != severities[b] { return severities[a] < severities[b] }
            return byScore(a, b)
        }
        let ordered = [fallback[0]] + fallback.dropFirst().sorted(by: byScore)
        return Ranked(pick: all[fallback[0]], rest: RankedAssessments(all, order: ordered, 1..<1),
                      excluded: RankedAssessments(all, order: ordered, 1..<n), relaxed: true)
    }

    /// Sorts `range` of `items` by `before` (a strict weak order), keeping equal items in
    /// their order (stable, as the library's sort).
    @inline(__always)
    static func insertionSort(_ items: UnsafeMutableBufferPointer<Int>, _ range: Range<Int>, by before: (Int, Int) -> Bool) {
        guard range.count > 1 else { return }
        for i in range.lowerBound + 1 ..< range.upperBound {
            let x = items[i]
            var j = i
            while j > range.lowerBound, before(x, items[j - 1]) {
                items[j] = items[j - 1]
                j -= 1
            }
            items[j] = x
        }
    }

    /// `rank` for assessments in any order: their tie-break positions are worked out here
    /// (the policy's order is total, so positions decide as it does).
    static func rank(_ all: [Assessment], policy: RankingPolicy) -> Ranked {
        var position = [Int](repeating: 0, count: all.count)
        for (k, i) in all.indices.sorted(by: { policy.before(all[$0].service, all[$1].service) }).enumerated() { position[i] = k }
        return rank(all, tieBreakPosition: position)
    }
}

extension Engine {
    /// High when the pick leads by 20 points or more and at least four core questions are
    /// answered; low when it leads by under 8 or fewer than two are answered, when nothing
    /// fits, or when the pick scores below the catalog's fit threshold; medium otherwise.
    /// Unanswered questions that could change the pick come from `whatIf` (none when it was
    /// not computed).
    func confidence(_ ranked: Ranking.Ranked, profile: Profile, whatIf: [WhatIf], answers: RuleEvaluator.Answers? = nil) -> Confidence {
        // The core questions' keys, answered or not, in catalog order (no question copied);
        // whether each is answered read from the evaluator's answers when given (a question's
        // key is unique in a catalog: answered there exactly when the profile holds its key),
        // not by hashing its key into the profile.
        // Counted first, so that each list is given its room once (grown a key at a time,
        // they took some six allocations a batch line).
        func isAnswered(_ q: Int) -> Bool { answers?.answered[q] ?? (profile[catalog.questions[q].key] != nil) }
        var answeredCount = 0, coreCount = 0
        for q in catalog.questions.indices where catalog.questions[q].isCore {
            coreCount += 1
            if isAnswered(q) { answeredCount += 1 }
        }
        var answered: [String] = [], unanswered: [String] = []
        if answeredCount > 0 { answered.reserveCapacity(answeredCount) }
        if answeredCount < coreCount { unanswered.reserveCapacity(coreCount - answeredCount) }
        for q in catalog.questions.indices where catalog.questions[q].isCore {
            if isAnswered(q) { answered.append(catalog.questions[q].key) } else { unanswered.append(catalog.questions[q].key) }
        }
        let changing = whatIf.isEmpty ? [] : unanswered.filter { key in whatIf.contains { $0.key == key } }
        let runnerUp = ranked.rest.first
        let margin = runnerUp.map { ranked.pick.score - $0.score }
        let weak = ranked.pick.score < catalog.ranking.fitThreshold
        let level = confidenceLevel(relaxed: ranked.relaxed, margin: margin, coreAnswered: answered.count, pickScore: ranked.pick.score)
        return Confidence(level: level, margin: ranked.relaxed ? nil : margin, runnerUp: ranked.relaxed ? nil : runnerUp?.service.id,
                          coreAnswered: answered, coreUnanswered: unanswered, couldChangePick: changing, fallback: ranked.relaxed,
                          weakFit: weak && !ranked.relaxed)
    }

    /// The level alone (`confidence`'s rules): from whether the pick is a fallback, its lead
    /// over the runner-up (nil: none fits beside it), how many core questions are answered,
    /// and its score against the catalog's fit threshold.
    func confidenceLevel(relaxed: Bool, margin: Double?, coreAnswered: Int, pickScore: Double) -> Confidence.Level {
        let marginLevel = (margin ?? 100) >= 20 ? 2 : (margin ?? 100) >= 8 ? 1 : 0
        let coverageLevel = coreAnswered >= 4 ? 2 : coreAnswered >= 2 ? 1 : 0
        if relaxed || pickScore < catalog.ranking.fitThreshold { return .low }
        switch min(marginLevel, coverageLevel) {
        case 2: return .high
        case 1: return .medium
        default: return .low
        }
    }

    /// How many core questions the profile answers.
    func coreAnswered(_ profile: Profile) -> Int {
        var count = 0
        for q in catalog.questions.indices where catalog.questions[q].isCore && profile[catalog.questions[q].key] != nil { count += 1 }
        return count
    }

    /// The same from the evaluator's answers (a question's key is unique in a catalog, so a
    /// question is answered there exactly when the profile holds its key).
    func coreAnswered(_ a: RuleEvaluator.Answers) -> Int {
        var count = 0
        for q in catalog.questions.indices where a.answered[q] && catalog.questions[q].isCore { count += 1 }
        return count
    }
}
