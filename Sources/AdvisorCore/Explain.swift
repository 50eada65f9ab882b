/// Explanation: reasons written out for the user, why an alternative ranks below the pick,
/// and `why SERVICE` (a service against the pick, rule by rule, and the smallest change).
extension Engine {
    /// Service rule `i`'s reason for the service at `s`, as its finding shows it: the text (the
    /// pre-rendered one when the reason reads no answer, else written with what the evaluation
    /// found missing) and how many leading characters name the service.
    func writtenReason(_ i: Int, service s: Int, profile: Profile, answers a: RuleEvaluator.Answers) -> (text: String, subjectLength: Int) {
        let rule = serviceRules[i]
        let service = catalog.services[s]
        let subject = subjectLength(i, service: s)
        if !prerendered.isEmpty, let text = prerendered[i * catalog.services.count + s] { return (text, subject) }
        let missing = evaluator.missingValues(captured(i, service: s, answers: a))
        if !reasonPieces.isEmpty { return (Engine.write(reasonPieces[i * catalog.services.count + s], profile: profile, texts: nil, missing: missing), subject) }
        return (reason(rule, profile: profile, service: service, missing: missing), subject)
    }

    /// The same reason's text for a simple line read by `ProfileLineReader`, its answers
    /// taken by question instead of from a profile (made only for a reason that is not
    /// prerendered and has no pieces, which batch's engine never has).
    func writtenReason(_ i: Int, service s: Int, line: ReadLine, answers a: RuleEvaluator.Answers) -> String {
        let slot = i * catalog.services.count + s
        if !prerendered.isEmpty, let text = prerendered[slot] { return text }
        guard !reasonPieces.isEmpty else { return writtenReason(i, service: s, profile: line.profile, answers: a).text }
        let missing = evaluator.missingValues(captured(i, service: s, answers: a))
        // A piece's position is the first question with its key, as the line's; a key no
        // question has is no answer of the line's (the profile's `?`).
        return Engine.write(reasonPieces[slot], missing: missing) { _, q in q >= 0 ? line.answers.text(at: q) ?? "?" : "?" }
    }

    /// How many leading characters of rule `i`'s reason for the service at `s` name the
    /// service (a finding's `subjectLength`).
    @inline(__always)
    func subjectLength(_ i: Int, service s: Int) -> Int {
        guard case .service? = serviceRules[i].template.first else { return 0 }
        return serviceNameLengths.isEmpty ? catalog.services[s].name.count : serviceNameLengths[s]
    }

    /// What the evaluation of rule `i` for the service at `s` captured (the values found
    /// missing), for a reason that says them: the same evaluation again. Empty otherwise.
    @inline(__always)
    func captured(_ i: Int, service s: Int, answers a: RuleEvaluator.Answers) -> RuleEvaluator.Capture {
        var capture = RuleEvaluator.Capture()
        if ruleNeedsBindings[i] { _ = evaluator.fires(i, a, s, capture: &capture) }
        return capture
    }

