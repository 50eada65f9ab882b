/// A short way through the lines most batch files hold: a flat JSON object whose names and
/// values are plain strings (printable ASCII, no escape), such as
/// `{"id":"db-7","data-shape":"relational","data-size":"400GB"}`. It reads the bytes once,
/// builds no JSON tree, and takes each answer from a memo of the answers already parsed.
///
/// It only ever answers for lines the full path (`JSONParser` then `Catalog.parseProfile`)
/// would accept, and then with the same profile: anything else (another kind of value,
/// whitespace other than spaces and tabs, a duplicate or unknown name, `_dbadvisor`, an
/// answer that is refused) returns nil, and the caller takes the full path, which gives the
/// answer or the error message as before. The `profile` fuzz target holds the two to that.
public struct ProfileLineReader {
    /// The catalog's question keys as bytes, in the catalog's order (the first of a repeated
    /// key wins, as in `Catalog.question`); nil for a key `parseProfile` does not take as a
    /// question's (`id`, `_dbadvisor`).
    private let keys: [[UInt8]?]
    /// Each key's first eight bytes (all of a shorter key) as one number (`leading`), and its
    /// length (-1 for a key not taken): what a name is compared with first.
    private let keyLeads: [(leading: UInt64, length: Int)]
    /// Each question's kind and key, kept apart: reading them from the questions copies a whole
    /// question (a dozen strings retained and released) per answer.
    private let kinds: [Question.Kind]
    private let keyTexts: [String]
    /// Each key as a JSON object's member name, its colon included (`"data-shape":`), laid
    /// end to end once: what a line's profile writes before each answer.
    private let keyMembers: KeyMembers
    private let questions: [Question]
    /// Per question: the position the evaluator reads its key's answer at (the last question
    /// with that key, as `RuleEvaluator` indexes them), so the answers read here are the ones
    /// `RuleEvaluator.answers` makes of the same profile; and that question's values.
    private let evaluatorIndex: [Int]
    private let evaluatorNames: [[String]]
    /// The evaluator's answers to nothing, copied for each line (made once: an array made
    /// by `repeating` cost more than the copy).
    private let noAnswers: RuleEvaluator.Answers

    /// One memo entry: a question's raw value and what `Catalog.parseAnswer` made of it.
    private struct Slot {
        var question = -1
        var text: [UInt8] = []
        var answer: Answer? = nil
        /// The answer as the evaluator reads it (`RuleEvaluator.set`).
        var mask: UInt64 = 0
        var number = Double.nan
        /// The answer's text (`Answer.text`).
        var shown = ""
    }
    /// A direct-mapped memo: an entry's place is its hash's low bits; a newer value with the
    /// same place takes it over. Bounded, so memory stays flat on any fleet: 4,096 entries of
    /// at most `longestKept` bytes (a longer answer, such as a value padded with spaces, is
    /// parsed each time and not kept).
    private var slots: [Slot]
    private static let slotBits = 12
    /// Whether each answer's text (`Answer.text`) is written as the line is read: a JSON line
    /// shows them all (its profile) and its reasons read them. A CSV row reads one only for a
    /// reason that says it, and then writes it (`EvaluatorAnswers.text(at:)`): writing a
    /// number's text each line was some 7% of a row's instructions.
    public var writesTexts = true
    static let longestKept = 64

    public init(catalog: Catalog) {
        questions = catalog.questions
        kinds = catalog.questions.map(\.kind)
        keyTexts = catalog.questions.map(\.key)
        keyMembers = KeyMembers(catalog.questions.map(\.key))
        keys = catalog.questions.map { $0.key == "id" || $0.key == "_dbadvisor" ? nil : Array($0.key.utf8) }
        keyLeads = keys.map { key in
            key.map { k in k.withUnsafeBytes { (ProfileLineReader.leading($0), k.count) } } ?? (0, -1)
        }
        var index: [String: Int] = [:]
        for (i, q) in catalog.questions.enumerated() { index[q.key] = i }
        evaluatorIndex = catalog.questions.map { index[$0.key]! }
        evaluatorNames = evaluatorIndex.map { catalog.questions[$0].valueNames }
        noAnswers = .none(count: catalog.questions.count)
        // No question, no answer to keep (a reader made before its catalog is known).
        slots = catalog.questions.isEmpty ? [] : Array(repeating: Slot(), count: 1 << ProfileLineReader.slotBits)
    }

