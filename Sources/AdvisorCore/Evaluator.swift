/// The one rule evaluator. Every path that asks whether a rule fires — `recommend`, `why`,
/// what-if, `batch`, `plan`, the lint sweep, every rule's examples and the questionnaire's
/// `askWhen` — asks this type. Conditions are compiled once, when the engine is built:
/// answers become small integers and bitmasks, facts become per-service masks and numbers,
/// and a condition becomes a flat program of integer tests (`TestProgram`, evaluated by its
/// one `holds`). What explanations need (the values a
/// `lacksAnswer` found missing) is captured by the same evaluation that decides.
///
/// Conditions are type-checked when the catalog loads (`RuleEvaluator.typeProblems`): a test
/// that does not fit the question it reads (`is` on a set, a comparison on an unranked
/// choice) is refused with its file and JSON path, so `compile` never sees one.
struct RuleEvaluator: Sendable {
    /// A profile as indices: per question, the chosen value's bit or a set's bitmask, or a number.
    struct Answers {
        var mask: [UInt64]
        var number: [Double]
        var answered: [Bool]

        /// No answer to any of `count` questions.
        static func none(count: Int) -> Answers {
            Answers(mask: Array(repeating: 0, count: count), number: Array(repeating: .nan, count: count), answered: Array(repeating: false, count: count))
        }
    }

    /// What a firing condition captured for its reason: the answered values a `lacksAnswer`
    /// found missing (question index and value bits).
    struct Capture {
        var question = -1
        var missing: UInt64 = 0
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
        case numberAtLeast(Int, Double)
        case numberBelow(Int, Double)
        /// Per service: the fact's values as a mask over the question's vocabulary; nil = no fact.
        case factIncludesAnswer(Int, [UInt64?])
        case factLacksAnswer(Int, [UInt64?])
        /// Per service: the fact's limit as a number (bytes, per second); nil = no limit.
        case factBelowAnswer(Int, [Double?])
        /// Per service: the rank of its fact value on the question's scale; per value of the
        /// question (by position): its rank. Ranks come from the data, never from list order.
        case factSlower(Int, serviceRanks: [Int?], valueRanks: [Int], slower: Bool)
        /// Per service: the index of its family in the question's vocabulary (or -1).
        case familyMatches(Int, [Int])
    }

    let questionIndex: [String: Int]
    let questions: [Question]
    /// Per rule (in the order given to `init`): its `when` and its selector (false for a
    /// warning rule, which has none).
    let when: [Test?]
    let selector: [Test]
    /// The same `when` and selector tests, flat (see `TestProgram`): per rule, the position of
    /// each in `program` (-1: no `when`).
    let program: TestProgram
    let whenAt: [Int]
    let selectorAt: [Int]

    init(catalog: Catalog, rules: [Rule]) {
        questions = catalog.questions
        var index: [String: Int] = [:]
        for (i, q) in catalog.questions.enumerated() { index[q.key] = i }
        questionIndex = index
        let facts = FactColumns(services: catalog.services)
        let compile = { (c: Condition) in RuleEvaluator.compile(c, catalog: catalog, index: index, facts: facts) }
        when = rules.map { $0.when.map(compile) }
        selector = rules.map { $0.services.map(compile) ?? .constant(false) }
        var program = TestProgram(services: catalog.services.count)
        whenAt = when.map { $0.map { program.add($0) } ?? -1 }
        selectorAt = selector.map { program.add($0) }
        self.program = program
    }

    /// A condition that reads answers only (a question's `askWhen`), compiled alone.
    static func compile(answersOnly c: Condition, catalog: Catalog) -> Test {
        var index: [String: Int] = [:]
        for (i, q) in catalog.questions.enumerated() { index[q.key] = i }
        return compile(c, catalog: catalog, index: index)
    }

    func answers(_ profile: Profile) -> Answers {
        RuleEvaluator.answers(profile, questions: questions, index: questionIndex)
    }

    static func answers(_ profile: Profile, questions: [Question], index: [String: Int]) -> Answers {
        var a = Answers.none(count: questions.count)
        for item in profile.items {
            guard let i = index[item.key] else { continue }
            set(&a, question: i, to: item.answer, questions: questions)
        }
        return a
    }