    /// The same, kept in `memo` by the slot and the classes of the answers the rule reads
    /// (the line's key in the firing memo), when the rule has one.
    func captured(_ i: Int, service s: Int, slot: Int, answers a: RuleEvaluator.Answers, memo: inout ReasonMemo) -> RuleEvaluator.Capture {
        guard ruleNeedsBindings[i] else { return RuleEvaluator.Capture() }
        let key = memo.firings.lineKey(i)
        guard key >= 0, !memo.captures.isEmpty else { return captured(i, service: s, answers: a) }
        let mix = UInt64(truncatingIfNeeded: slot) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: key) &* 0xC2B2_AE3D_27D4_EB4F
        let e = Int(truncatingIfNeeded: (mix ^ mix >> 29) & UInt64(memo.captures.count - 1))
        let kept = memo.captures[e]
        if kept.slot == slot && kept.key == key { return kept.capture }
        let capture = captured(i, service: s, answers: a)
        memo.captures[e] = ReasonMemo.KeptCapture(slot: slot, key: key, capture: capture)
        return capture
    }

    /// Service rule `i`'s finding for the service at `s`, as `assess` lists it.
    func serviceFinding(_ i: Int, service s: Int, text: String, subjectLength: Int) -> Finding {
        let rule = serviceRules[i]
        return Finding(rule: rule.id, text: text, source: rule.source(for: catalog.services[s]), weight: rule.weight, subjectLength: subjectLength)
    }

    /// The finding with its reason written out (`writtenReason`); with a memo that is on, the
    /// finding is read from the memo when what its reason reads is what it read before, else
    /// written and remembered with its JSON, written once. The finding is the same either way.
    func writtenFinding(_ i: Int, service s: Int, profile: Profile, answers a: RuleEvaluator.Answers, memo: inout ReasonMemo) -> Finding {
        guard memo.isOn else {
            let (text, subject) = writtenReason(i, service: s, profile: profile, answers: a)
            return serviceFinding(i, service: s, text: text, subjectLength: subject)
        }
        let slot = i * catalog.services.count + s
        /// The finding with `text`, carrying its JSON; a penalty's also without its source
        /// (why-not lists show penalties so).
        func kept(_ text: String) -> Finding {
            var finding = serviceFinding(i, service: s, text: text, subjectLength: subjectLength(i, service: s))
            finding.keepJSON(withSource: true, withoutSource: finding.weight < 0)
            return finding
        }
        // Only a prerendered reason is kept in `fixed`: looked up first, the text is not read
        // (reading it counts a reference in and out).
        if let finding = memo.fixed[slot] { return finding }
        if let text = prerendered[slot] {
            let finding = kept(text)
            memo.fixed[slot] = finding
            return finding
        }
        let capture = captured(i, service: s, slot: slot, answers: a, memo: &memo)
        // A reason that reads a size, rate or share is written anew: its text is the
        // profile's own number, seldom the same twice; so is one that reads more answers than
        // an entry holds the ids of (`ReasonMemo.inputs`). The answers' texts are the line's.
        guard let keys = memoKeys[slot], let inputs = memo.inputs(keys) else {
            let text = Engine.write(reasonPieces[slot], profile: profile, texts: memo.texts, missing: evaluator.missingValues(capture))
            return serviceFinding(i, service: s, text: text, subjectLength: subjectLength(i, service: s))
        }
        // Where to look: a mix of the slot, what the evaluation found missing and the ids of
        // the answers' texts (`ReasonMemo.begin`); the entry found is then compared in full,
        // number for number.
        let place = ReasonMemo.Entry.place(slot: slot, question: capture.question)
        var mix = place &* 0x9E37_79B9_7F4A_7C15 ^ capture.missing &* 0xC2B2_AE3D_27D4_EB4F
        mix = (mix ^ inputs) &* 0x9E37_79B9_7F4A_7C15
        let e = Int(truncatingIfNeeded: (mix ^ mix >> 29) & UInt64(memo.entries.count - 1))
        // Compared where it lies: read out of the list, the entry's finding is counted in and
        // out even when it is not the one.
        if let finding = memo.entries.withUnsafeBufferPointer({ entries -> Finding? in
            let entry = entries.baseAddress! + e
            guard entry.pointee.place == place, entry.pointee.missing == capture.missing, entry.pointee.inputs == inputs else { return nil }
            return entry.pointee.finding
        }) {
            return finding
        }
        let finding = kept(Engine.write(reasonPieces[slot], profile: profile, texts: memo.texts, missing: evaluator.missingValues(capture)))
        memo.entries[e] = ReasonMemo.Entry(place: place, missing: capture.missing, inputs: inputs, finding: finding)
        return finding
    }

    /// A reason from its pieces (`prerenderReasons`): the bytes written out once, the answers
    /// and the values found missing as `reason` writes them, into one buffer. The answers'
    /// texts come from `texts` by question position when given (`ReasonMemo.begin` read them
    /// from the line or the profile), else from `profile`.
    static func write(_ pieces: [ReasonPiece], profile: Profile, texts: [String?]?, missing: [String]) -> String {
        write(pieces, missing: missing) { key, q in
            if let texts, q >= 0 { return texts[q] ?? "?" }
            return profile[key]?.text ?? "?"
        }
    }

    /// The same, each answer's text given by `answerText` (its key and question position).
    /// Laid out on the stack and made a string with one copy (a reason of up to a kilobyte:
    /// every reason of the bundled catalog); a longer one is laid out again in an array.
    static func write(_ pieces: [ReasonPiece], missing: [String], answerText: (String, Int) -> String) -> String {
        let laidOut: String? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { room in
            var count = 0
            let fits = lay(pieces, missing: missing, answerText: answerText) { bytes in
                guard count + bytes.count <= room.count else { return false }
                if let from = bytes.baseAddress { (room.baseAddress! + count).initialize(from: from, count: bytes.count) }
                count += bytes.count
                return true
            }
            return fits ? String(decoding: UnsafeBufferPointer(rebasing: room[..<count]), as: UTF8.self) : nil
        }
        if let laidOut { return laidOut }
        var out: [UInt8] = []
        _ = lay(pieces, missing: missing, answerText: answerText) { out.append(contentsOf: $0); return true }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hands `emit` the reason's bytes piece by piece: the bytes written out once, each
    /// answer's text, the values found missing joined by ", "; false as soon as `emit` is.
    private static func lay(_ pieces: [ReasonPiece], missing: [String], answerText: (String, Int) -> String,
                            _ emit: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        func put(_ s: String) -> Bool {
            if let fits = s.utf8.withContiguousStorageIfAvailable(emit) { return fits }
            var s = s
            return s.withUTF8(emit)
        }
        for piece in pieces {
            switch piece {
            case let .bytes(bytes): guard bytes.withUnsafeBufferPointer(emit) else { return false }
            case let .answer(key, q): guard put(answerText(key, q)) else { return false }
            case .missing:
                for (k, value) in missing.enumerated() {
                    if k > 0 { guard put(", ") else { return false } }
                    guard put(value) else { return false }
                }
            }
        }
        return true
    }

    /// A rule's reason written out: its placeholders {service}, {answer:KEY}, {fact:KIND},
    /// {missing} (the values the evaluation found missing), {successor} and {since} filled.
    func reason(_ rule: Rule, profile: Profile, service: Service?, missing: [String]) -> String {
        reason(rule.template, profile: profile, service: service, missing: missing)
    }

    /// The same for a template's parts.
    func reason(_ template: [Rule.TemplatePart], profile: Profile, service: Service?, missing: [String]) -> String {
        var out = ""
        // One allocation for the sentence instead of one for each time it outgrows its buffer.
        out.reserveCapacity(256)
        for part in template {
            switch part {
            case let .literal(text): out += text
            case .service: out += service?.name ?? ""
            case .missing: out += missing.joined(separator: ", ")
            case let .answer(key): out += profile[key]?.text ?? "?"
            case let .fact(kind):
                let fact = service?.fact(kind)
                if let items = fact?.value?.arrayValue {
                    out += items.compactMap(\.stringValue).joined(separator: ", ")
                } else {
                    out += fact?.value?.stringValue ?? fact?.value.map { $0.compactText() } ?? "?"
                }
            case let .factText(kind): out += service?.fact(kind)?.text ?? "?"
            case .successor: out += service?.lifecycle.successor.flatMap(catalog.service)?.name ?? "no named successor"
            case .since: out += service?.lifecycle.since ?? "?"
            case let .unknown(name): out += "{\(name)}"
            }
        }
        return out
    }

    /// Writes out, once, every service rule's reason that reads no answer (most of them: the
    /// sentence depends on the rule and the service only), for each service; `assess` then
    /// copies it instead of filling the template again. For batch, where every line would
    /// write the same sentences; one answer alone is quicker without.
    public mutating func prerenderReasons() {
        let services = catalog.services
        prerendered = serviceRules.flatMap { rule -> [String?] in
            let readsProfile = rule.template.contains {
                switch $0 {
                case .answer, .missing: return true
                default: return false
                }
            }
            return services.map { readsProfile ? nil : reason(rule, profile: Profile(), service: $0, missing: []) }
        }
        // The reasons that read answers: each run of parts that reads none is written out once,
        // per service, as `reason` writes it; the answers and missing values are filled per profile.
        let n = services.count
        let kinds = Dictionary(catalog.questions.enumerated().map { ($1.key, ($0, $1.kind)) }, uniquingKeysWith: { a, _ in a })
        reasonPieces = serviceRules.indices.flatMap { i -> [[ReasonPiece]] in
            services.indices.map { s -> [ReasonPiece] in
                guard prerendered[i * n + s] == nil else { return [] }
                var pieces: [ReasonPiece] = [], run: [Rule.TemplatePart] = []
                func flush() {
                    if !run.isEmpty { pieces.append(.bytes(Array(reason(run, profile: Profile(), service: services[s], missing: []).utf8))) }
                    run.removeAll()
                }
                for part in serviceRules[i].template {
                    switch part {
                    case let .answer(key): flush(); pieces.append(.answer(key, position: kinds[key]?.0 ?? -1))
                    case .missing: flush(); pieces.append(.missing)
                    default: run.append(part)
                    }
                }
                flush()
                return pieces
            }
        }
        serviceNameLengths = services.map(\.name.count)
        // The reasons a memo keeps (`ReasonMemo`): those whose answers are chosen values, by
        // the questions (positions) they read.
        memoKeys = reasonPieces.map { pieces -> [Int]? in
            guard !pieces.isEmpty else { return nil }
            var keys: [Int] = []
            for case let .answer(_, q) in pieces {
                guard q >= 0, catalog.questions[q].kind == .choice || catalog.questions[q].kind == .set else { return nil }
                keys.append(q)
            }
            return keys
        }
    }

    /// A piece of a reason that reads answers (`prerenderReasons`).
    enum ReasonPiece: Sendable {
        /// Parts that read no answer, written out once.
        case bytes([UInt8])
        /// The answer to a question (its key and position), as `reason` writes it (`?` when
        /// unanswered).
        case answer(String, position: Int)
        /// The values the evaluation found missing, joined by ", ".
        case missing
    }

    /// What the pick earns, heaviest first, as `whyNot` says another lacks it: each written
    /// (with its JSON) the first time an alternative lacks it, once for all of them.
    struct Gains {
        let pickName: String
        let earned: [Finding]
        var written: [Finding?]

        init(_ pick: Assessment) {
            pickName = pick.service.name
            earned = pick.earned
            written = Array(filledWith: nil, count: earned.count)
        }

        mutating func gain(_ k: Int, memo: inout ReasonMemo) -> Finding {
            if let gain = written[k] { return gain }
            let finding = earned[k]
            let place = memo.isOn ? memo.gainPlace(finding) : -1
            if place >= 0, let kept = memo.gains[place], kept.gained == finding, kept.pick == pickName {
                written[k] = kept.gain
                return kept.gain
            }
            let text: Sentence = "\(pickName) gains here: \(finding.text)"
            var gain = Finding(rule: finding.rule, text: text.string, source: finding.source, weight: -finding.weight)
            gain.keepJSON(withSource: false, withoutSource: true)
            written[k] = gain
            if place >= 0 { memo.gains[place] = (finding, pickName, gain) }
            return gain
        }
    }

    /// Why `other` ranks below the pick: its own penalties, then the pick's `gains` it lacks,
    /// the first four (`gains` kept from one alternative to the next).
    func whyNot(_ other: Assessment, against pick: Assessment, gains: inout Gains) -> [Finding] {
        var memo = ReasonMemo.off
        return whyNot(other, against: pick, gains: &gains, memo: &memo)
    }

    /// The same, the gains written kept in `memo` (batch) from one line to the next.
    func whyNot(_ other: Assessment, against pick: Assessment, gains: inout Gains, memo: inout ReasonMemo) -> [Finding] {
        // The penalties, lowest weight first (a stable sort: equal weights keep rule order),
        // in one list given room for the four shown.
        var out: [Finding] = []
        out.reserveCapacity(4)
        for finding in other.scoreFindings where finding.weight < 0 { out.append(finding) }
        if out.count > 1 { out.sort { $0.weight < $1.weight } }
        // Only the first four are shown: the pick's gains are added until there are four.
        for k in gains.earned.indices where out.count < 4 {
            // Rule ids of another length are told apart by their lengths (a string's count of
            // bytes is kept with it), without comparing their bytes: some 15 a batch line.
            let rule = gains.earned[k].rule, length = rule.utf8.count
            if other.scoreFindings.contains(where: { $0.rule.utf8.count == length && $0.rule == rule }) { continue }
            out.append(gains.gain(k, memo: &memo))
        }
        if out.isEmpty {
            let text: Sentence = "Scores \(number: other.score) against \(number: pick.score) for \(pick.service.name) on the same rules."
            out.append(Finding(rule: "score", text: text.string, source: "", weight: 0))
        }
        if out.count > 4 { out.removeSubrange(4...) }
        return out
    }
}

