/// The rules compiled for speed: answers become small integers and bitmasks, facts become
/// per-service masks and numbers, and a condition becomes a tree of integer tests. They
/// decide which rules fire everywhere (recommend, what-if, sweeps); the sentences still come
/// from the rules as written, and `Engine.assessWritten` evaluates those directly as the
/// reference a test checks the compiled rules against.
struct CompiledRules: Sendable {
    /// A profile as indices: per question, the chosen value's index or a set's bitmask, or a number.
    struct Answers {
        var mask: [UInt64]
        var number: [Double]
        var answered: [Bool]
    }

    indirect enum Test: Sendable {
        case constant(Bool)
        case all([Test])
        case any([Test])
        case not(Test)
        /// Per service (index): a test whose value depends on the service only.
        case perService([Bool])
        case answered(Int, Bool)
        /// A choice (one bit) or set (several bits) answer shares a bit with the mask.
        case answerIntersects(Int, UInt64)
        /// A choice answer is one of the mask's values (and, for a set, `includes` means the bit).
        case numberAtLeast(Int, Double)
        case numberBelow(Int, Double)
        /// Per service: the fact's values as a mask over the question's vocabulary; nil = no fact.
        case factIncludesAnswer(Int, [UInt64?])
        case factLacksAnswer(Int, [UInt64?])
        /// Per service: the fact's limit as a number (bytes, per second); nil = no limit.
        case factBelowAnswer(Int, [Double?])
        /// Per service: the latency class index; the question's answer is a latency index.
        case factSlower(Int, [Int?], slower: Bool)
        /// Per service: the index of its family in the question's vocabulary (or -1).
        case familyMatches(Int, [Int])
    }

    let questionIndex: [String: Int]
    let questions: [Question]
    let serviceCount: Int
    /// Per service rule (same order as Engine.serviceRules): its `when` and its selector.
    let when: [Test?]
    let whenIsProfileOnly: [Bool]
    let selector: [Test]

    init(catalog: Catalog, rules: [Rule]) {
        questions = catalog.questions
        var index: [String: Int] = [:]
        for (i, q) in catalog.questions.enumerated() { index[q.key] = i }
        questionIndex = index
        serviceCount = catalog.services.count
        let compile = { (c: Condition) in CompiledRules.compile(c, catalog: catalog, index: index) }
        when = rules.map { $0.when.map(compile) }
        whenIsProfileOnly = rules.map(\.whenIsProfileOnly)
        selector = rules.map { $0.services.map(compile) ?? .constant(false) }
    }

    func answers(_ profile: Profile) -> Answers {
        var a = Answers(mask: Array(repeating: 0, count: questions.count), number: Array(repeating: .nan, count: questions.count), answered: Array(repeating: false, count: questions.count))
        for (key, answer) in profile.answers {
            guard let i = questionIndex[key] else { continue }
            set(&a, question: i, to: answer)
        }
        return a
    }

    /// Replaces the answer to the question at `i` (nil: unanswered).
    func set(_ a: inout Answers, question i: Int, to answer: Answer?) {
        a.mask[i] = 0
        a.number[i] = .nan
        a.answered[i] = answer != nil
        guard let answer else { return }
        let names = questions[i].valueNames
        switch answer {
        case let .choice(v): if let k = names.firstIndex(of: v) { a.mask[i] = 1 << UInt64(k) }
        case let .set(vs): for v in vs { if let k = names.firstIndex(of: v) { a.mask[i] |= 1 << UInt64(k) } }
        case let .size(s): a.number[i] = s.bytes
        case let .rate(r): a.number[i] = r.perSecond
        case let .percent(p): a.number[i] = p
        }
    }

    /// The questions (by index) whose answers a test reads, as a bit per question.
    static func questionsRead(by test: Test, into out: inout UInt64) {
        switch test {
        case .constant, .perService: break
        case let .all(items), let .any(items): for item in items { questionsRead(by: item, into: &out) }
        case let .not(inner): questionsRead(by: inner, into: &out)
        case let .answered(q, _), let .answerIntersects(q, _), let .numberAtLeast(q, _), let .numberBelow(q, _),
             let .factIncludesAnswer(q, _), let .factLacksAnswer(q, _), let .factBelowAnswer(q, _),
             let .factSlower(q, _, _), let .familyMatches(q, _):
            out |= 1 << UInt64(q)
        }
    }

    /// For each question (by index), the rules (by position) whose `when` or selector reads it:
    /// the only rules whose firing can change when that one answer changes.
    var rulesReading: [[Int]] {
        // A bit per question: past 64 questions (no catalog has so many), every rule counts.
        guard questions.count <= 64 else { return Array(repeating: Array(when.indices), count: questions.count) }
        var out = Array(repeating: [Int](), count: questions.count)
        for i in when.indices {
            var read: UInt64 = 0
            if let w = when[i] { CompiledRules.questionsRead(by: w, into: &read) }
            CompiledRules.questionsRead(by: selector[i], into: &read)
            for q in 0..<questions.count where read & (1 << UInt64(q)) != 0 { out[q].append(i) }
        }
        return out
    }