    /// Replaces the answer to the question at `i` (nil: unanswered).
    func set(_ a: inout Answers, question i: Int, to answer: Answer?) {
        RuleEvaluator.set(&a, question: i, to: answer, questions: questions)
    }

    static func set(_ a: inout Answers, question i: Int, to answer: Answer?, questions: [Question]) {
        a.answered[i] = answer != nil
        guard let answer else {
            a.mask[i] = 0
            a.number[i] = .nan
            return
        }
        (a.mask[i], a.number[i]) = read(answer, names: questions[i].valueNames)
    }

    /// An answer as the evaluator reads it: a choice's or a set's values as bits of the
    /// question's values (`names`), or a number (NaN for none).
    static func read(_ answer: Answer, names: [String]) -> (mask: UInt64, number: Double) {
        var mask: UInt64 = 0
        switch answer {
        case let .choice(v): if let k = names.firstIndex(of: v) { mask = 1 << UInt64(k) }
        case let .set(vs): for v in vs { if let k = names.firstIndex(of: v) { mask |= 1 << UInt64(k) } }
        case let .size(s): return (0, s.bytes)
        case let .rate(r): return (0, r.perSecond)
        case let .percent(p): return (0, p)
        }
        return (mask, .nan)
    }

    /// Whether rule `i` fires for the answers and the service at `s` (-1: a warning rule),
    /// with what it captured for its reason.
    func fires(_ i: Int, _ a: Answers, _ s: Int, capture: inout Capture) -> Bool {
        if whenAt[i] >= 0, !program.holds(whenAt[i], a, s, &capture) { return false }
        if s < 0 { return true }
        return program.holds(selectorAt[i], a, s, &capture)
    }

    /// The names of the values a capture found missing.
    func missingValues(_ capture: Capture) -> [String] {
        guard capture.question >= 0 else { return [] }
        let names = questions[capture.question].valueNames
        return names.indices.filter { capture.missing & (1 << UInt64($0)) != 0 }.map { names[$0] }
    }

    // MARK: Compiling

    static func mask(_ values: [String], in vocabulary: [String]) -> UInt64 {
        var m: UInt64 = 0
        for v in values {
            // The first equal value, as `firstIndex(of:)` finds it. `isSameKey` compares bytes
            // (lengths first: most values of a vocabulary differ in length), which is `==` here
            // only because the schema keeps question values to `^[a-z0-9]+(-[a-z0-9]+)*$`
            // (for `--catalog DIR` too), an alphabet no other spelling normalises into.
            for (k, name) in vocabulary.enumerated() where name.isSameKey(v) {
                m |= 1 << UInt64(k)
                break
            }
        }
        return m
    }

    /// Per fact kind, each service's fact of that kind (by service index), looked up once per
    /// kind while compiling instead of once per test and service.
    final class FactColumns {
        let services: [Service]
        var byKind: [String: [Fact?]] = [:]
        init(services: [Service]) { self.services = services }
        func column(_ kind: String) -> [Fact?] {
            if let column = byKind[kind] { return column }
            let column = services.map { $0.fact(kind) }
            byKind[kind] = column
            return column
        }
    }