/// Why one service is, or is not, the pick for a profile.
public struct Explanation: Sendable {
    public var service: Service
    public var assessment: Assessment
    public var pick: Assessment
    /// 1-based rank among the services not excluded; nil when excluded.
    public var rank: Int?
    /// The fewest answer changes found that would make this service the pick (empty when it
    /// already is; nil when no change of one or two answers does).
    /// A nil value means withdrawing that answer.
    public var smallestChange: [(key: String, value: String?)]?
}

extension Engine {
    /// Explains `serviceID` against the pick for `profile`, rule by rule.
    public func explain(_ serviceID: String, profile: Profile) -> Explanation? {
        let all = assess(profile)
        guard let mine = all.first(where: { $0.service.id == serviceID }) else { return nil }
        let recommendation = recommend(profile)
        let eligible = ([recommendation.pick] + recommendation.alternatives.map(\.0)).filter { !$0.isExcluded }
        let rank = eligible.firstIndex { $0.service.id == serviceID }.map { $0 + 1 }
        let change: [(key: String, value: String?)]?
        if recommendation.pick.service.id == serviceID {
            change = []
        } else {
            change = smallestChange(toward: serviceID, from: profile)
        }
        return Explanation(service: mine.service, assessment: mine, pick: recommendation.pick, rank: rank, smallestChange: change)
    }