    static func mask(_ values: [String], in vocabulary: [String]) -> UInt64 {
        values.reduce(0) { m, v in vocabulary.firstIndex(of: v).map { m | (1 << UInt64($0)) } ?? m }
    }

    static func compile(_ c: Condition, catalog: Catalog, index: [String: Int]) -> Test {
        let services = catalog.services
        switch c {
        case let .all(items): return .all(items.map { compile($0, catalog: catalog, index: index) })
        case let .any(items): return .any(items.map { compile($0, catalog: catalog, index: index) })
        case let .not(inner): return .not(compile(inner, catalog: catalog, index: index))
        case .invalid: return .constant(false)
        case let .serviceIn(ids): return .perService(services.map { ids.contains($0.id) })
        case let .familyIn(families): return .perService(services.map { families.contains($0.family) })
        case let .familyMatchesAnswer(key):
            guard let q = index[key] else { return .constant(false) }
            let vocabulary = catalog.questions[q].valueNames
            return .familyMatches(q, services.map { vocabulary.firstIndex(of: $0.family) ?? -1 })
        case let .answer(key, test):
            guard let q = index[key] else { return .constant(false) }
            let vocabulary = catalog.questions[q].valueNames
            switch test {
            case let .answered(b): return .answered(q, b)
            case let .isValue(v), let .includes(v): return .answerIntersects(q, mask([v], in: vocabulary))
            case let .inValues(vs), let .includesAny(vs): return .answerIntersects(q, mask(vs, in: vocabulary))
            case let .atLeast(_, size, rate):
                let limit = catalog.questions[q].kind == .size ? size : rate
                return limit.map { .numberAtLeast(q, $0) } ?? .constant(false)
            case let .below(_, size, rate):
                let limit = catalog.questions[q].kind == .size ? size : rate
                return limit.map { .numberBelow(q, $0) } ?? .constant(false)
            }
        case let .fact(kind, field, test):
            switch test {
            case .present, .isValue, .inValues, .includes:
                // Depends on the service alone: judged once per service with no answers.
                return .perService(services.map { s in
                    var scratch = Condition.Bindings()
                    return c.holds(profile: Profile(), service: s, bindings: &scratch)
                })
            case let .includesAnswer(key), let .lacksAnswer(key):
                guard let q = index[key], field == nil else { return .constant(false) }
                let vocabulary = catalog.questions[q].valueNames
                let masks: [UInt64?] = services.map { s in s.fact(kind).map { mask($0.strings, in: vocabulary) } }
                if case .includesAnswer = test { return .factIncludesAnswer(q, masks) }
                return .factLacksAnswer(q, masks)
            case let .belowAnswer(key):
                guard let q = index[key], field == nil else { return .constant(false) }
                let isSize = catalog.questions[q].kind == .size
                return .factBelowAnswer(q, services.map { s in
                    guard let text = s.fact(kind)?.value?.stringValue, text != "unlimited" else { return nil }
                    return isSize ? Condition.sizeValue(text) : Condition.rateValue(text)
                })
            case let .slowerThanAnswer(key), let .notSlowerThanAnswer(key):
                guard let q = index[key], field == nil else { return .constant(false) }
                let classes: [Int?] = services.map { s in s.fact(kind)?.value?.stringValue.flatMap { latencyOrder.firstIndex(of: $0) } }
                if case .slowerThanAnswer = test { return .factSlower(q, classes, slower: true) }
                return .factSlower(q, classes, slower: false)
            }
        }
    }

    /// Whether `test` holds for the answers and the service at `s` (-1: no service).
    func holds(_ test: Test, _ a: Answers, _ s: Int) -> Bool {
        switch test {
        case let .constant(b): return b
        case let .all(items):
            for item in items where !holds(item, a, s) { return false }
            return true
        case let .any(items):
            for item in items where holds(item, a, s) { return true }
            return false
        case let .not(inner): return !holds(inner, a, s)
        case let .perService(table): return s >= 0 && table[s]
        case let .answered(q, b): return a.answered[q] == b
        case let .answerIntersects(q, m): return a.mask[q] & m != 0
        case let .numberAtLeast(q, limit): return a.answered[q] && a.number[q] >= limit
        case let .numberBelow(q, limit): return a.answered[q] && a.number[q] < limit
        case let .factIncludesAnswer(q, masks):
            guard s >= 0, let m = masks[s] else { return false }
            let wanted = a.mask[q]
            return wanted != 0 && wanted & m == wanted
        case let .factLacksAnswer(q, masks):
            guard s >= 0, let m = masks[s] else { return false }
            return a.mask[q] & ~m != 0
        case let .factBelowAnswer(q, limits):
            guard s >= 0, let limit = limits[s], a.answered[q], !a.number[q].isNaN else { return false }
            return limit < a.number[q]
        case let .factSlower(q, classes, slower):
            guard s >= 0, let have = classes[s], a.mask[q] != 0 else { return false }
            let wanted = a.mask[q].trailingZeroBitCount
            return slower ? have > wanted : have <= wanted
        case let .familyMatches(q, families):
            guard s >= 0, families[s] >= 0, a.mask[q] != 0 else { return false }
            // Only a choice answer can name a family.
            return a.mask[q] == 1 << UInt64(families[s])
        }
    }
}