    static func compile(_ c: Condition, catalog: Catalog, index: [String: Int], facts: FactColumns? = nil) -> Test {
        let services = catalog.services
        let facts = facts ?? FactColumns(services: services)
        switch c {
        case let .all(items): return .all(items.map { compile($0, catalog: catalog, index: index, facts: facts) })
        case let .any(items): return .any(items.map { compile($0, catalog: catalog, index: index, facts: facts) })
        case let .not(inner): return .not(compile(inner, catalog: catalog, index: index, facts: facts))
        case .invalid: return .constant(false)
        case let .serviceIn(ids): return .perService(services.map { ids.contains($0.id) })
        case let .familyIn(families): return .perService(services.map { families.contains($0.family) })
        case let .familyMatchesAnswer(key):
            guard let q = index[key] else { return .constant(false) }
            let vocabulary = catalog.questions[q].valueNames
            return .familyMatches(q, services.map { vocabulary.firstIndex(of: $0.family) ?? -1 })
        case let .answer(key, test):
            guard let q = index[key] else { return .constant(false) }
            let question = catalog.questions[q]
            let vocabulary = question.valueNames
            switch test {
            case let .answered(b): return .answered(q, b)
            case let .isValue(v), let .includes(v): return .answerIntersects(q, mask([v], in: vocabulary))
            case let .inValues(vs), let .includesAny(vs): return .answerIntersects(q, mask(vs, in: vocabulary))
            case let .atLeast(_, size, rate):
                let limit = question.kind == .size ? size : question.kind == .rate ? rate : nil
                return limit.map { .numberAtLeast(q, $0) } ?? .constant(false)
            case let .below(_, size, rate):
                let limit = question.kind == .size ? size : question.kind == .rate ? rate : nil
                return limit.map { .numberBelow(q, $0) } ?? .constant(false)
            }
        case let .fact(kind, field, test):
            switch test {
            case .present, .isValue, .inValues, .includes:
                // Depends on the service alone: folded to a table, one entry per service.
                return .perService(facts.column(kind).map { staticFactHolds($0, field: field, test) })
            case let .includesAnswer(key), let .lacksAnswer(key):
                guard let q = index[key], field == nil else { return .constant(false) }
                let vocabulary = catalog.questions[q].valueNames
                let masks: [UInt64?] = facts.column(kind).map { fact in fact.map { mask($0.strings, in: vocabulary) } }
                if case .includesAnswer = test { return .factIncludesAnswer(q, masks) }
                return .factLacksAnswer(q, masks)
            case let .belowAnswer(key):
                guard let q = index[key], field == nil else { return .constant(false) }
                let isSize = catalog.questions[q].kind == .size
                return .factBelowAnswer(q, facts.column(kind).map { fact in
                    guard let text = fact?.value?.stringValue, text != "unlimited" else { return nil }
                    return isSize ? Condition.sizeValue(text) : Condition.rateValue(text)
                })
            case let .slowerThanAnswer(key), let .notSlowerThanAnswer(key):
                guard let q = index[key], field == nil else { return .constant(false) }
                let question = catalog.questions[q]
                let serviceRanks: [Int?] = facts.column(kind).map { fact in fact?.value?.stringValue.flatMap(question.rank(of:)) }
                let valueRanks = question.values.map { $0.rank ?? -1 }
                var slower = true
                if case .notSlowerThanAnswer = test { slower = false }
                return .factSlower(q, serviceRanks: serviceRanks, valueRanks: valueRanks, slower: slower)
            }
        }
    }

    /// A fact test that reads no answer, judged once per service while compiling.
    static func staticFactHolds(_ fact: Fact?, field: String?, _ test: Condition.FactTest) -> Bool {
        let value = field.map { fact?.value?[$0] } ?? fact?.value
        let list = field == nil ? (fact?.strings ?? []) : (value?.arrayValue?.compactMap(\.stringValue) ?? (value?.stringValue.map { [$0] } ?? []))
        switch test {
        case let .present(expected): return (value != nil && value != .null) == expected
        case let .isValue(v): return value == v
        case let .inValues(vs): return value?.stringValue.map(vs.contains) ?? false
        case let .includes(v): return list.contains(v)
        default: return false
        }
    }

    // MARK: Evaluating

    /// The questions (by index) whose answers a test reads, as a bit per question.
    static func questionsRead(by test: Test, into out: inout UInt64) {
        switch test {
        case .constant, .perService: break
        case let .all(items), let .any(items): for item in items { questionsRead(by: item, into: &out) }
        case let .not(inner): questionsRead(by: inner, into: &out)
        case let .answered(q, _), let .answerIntersects(q, _), let .numberAtLeast(q, _), let .numberBelow(q, _),
             let .factIncludesAnswer(q, _), let .factLacksAnswer(q, _), let .factBelowAnswer(q, _),
             let .factSlower(q, _, _, _), let .familyMatches(q, _):
            out |= 1 << UInt64(q)
        }
    }

    /// For each rule (by position), the questions its `when` or selector reads, a bit per
    /// question by index (it can say only for the first 64 questions).
    var questionsReadByRule: [UInt64] {
        when.indices.map { i in
            var read: UInt64 = 0
            if let w = when[i] { RuleEvaluator.questionsRead(by: w, into: &read) }
            RuleEvaluator.questionsRead(by: selector[i], into: &read)
            return read
        }
    }