    /// Single-answer changes first, then pairs, in questionnaire order; the first that makes
    /// `serviceID` the pick wins. Retired services never become the pick, so they get nil.
    func smallestChange(toward serviceID: String, from profile: Profile) -> [(key: String, value: String?)]? {
        guard catalog.service(serviceID)?.lifecycle.isAvailableForNewWorkloads == true else { return nil }
        // Candidate single changes: a new value for any key, or withdrawing an answer given.
        var singles: [(String, Answer?)] = []
        for question in catalog.questions {
            if profile[question.key] != nil { singles.append((question.key, nil)) }
            if case let .set(items)? = profile[question.key], items.count > 1 {
                for item in items { singles.append((question.key, .set(items.filter { $0 != item }))) }
            }
            for value in candidateValues(for: question) {
                guard let answer = variant(of: profile, question: question, value: value) else { continue }
                singles.append((question.key, answer))
            }
        }
        for (key, answer) in singles {
            var changed = profile
            changed[key] = answer
            if genuinePick(changed) == serviceID { return [(key, answer?.text)] }
        }
        for i in singles.indices {
            for j in singles.indices where j > i && singles[j].0 != singles[i].0 {
                var changed = profile
                changed[singles[i].0] = singles[i].1
                changed[singles[j].0] = singles[j].1
                if genuinePick(changed) == serviceID { return [(singles[i].0, singles[i].1?.text), (singles[j].0, singles[j].1?.text)] }
            }
        }
        return nil
    }
}