    /// The profile and the id's place (its quotes included) when the line is that simple and
    /// every answer is accepted; nil otherwise (take the full path).
    public mutating func read(_ line: UnsafeRawBufferPointer) -> ReadLine? {
        let count = line.count
        var i = 0
        func skipSpace() { while i < count, line[i] == 0x20 || line[i] == 0x09 { i += 1 } }
        /// A plain string starting at i (a quote): the range inside its quotes, i moved past it.
        func plainString() -> Range<Int>? {
            guard i < count, line[i] == 0x22 else { return nil }
            let start = i + 1
            var k = start
            while k < count {
                let b = line[k]
                if b == 0x22 { i = k + 1; return start..<k }
                guard b >= 0x20, b < 0x7F, b != 0x5C else { return nil }
                k += 1
            }
            return nil
        }
        skipSpace()
        guard i < count, line[i] == 0x7B else { return nil }
        i += 1
        skipSpace()
        var members: [(question: Int, value: Range<Int>)] = []
        members.reserveCapacity(keys.count)
        var id: Range<Int>? = nil
        /// Questions seen, by index (a repeated name is refused by the full path).
        var seen: UInt64 = 0
        if i < count, line[i] == 0x7D {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let name = plainString() else { return nil }
                skipSpace()
                guard i < count, line[i] == 0x3A else { return nil }
                i += 1
                skipSpace()
                let valueStart = i
                guard let value = plainString() else { return nil }
                if name.count == 2, line[name.lowerBound] == 0x69, line[name.lowerBound + 1] == 0x64 {
                    guard id == nil else { return nil }
                    id = valueStart..<i
                } else {
                    guard let q = question(line, name), q < 64, seen & (1 << UInt64(q)) == 0 else { return nil }
                    seen |= 1 << UInt64(q)
                    members.append((q, value))
                }
                skipSpace()
                guard i < count else { return nil }
                if line[i] == 0x2C { i += 1; continue }
                guard line[i] == 0x7D else { return nil }
                i += 1
                break
            }
        }
        skipSpace()
        guard i == count else { return nil }
        var answered: [(question: Int, answer: Answer)] = []
        answered.reserveCapacity(members.count)
        var texts: [String] = []
        if writesTexts { texts.reserveCapacity(members.count) }
        var a = noAnswers
        for (q, value) in members {
            // An empty set is no answer (as in `parseProfile`).
            if kinds[q] == .set && value.isEmpty { continue }
            guard let (answer, mask, number, shown) = answer(q, UnsafeRawBufferPointer(rebasing: line[value])) else { return nil }
            answered.append((q, answer))
            if writesTexts { texts.append(shown) }
            let e = evaluatorIndex[q]
            a.mask[e] = mask
            a.number[e] = number
            a.answered[e] = true
        }
        return ReadLine(id: id, answers: EvaluatorAnswers(a, answered: answered, texts: texts), keys: keyTexts, keyMembers: keyMembers)
    }

    /// The bytes of answer text the memo holds (at most 4,096 × `longestKept`).
    var keptBytes: Int { slots.reduce(0) { $0 + $1.text.count } }

    /// The index of the question whose key is these bytes: only a key of the same length and
    /// the same first eight bytes is compared further.
    private func question(_ line: UnsafeRawBufferPointer, _ name: Range<Int>) -> Int? {
        let bytes = UnsafeRawBufferPointer(rebasing: line[name])
        let length = bytes.count, leading = ProfileLineReader.leading(bytes)
        return keyLeads.withUnsafeBufferPointer { leads in
            for q in leads.indices where leads[q].length == length && leads[q].leading == leading {
                guard length > 8 else { return q }
                let same = keys[q]!.withUnsafeBytes { key in
                    var k = 8
                    while k < length, key[k] == bytes[k] { k += 1 }
                    return k == length
                }
                if same { return q }
            }
            return nil
        }
    }

    /// The first eight bytes as one number (read as a machine word), or the bytes of a shorter
    /// text, the first in the lowest bits.
    @inline(__always)
    static func leading(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        if bytes.count >= 8 { return bytes.loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        for k in 0..<bytes.count { word |= UInt64(bytes[k]) << UInt64(8 * k) }
        return word
    }

    /// A size, rate or percentage written plainly (digits and a unit, digits and at most one
    /// multiplier letter, at most three digits and `%`), as `Catalog.answer` reads it, and its
    /// number; nil for anything else (the full parser then decides).
    static func plainNumber(_ kind: Question.Kind, _ bytes: UnsafeBufferPointer<UInt8>) -> (answer: Answer, number: Double)? {
        switch kind {
        case .choice, .set: return nil
        case .size: return DataSize.parsePlain(bytes: bytes).map { (.size($0), $0.bytes) }
        case .rate: return RequestRate.parsePlain(bytes: bytes).map { (.rate($0), $0.perSecond) }
        case .percent:
            let (whole, digits) = leadingWhole(bytes)
            guard digits > 0, digits <= 3, bytes.count == digits + 1, bytes[digits] == UInt8(ascii: "%"), whole <= 100 else { return nil }
            return (.percent(Double(whole)), Double(whole))
        }
    }

    /// `parseAnswer` of the question and text, from the memo when it holds them, with the
    /// answer as the evaluator reads it and its text (`Answer.text`, written once a line: the
    /// reason memo and the profile's JSON read it; not written for a number read plainly
    /// unless `writesTexts`); nil if refused.
    private mutating func answer(_ q: Int, _ text: UnsafeRawBufferPointer) -> (Answer, mask: UInt64, number: Double, shown: String)? {
        func parsed() -> (Answer, mask: UInt64, number: Double, shown: String)? {
            guard case let .success(answer) = Catalog.answer(questions[q], text: String(decoding: text, as: UTF8.self)) else { return nil }
            let read = RuleEvaluator.read(answer, names: evaluatorNames[q])
            return (answer, read.mask, read.number, answer.text)
        }
        // A number in its commonest spelling (`4103GB`, `1687900`, `20k`, `9%`) is read from
        // its bytes, as the full parser would read it, and not kept: fleets seldom repeat one.
        if let plain = text.withMemoryRebound(to: UInt8.self, { ProfileLineReader.plainNumber(kinds[q], $0) }) {
            return (plain.answer, 0, plain.number, writesTexts ? plain.answer.text : "")
        }
        guard text.count <= ProfileLineReader.longestKept else { return parsed() }
        // FNV-1a over the bytes and the question.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(q)
        for b in text { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        let place = Int(truncatingIfNeeded: (hash ^ (hash >> 29)) & UInt64((1 << ProfileLineReader.slotBits) - 1))
        if slots[place].question == q, slots[place].text.count == text.count,
           slots[place].text.withUnsafeBufferPointer({ kept in
               var k = 0
               while k < kept.count, kept[k] == text[k] { k += 1 }
               return k == kept.count
           }) {
            return slots[place].answer.map { ($0, slots[place].mask, slots[place].number, slots[place].shown) }
        }
        guard let read = parsed() else { return nil }
        slots[place] = Slot(question: q, text: Array(text), answer: read.0, mask: read.mask, number: read.number, shown: read.shown)
        return read
    }
}

/// A simple line, read: its id's place (its quotes included), its answers as the evaluator
/// reads them, and each answer by its question. The profile is made when asked: a CSV row
/// needs it only to write a reason from a template, or for lowest-cost.
public struct ReadLine {
    public let id: Range<Int>?
    public let answers: EvaluatorAnswers
    /// The answers in the line's order, each with its question's position (the first
    /// question with its key, as `Catalog.question` finds it and reasons' pieces name it).
    var answered: [(question: Int, answer: Answer)] { answers.answered }
    /// The questions' keys, by position.
    let keys: [String]
    /// The same as member names of the profile's JSON.
    let keyMembers: KeyMembers

    /// The profile, as `Catalog.parseProfile` makes it of the line.
    public var profile: Profile {
        // The reader takes each question once, so each key is given once.
        Profile(items: answered.map { Profile.Item(key: keys[$0.question], answer: $0.answer) })
    }

    /// Hands `body` each answer's text (`Answer.text`, as the reader wrote it) with its
    /// question's key as the profile's JSON names its member (`"data-shape":`, escaped, its
    /// colon included; lent for the call), in the questions' order (the order of the
    /// profile's JSON): no key is hashed, as a look-up in the profile for each question would
    /// (the reader takes questions below 64 only, each once), nor looked through for what to
    /// escape on every line.
    public func forEachMemberInQuestionOrder(_ body: (UnsafeRawBufferPointer, String) -> Void) {
        keyMembers.bytes.withUnsafeBytes { all in
            inQuestionOrder { q, k in body(UnsafeRawBufferPointer(rebasing: all[keyMembers.ranges[q]]), answers.text(ofAnswer: k)) }
        }
    }

    /// Each answer's question position and its place in `answered`, in the questions' order.
    @inline(__always) private func inQuestionOrder(_ body: (_ question: Int, _ answer: Int) -> Void) {
        var left: UInt64 = 0
        for item in answered {
            precondition(item.question < 64, "the line reader takes questions below 64 only")
            left |= 1 << UInt64(item.question)
        }
        let answered = answers.answered
        while left != 0 {
            let q = left.trailingZeroBitCount
            left &= left - 1
            for k in answered.indices where answered[k].question == q { body(q, k) }
        }
    }

    /// The answer to the question at `q` (a position `answered` uses), if any.
    func answer(at q: Int) -> Answer? { answers.answer(at: q) }
}

/// Keys as member names of a JSON object (`"key":`, escaped as the compact writer escapes a
/// string), laid end to end; the key at position q is `bytes[ranges[q]]`.
struct KeyMembers: Sendable {
    let bytes: [UInt8]
    let ranges: [Range<Int>]

    init(_ keys: [String]) {
        var bytes: [UInt8] = [], ranges: [Range<Int>] = []
        for key in keys {
            let start = bytes.count
            bytes += JSON.string(key).compactBytes()
            bytes.append(UInt8(ascii: ":"))
            ranges.append(start..<bytes.count)
        }
        self.bytes = bytes
        self.ranges = ranges
    }
}

/// A profile's answers as the rule evaluator reads them (by question position), made by the
/// line reader with the profile: the same as `RuleEvaluator.answers` of that profile.
public struct EvaluatorAnswers {
    var value: RuleEvaluator.Answers
    /// The answers with their questions' positions, as the line gave them (`ReadLine`): a
    /// reason memo finds an answer's text by its position (`texts`), not by hashing its key
    /// into the profile.
    let answered: [(question: Int, answer: Answer)]
    /// Each answer's text (`Answer.text`), as `answered` lists them; empty when the reader
    /// did not write them (`ProfileLineReader.writesTexts`), and then each is written when asked.
    let texts: [String]
    init(_ value: RuleEvaluator.Answers, answered: [(question: Int, answer: Answer)], texts: [String]) {
        precondition(texts.isEmpty || texts.count == answered.count, "a text for each answer, or none")
        self.value = value
        self.answered = answered
        self.texts = texts
    }

    /// The answer to the question at `q` (a position `answered` uses), if any.
    func answer(at q: Int) -> Answer? { index(of: q).map { answered[$0].answer } }

    /// The text of the answer to the question at `q`, if any.
    func text(at q: Int) -> String? { index(of: q).map(text(ofAnswer:)) }

    /// The text of the answer at `k` in `answered`.
    @inline(__always)
    func text(ofAnswer k: Int) -> String { texts.isEmpty ? answered[k].answer.text : texts[k] }

    /// Where in `answered` the answer to the question at `q` is.
    private func index(of q: Int) -> Int? { answered.firstIndex { $0.question == q } }

    /// Whether these are the answers the engine's evaluator reads from `profile` (for tests):
    /// numbers compared by their bits, so two unanswered numbers are the same.
    public func areRead(from profile: Profile, by engine: Engine) -> Bool {
        let other = engine.evaluator.answers(profile)
        return value.mask == other.mask && value.answered == other.answered
            && value.number.map(\.bitPattern) == other.number.map(\.bitPattern)
    }
}