    /// For each question (by index), the rules (by position) whose `when` or selector reads it:
    /// the only rules whose firing can change when that one answer changes.
    var rulesReading: [[Int]] {
        // A bit per question: past 64 questions (no catalog has so many), every rule counts.
        guard questions.count <= 64 else { return Array(repeating: Array(when.indices), count: questions.count) }
        var out = Array(repeating: [Int](), count: questions.count)
        for (i, read) in questionsReadByRule.enumerated() {
            for q in 0..<questions.count where read & (1 << UInt64(q)) != 0 { out[q].append(i) }
        }
        return out
    }

    // MARK: Type checks

    /// Every test in `condition` that does not fit the question or fact it reads, with the JSON
    /// path of the test (askWhen and asserts are checked for reading answers only by the caller).
    static func typeProblems(of condition: Condition, catalog: Catalog, file: String, path: String) -> [Problem] {
        var problems: [Problem] = []
        func problem(_ p: String, _ message: String) { problems.append(Problem(file: file, path: p, message: message)) }
        func walk(_ c: Condition, _ p: String) {
            switch c {
            case let .all(items): for (i, item) in items.enumerated() { walk(item, "\(p).all[\(i)]") }
            case let .any(items): for (i, item) in items.enumerated() { walk(item, "\(p).any[\(i)]") }
            case let .not(inner): walk(inner, "\(p).not")
            case .serviceIn, .familyIn, .invalid: break
            case let .familyMatchesAnswer(key):
                if let q = catalog.question(key), q.kind != .choice {
                    problem(p, "familyMatchesAnswer compares a family with a single choice, but '\(key)' is a \(q.kind.rawValue) question")
                }
            case let .answer(key, test):
                guard let q = catalog.question(key) else { return }
                switch test {
                case .answered: break
                case .isValue, .inValues:
                    if q.kind != .choice {
                        let instead = q.kind == .set ? "use includes or includesAny, which test a set" : "use atLeast or below, which compare quantities"
                        problem(p, "'\(test.operatorName)' tests a single choice, but '\(key)' is a \(q.kind.rawValue) question: \(instead)")
                    }
                case .includes, .includesAny:
                    if q.kind != .set {
                        let instead = q.kind == .choice ? "use is or in, which test a choice" : "use atLeast or below, which compare quantities"
                        problem(p, "'\(test.operatorName)' tests a set of values, but '\(key)' is a \(q.kind.rawValue) question: \(instead)")
                    }
                case let .atLeast(text, size, rate), let .below(text, size, rate):
                    switch q.kind {
                    case .size: if size == nil { problem(p, "'\(text)' is not a size, but '\(key)' is a size question (write it as 500GB, 2TB, ...)") }
                    case .rate: if rate == nil { problem(p, "'\(text)' is not a rate, but '\(key)' is a rate question (write it as 500, 20k, 1.5M per second)") }
                    default: problem(p, "'\(test.operatorName)' compares sizes and rates, but '\(key)' is a \(q.kind.rawValue) question")
                    }
                }
            case let .fact(kind, field, test):
                switch test {
                case .present, .isValue, .inValues, .includes: break
                case let .includesAnswer(key), let .lacksAnswer(key), let .belowAnswer(key), let .slowerThanAnswer(key), let .notSlowerThanAnswer(key):
                    if field != nil {
                        problem(p, "'\(test.operatorName)' compares a whole fact with an answer; it cannot read the field '\(field!)'")
                    }
                    guard let q = catalog.question(key) else { return }
                    switch test {
                    case .includesAnswer, .lacksAnswer:
                        if q.kind != .choice && q.kind != .set {
                            problem(p, "'\(test.operatorName)' compares a list of values with a choice or set answer, but '\(key)' is a \(q.kind.rawValue) question")
                            return
                        }
                        // Values are bits of a 64-bit mask; a value the question lacks would be
                        // silently dropped (a Region code mistyped in a list rules the service out).
                        if q.values.count > 64 {
                            problem(p, "'\(test.operatorName)' compares with '\(key)', which has \(q.values.count) values; at most 64 can be compared")
                        }
                        // The first such value per service: enough to find it, bounded for a long list.
                        let vocabulary = Set(q.valueNames)
                        for service in catalog.services {
                            if let value = service.fact(kind)?.strings.first(where: { !vocabulary.contains($0) }) {
                                problem(p, "'\(test.operatorName)' compares the fact '\(kind)' with '\(key)', but \(service.id) gives '\(value)', which is not a value of '\(key)'")
                            }
                        }
                    case .belowAnswer:
                        guard q.kind == .size || q.kind == .rate else {
                            problem(p, "'belowAnswer' compares a limit with a size or rate answer, but '\(key)' is a \(q.kind.rawValue) question")
                            return
                        }
                        for service in catalog.services {
                            guard let text = service.fact(kind)?.value?.stringValue, text != "unlimited" else { continue }
                            let parsed = q.kind == .size ? Condition.sizeValue(text) : Condition.rateValue(text)
                            if parsed == nil {
                                problem(p, "'belowAnswer' compares the fact '\(kind)' with '\(key)', but \(service.id) gives '\(text)', which is not a \(q.kind.rawValue)")
                            }
                        }
                    default:
                        guard q.kind == .choice, q.ranked != nil else {
                            problem(p, "'\(test.operatorName)' compares by rank, but '\(key)' declares no ranks (give the question 'ranked' and each value a 'rank')")
                            return
                        }
                        for service in catalog.services {
                            guard let have = service.fact(kind)?.value?.stringValue else { continue }
                            if q.rank(of: have) == nil {
                                problem(p, "'\(test.operatorName)' compares the fact '\(kind)' with '\(key)', but \(service.id) gives '\(have)', which is not a value of '\(key)'")
                            }
                        }
                    }
                }
            }
        }
        walk(condition, path)
        return problems
    }
}