/// Reasons written for earlier profiles, kept for the next (batch): a reason that reads chosen
/// answers is the same sentence whenever it reads the same answers, and most of a line's
/// reasons (a service that does not store the data, cannot give the availability) are of
/// that kind. Each kept reason holds its finding's JSON too, written once. One memo serves
/// one thread; `off` keeps nothing.
public struct ReasonMemo {
    /// A kept reason: what it was written from, as numbers, and its finding.
    struct Entry {
        /// The slot (rule × service) and the question whose values the evaluation found
        /// missing (`place(slot:question:)`); ~0 for no reason.
        var place: UInt64 = ~0
        var missing: UInt64 = 0
        /// The ids of the answers' texts the reason read (`ReasonMemo.inputs`).
        var inputs: UInt64 = 0
        /// The finding, carrying its JSON.
        var finding: Finding? = nil

        /// The slot and the question in one number: the slot in the low half, the question
        /// (-1: none) + 1 in the high half (`ReasonMemo.init` holds both within a half).
        @inline(__always)
        static func place(slot: Int, question: Int) -> UInt64 {
            UInt64(UInt32(truncatingIfNeeded: slot)) | UInt64(UInt32(truncatingIfNeeded: question + 1)) << 32
        }
    }

    /// A kept capture (`Engine.captured`): the slot, the line's key for its rule's classes,
    /// and what the evaluation captured, side by side (three lists were three places to read).
    struct KeptCapture {
        var slot = -1
        var key = -1
        var capture = RuleEvaluator.Capture()
    }

    /// Numbers for texts, byte for byte: the same bytes the same id, other bytes another (`==`
    /// on strings takes canonically equivalent ones as equal; a reason shows the bytes).
    /// Ids run from 1 to `capacity`; open addressing in twice as many places.
    struct TextIDs {
        private(set) var texts: [String] = []
        private var hashes: [UInt64] = []
        /// Per place: the position in `texts` + 1 (0: empty).
        private var places: [Int32]
        let capacity: Int

        init(capacity: Int) {
            precondition(capacity > 0 && capacity < Int(Int32.max) / 2, "ids that a place can hold")
            self.capacity = capacity
            var size = 2
            while size < 2 * capacity { size *= 2 }
            places = Array(repeating: 0, count: size)
            texts.reserveCapacity(capacity)
            hashes.reserveCapacity(capacity)
        }

        var count: Int { texts.count }
        var isFull: Bool { texts.count == capacity }

        /// The id of `text`, given it the first time; the ids must not be full (`isFull`).
        mutating func id(_ text: String) -> Int {
            let hash = Bytes.of(text) { Bytes.mixed(0, $0) }
            let mask = places.count - 1
            var p = Int(truncatingIfNeeded: hash) & mask
            while places[p] != 0 {
                let k = Int(places[p]) - 1
                if hashes[k] == hash, Bytes.of(texts[k], { a in Bytes.of(text) { b in Bytes.same(a, b) } }) {
                    return k + 1
                }
                p = (p + 1) & mask
            }
            precondition(!isFull, "an id for a text past the ids' capacity")
            texts.append(text)
            hashes.append(hash)
            places[p] = Int32(texts.count)
            return texts.count
        }

        /// Forgets every text: ids are given from 1 again.
        mutating func removeAll() {
            texts.removeAll(keepingCapacity: true)
            hashes.removeAll(keepingCapacity: true)
            for p in places.indices { places[p] = 0 }
        }
    }