extension Condition.AnswerTest {
    /// The operator's name as the catalog writes it.
    var operatorName: String {
        switch self {
        case .answered: return "answered"
        case .isValue: return "is"
        case .inValues: return "in"
        case .includes: return "includes"
        case .includesAny: return "includesAny"
        case .atLeast: return "atLeast"
        case .below: return "below"
        }
    }
}

extension Condition.FactTest {
    /// The operator's name as the catalog writes it.
    var operatorName: String {
        switch self {
        case .present: return "present"
        case .isValue: return "is"
        case .inValues: return "in"
        case .includes: return "includes"
        case .includesAnswer: return "includesAnswer"
        case .lacksAnswer: return "lacksAnswer"
        case .belowAnswer: return "belowAnswer"
        case .slowerThanAnswer: return "slowerThanAnswer"
        case .notSlowerThanAnswer: return "notSlowerThanAnswer"
        }
    }
}

/// Compiled tests laid out flat: the only form a condition is evaluated in. Conditions become
/// `RuleEvaluator.Test`s, then nodes in one array (a node's children follow it;
/// `end` is the position after its subtree) and tables of plain values, so that evaluating
/// retains and releases nothing. `RuleEvaluator.Test` is only the step compiling goes through;
/// nothing evaluates it.
///
/// A test is judged for every service at once (`subjects`): bit s stands for the service at
/// position s, and bit `noService` for no service at all (a warning rule, `askWhen`), so a
/// catalog holds at most `maxServices` services (CatalogChecks refuses more).
struct TestProgram: Sendable {
    /// The bit that stands for "no service".
    static let noService = 63
    static let maxServices = 63

    /// The subject bit of the service at `s` (-1: no service).
    static func bit(_ s: Int) -> UInt64 { 1 << UInt64(s < 0 ? noService : s) }

    enum Op: UInt8, Sendable {
        case constant, all, any, not, perService, answered, answerIntersects, numberAtLeast, numberBelow
        case factIncludesAnswer, factLacksAnswer, factBelowAnswer, factSlower, familyMatches
    }

    struct Node: Sendable {
        var op: Op
        var flag = false
        var question: Int32 = 0
        var end: Int32 = 0
        /// Offsets of the node's per-service tables (and per-value ranks) in the arrays below.
        var table: Int32 = 0
        var presence: Int32 = 0
        var ranks: Int32 = 0
        var bits: UInt64 = 0
        var number = 0.0
    }

    private(set) var nodes: [Node] = []
    /// Every subject: the catalog's services and no service.
    let everyone: UInt64