    /// Direct-mapped by a mix of what the reason reads: a bound on the memory, and a place
    /// found without a search. Empty when off.
    var entries: [Entry]
    /// The findings of reasons that read no answer, with their JSON, by slot (rule × service),
    /// written the first time each is used.
    var fixed: [Finding?]
    /// The profile's answers as texts, by question position: those of the questions reasons
    /// read, set by `begin`; and the ids of those kept reasons read (0: unanswered).
    var texts: [String?]
    var textIDs: [Int]
    /// The ids given to the texts of kept reasons' answers (at most 4,096 texts: then every
    /// kept reason is forgotten with them).
    var ids = TextIDs(capacity: 4096)
    /// How many questions kept reasons read (how many ids a line may ask for).
    let keptQuestions: Int
    /// How many times the ids ran out and kept reasons were forgotten (for tests).
    private(set) var forgotten = 0
    /// The questions whose answers reasons read, and whether kept reasons read them.
    let read: [(key: String, position: Int, kept: Bool)]
    /// Which rules fire, kept by the classes of the answers they read (off with the memo).
    var firings = FiringMemo.off
    /// The pick's gains as why-not writes them (`Engine.Gains`), with their JSON, by the
    /// finding gained and the pick's name: a line's pick gains what earlier picks gained,
    /// and the finding gained is most often the one the memo kept. Direct-mapped by the
    /// finding's box; an entry is taken only when its finding and pick are equal to those
    /// asked for. Empty when off.
    var gains: [(gained: Finding, pick: String, gain: Finding)?] = []
    /// What reasons' evaluations captured (`Engine.captured`), by slot and the line's key for
    /// the rule's classes (`FiringMemo.lineKey`): direct-mapped, an entry taken only when
    /// both are its own. Empty when off.
    var captures: [KeptCapture] = []
    /// Lists of one finding: the list `assess` gives a service whose exclusions (or score
    /// findings, or configuration) are that one finding (many excluded services have one
    /// exclusion; a list made for each and freed with the line was some 15 allocations a
    /// batch line). Direct-mapped by the finding's box (a list holds its finding, so no other
    /// box takes that address while it is kept), 1,024 of them (4,096 kept 1.4 MB more of
    /// findings alive for 1.7 fewer allocations a line). Empty when off.
    var singles: [[Finding]?] = []
    /// Lists of several findings, as `assess` gave a service's exclusions: a line that excludes
    /// a service for the same reasons as an earlier line takes the earlier line's list (some
    /// 8.6 lists of two or more exclusions a batch line, nine in ten seen on a recent line;
    /// each was a list made and then freed with the line, its recommendation's freeing a
    /// burst of them). Direct-mapped by the findings' boxes, taken only when every box is the
    /// same in the same order (a list holds its findings, so no other box takes their
    /// addresses while it is kept), 1,024 of them. Empty when off.
    var lists: [[Finding]?] = []
    /// Where `assess` lays out this line's lists of several exclusions before they are
    /// shared (`sharedList`): each service's run starts at `listStarts[s]`.
    var listScratch: [Finding?] = []
    var listStarts: [Int] = []

    public var isOn: Bool { !entries.isEmpty }

    /// `[finding]`: the list kept for this very finding, else one made and kept.
    mutating func single(_ finding: Finding) -> [Finding] {
        guard !singles.isEmpty else { return [finding] }
        let place = Self.place(of: Self.mixing(finding), among: singles.count)
        if let kept = singles[place], kept[0].identity == finding.identity { return kept }
        let list = [finding]
        singles[place] = list
        return list
    }

    /// Room in `listScratch` for each service's run of `counts[s]` findings (only services
    /// with more than one are laid out there).
    mutating func layOutLists(_ counts: UnsafeBufferPointer<Int>) {
        if listStarts.count != counts.count { listStarts = Array(repeating: 0, count: counts.count) }
        var end = 0
        for s in counts.indices {
            listStarts[s] = end
            if counts[s] > 1 { end += counts[s] }
        }
        if listScratch.count < end { listScratch += Array(repeating: nil, count: end - listScratch.count) }
    }

    /// The list of the `count` findings laid out from `start` in `listScratch`: the one kept
    /// with the same boxes in the same order, else a new one, kept.
    mutating func sharedList(from start: Int, count: Int) -> [Finding] {
        var mix: UInt64 = 0
        for k in start..<start + count { mix = Self.mixing(listScratch[k]!, into: mix) }
        let place = Self.place(of: mix, among: lists.count)
        if let kept = lists[place], kept.count == count,
           kept.indices.allSatisfy({ kept[$0].identity == listScratch[start + $0]!.identity }) {
            return kept
        }
        let list = (start..<start + count).map { listScratch[$0]! }
        lists[place] = list
        return list
    }

    /// A memo that keeps nothing.
    public static var off: ReasonMemo { ReasonMemo() }

    private init() {
        entries = []
        fixed = []
        gains = []
        singles = []
        lists = []
        texts = []
        textIDs = []
        read = []
        keptQuestions = 0
    }

    /// A memo for `engine`'s reasons, of `capacity` entries (a power of two), with ids for
    /// `texts` texts of answers (at least as many as a line can ask for: tests make it small);
    /// the engine's reasons must be prerendered (`prerenderReasons`), else the memo is off.
    public init(engine: Engine, capacity: Int = 16384, texts textCapacity: Int = 4096) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "a power of two")
        guard !engine.reasonPieces.isEmpty else { self = .off; return }
        entries = Array(repeating: Entry(), count: capacity)
        fixed = Array(repeating: nil, count: engine.prerendered.count)
        gains = Array(repeating: nil, count: 1024)
        singles = Array(repeating: nil, count: 1024)
        lists = Array(repeating: nil, count: 1024)
        captures = Array(repeating: KeptCapture(), count: 4096)
        let questions = engine.catalog.questions
        // An entry holds a slot and a question in half a word each (`Entry.place`).
        precondition(engine.prerendered.count < 1 << 32 && questions.count < 1 << 31, "slots and questions an entry can hold")
        texts = Array(repeating: nil, count: questions.count)
        textIDs = Array(repeating: 0, count: questions.count)
        let kept = Set(engine.memoKeys.lazy.compactMap { $0 }.joined())
        var positions = Set<Int>()
        for pieces in engine.reasonPieces {
            for case let .answer(_, q) in pieces where q >= 0 { positions.insert(q) }
        }
        read = positions.sorted().map { (questions[$0].key, $0, kept.contains($0)) }
        keptQuestions = kept.count
        ids = TextIDs(capacity: max(textCapacity, kept.count, 1))
        firings = FiringMemo(engine: engine)
    }

    /// The ids of the texts of this line's answers to the questions at `keys` (positions), 16
    /// bits each in their order; nil for more than four.
    @inline(__always)
    func inputs(_ keys: [Int]) -> UInt64? {
        guard keys.count <= 4 else { return nil }
        var packed: UInt64 = 0
        for k in keys.indices { packed |= UInt64(truncatingIfNeeded: textIDs[keys[k]]) << UInt64(16 * k) }
        return packed
    }

    /// Where the gain of `finding` is kept: by its box's address, mixed (an entry holds the
    /// finding, so no other box takes that address while it is kept).
    func gainPlace(_ finding: Finding) -> Int {
        Self.place(of: Self.mixing(finding), among: gains.count)
    }

    /// `mix` with the address of `finding`'s box mixed in: what places a finding, or a run of
    /// findings mixed one after another from 0, in the tables kept by box (`singles`, `lists`,
    /// `gains`).
    @inline(__always)
    static func mixing(_ finding: Finding, into mix: UInt64 = 0) -> UInt64 {
        (mix ^ UInt64(UInt(bitPattern: finding.identity))) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The place of `mix` in a direct-mapped table of `count` places, a power of two: bits
    /// from the product's upper half, which every bit of the address reaches.
    @inline(__always)
    static func place(of mix: UInt64, among count: Int) -> Int {
        Int(truncatingIfNeeded: (mix >> 32) & UInt64(count - 1))
    }

    /// Reads the answers reasons read from `profile`, before its reasons are written by
    /// `engine`, the engine the memo was made for.
    /// `line`, the profile's answers as the line reader read them (by question position),
    /// is read instead of the profile when given (no key hashed).
    mutating func begin(_ profile: Profile, line: EvaluatorAnswers? = nil, engine: Engine) {
        precondition(fixed.count == engine.prerendered.count && texts.count == engine.catalog.questions.count, "a reason memo made for another engine")
        // When this line's texts might not all find an id, ids are given from 1 again and every
        // kept reason is forgotten (its ids would name other texts).
        if ids.count + keptQuestions > ids.capacity {
            ids.removeAll()
            for e in entries.indices { entries[e] = Entry() }
            forgotten += 1
        }
        for (key, q, kept) in read {
            let text = line.map { $0.text(at: q) } ?? profile[key]?.text
            texts[q] = text
            if kept { textIDs[q] = text.map { ids.id($0) } ?? 0 }
        }
    }
}