    /// A program for a catalog of `services` services (0: tests of answers alone, judged for
    /// no service): what `subjects` gives holds bits for them and for no service, never others.
    init(services: Int) {
        precondition(services <= TestProgram.maxServices, "a catalog holds at most \(TestProgram.maxServices) services")
        everyone = TestProgram.bit(-1) | (services == 0 ? 0 : UInt64.max >> UInt64(64 - services))
    }

    /// The catalog's services, without "no service".
    var services: UInt64 { everyone & ~TestProgram.bit(-1) }
    private var flags: [Bool] = []
    private var masks: [UInt64] = []
    private var numbers: [Double] = []
    private var ints: [Int] = []

    /// Appends `test`; returns the position of its root.
    mutating func add(_ test: RuleEvaluator.Test) -> Int {
        let root = nodes.count
        var node = Node(op: .constant)
        /// The services of a per-service table as subject bits (those where `keep` holds).
        func services<T>(_ values: [T], _ keep: (T) -> Bool) -> UInt64 {
            precondition(values.count <= TestProgram.maxServices, "a catalog holds at most \(TestProgram.maxServices) services")
            var bits: UInt64 = 0
            for (s, v) in values.enumerated() where keep(v) { bits |= 1 << UInt64(s) }
            return bits
        }
        func optionalTable<T>(_ values: [T?], _ store: inout [T], filler: T) {
            node.table = Int32(store.count)
            node.presence = Int32(flags.count)
            for v in values { store.append(v ?? filler); flags.append(v != nil) }
            // The services that have the fact.
            node.bits = services(values) { $0 != nil }
        }
        switch test {
        case let .constant(b): node.flag = b
        case let .all(items), let .any(items):
            if case .all = test { node.op = .all } else { node.op = .any }
            nodes.append(node)
            for item in items { _ = add(item) }
            nodes[root].end = Int32(nodes.count)
            return root
        case let .not(inner):
            node.op = .not
            nodes.append(node)
            _ = add(inner)
            nodes[root].end = Int32(nodes.count)
            return root
        case let .perService(table):
            node.op = .perService
            node.table = Int32(flags.count)
            flags += table
            node.bits = services(table) { $0 }
        case let .answered(q, b): node.op = .answered; node.question = Int32(q); node.flag = b
        case let .answerIntersects(q, m): node.op = .answerIntersects; node.question = Int32(q); node.bits = m
        case let .numberAtLeast(q, limit): node.op = .numberAtLeast; node.question = Int32(q); node.number = limit
        case let .numberBelow(q, limit): node.op = .numberBelow; node.question = Int32(q); node.number = limit
        case let .factIncludesAnswer(q, table), let .factLacksAnswer(q, table):
            if case .factIncludesAnswer = test { node.op = .factIncludesAnswer } else { node.op = .factLacksAnswer }
            node.question = Int32(q)
            optionalTable(table, &masks, filler: 0)
        case let .factBelowAnswer(q, limits):
            node.op = .factBelowAnswer; node.question = Int32(q)
            optionalTable(limits, &numbers, filler: 0)
        case let .factSlower(q, serviceRanks, valueRanks, slower):
            node.op = .factSlower; node.question = Int32(q); node.flag = slower
            optionalTable(serviceRanks, &ints, filler: 0)
            node.ranks = Int32(ints.count)
            ints += valueRanks
        case let .familyMatches(q, families):
            node.op = .familyMatches; node.question = Int32(q)
            node.table = Int32(ints.count)
            ints += families
            // The services that have a family in the question's vocabulary.
            node.bits = services(families) { $0 >= 0 }
        }
        node.end = Int32(root + 1)
        nodes.append(node)
        return root
    }

    /// Whether the test rooted at `i` holds for the answers and the service at `s` (-1: no
    /// service): its bit of `subjects`.
    func holds(_ i: Int, _ a: RuleEvaluator.Answers, _ s: Int) -> Bool {
        subjects(i, a) & TestProgram.bit(s) != 0
    }

    /// The same, and what a holding test found for the rule's reason: a `lacksAnswer` that
    /// holds records the values it found missing; within `any`, only the first branch that
    /// holds counts; a negation finds nothing. A test that fails leaves `capture` as it was.
    func holds(_ i: Int, _ a: RuleEvaluator.Answers, _ s: Int, _ capture: inout RuleEvaluator.Capture) -> Bool {
        let bit = TestProgram.bit(s)
        guard subjects(i, a) & bit != 0 else { return false }
        collect(i, a, s, bit, &capture)
        return true
    }

    /// What a test that holds for `s` found (see `holds(_:_:_:_:)`), read along the branches
    /// that hold; nothing is decided here.
    private func collect(_ i: Int, _ a: RuleEvaluator.Answers, _ s: Int, _ bit: UInt64, _ capture: inout RuleEvaluator.Capture) {
        let node = nodes[i]
        switch node.op {
        case .all:
            var child = i + 1
            while child < Int(node.end) {
                collect(child, a, s, bit, &capture)
                child = Int(nodes[child].end)
            }
        case .any:
            var child = i + 1
            while child < Int(node.end) {
                if subjects(child, a) & bit != 0 {
                    collect(child, a, s, bit, &capture)
                    return
                }
                child = Int(nodes[child].end)
            }
        case .factLacksAnswer:
            let q = Int(node.question)
            capture = RuleEvaluator.Capture(question: q, missing: a.mask[q] & ~masks[Int(node.table) + s])
        default: break
        }
    }

    /// The one place a rule's condition is decided (recommend, why, what-if, batch, plan, the
    /// lint sweep, rule examples, askWhen): the subjects for which the test rooted at `i`
    /// holds, as bits (bit s: the service at s; `noService`: no service), every service at once.
    /// A test of answers alone holds for every subject or none; a test of a service's facts
    /// never holds for no service.
    func subjects(_ i: Int, _ a: RuleEvaluator.Answers) -> UInt64 {
        let node = nodes[i]
        let q = Int(node.question)
        switch node.op {
        case .constant: return node.flag ? everyone : 0
        case .all:
            var held = everyone
            var child = i + 1
            while child < Int(node.end), held != 0 {
                held &= subjects(child, a)
                child = Int(nodes[child].end)
            }
            return held
        case .any:
            var held: UInt64 = 0
            var child = i + 1
            while child < Int(node.end), held != everyone {
                held |= subjects(child, a)
                child = Int(nodes[child].end)
            }
            return held
        case .not: return everyone & ~subjects(i + 1, a)
        case .perService: return node.bits
        case .answered: return a.answered[q] == node.flag ? everyone : 0
        case .answerIntersects: return a.mask[q] & node.bits != 0 ? everyone : 0
        case .numberAtLeast: return a.answered[q] && a.number[q] >= node.number ? everyone : 0
        case .numberBelow: return a.answered[q] && a.number[q] < node.number ? everyone : 0
        case .factIncludesAnswer:
            let wanted = a.mask[q]
            guard wanted != 0 else { return 0 }
            return services(node.bits) { wanted & masks[Int(node.table) + $0] == wanted }
        case .factLacksAnswer:
            let wanted = a.mask[q]
            return services(node.bits) { wanted & ~masks[Int(node.table) + $0] != 0 }
        case .factBelowAnswer:
            guard a.answered[q], !a.number[q].isNaN else { return 0 }
            let wanted = a.number[q]
            return services(node.bits) { numbers[Int(node.table) + $0] < wanted }
        case .factSlower:
            guard a.mask[q] != 0 else { return 0 }
            let wanted = ints[Int(node.ranks) + a.mask[q].trailingZeroBitCount]
            let slower = node.flag
            return services(node.bits) { s in
                let have = ints[Int(node.table) + s]
                return slower ? have > wanted : have <= wanted
            }
        case .familyMatches:
            guard a.mask[q] != 0 else { return 0 }
            let wanted = a.mask[q]
            return services(node.bits) { wanted == 1 << UInt64(ints[Int(node.table) + $0]) }
        }
    }

    /// Those of `candidates` (service bits) for which `test` holds.
    @inline(__always)
    private func services(_ candidates: UInt64, _ test: (Int) -> Bool) -> UInt64 {
        var held: UInt64 = 0
        var left = candidates
        while left != 0 {
            let s = left.trailingZeroBitCount
            if test(s) { held |= 1 << UInt64(s) }
            left &= left - 1
        }
        return held
    }
}
