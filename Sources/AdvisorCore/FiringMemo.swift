/// Which services a rule fires for, kept per rule by the classes of the answers it reads (batch:
/// one memo per thread, for every line it answers).
///
/// A rule reads a few questions (its `when` and selector: `questionsReadByRule`), and it can
/// tell apart only what its tests compare: a choice's value, a set's values, and where a number
/// lies among the limits the compiled tests hold (`numberAtLeast`, `numberBelow`, each
/// service's `factBelowAnswer` limit). So each answer is put in a class: unanswered; a choice's
/// value; a set's values as a mask; a number's place among every limit any rule compares that
/// question with (below the first, equal to it, between the first and second, ...). Two profiles
/// whose answers fall in the same classes for the questions a rule reads get the same firing
/// word from it; the memo keeps each word under its rule and those classes (a number in mixed
/// radix, the key), and evaluates only what it has not met before.
///
/// Bounded: a rule whose keys number at most `largestTable` has a table with an entry per key
/// (all such tables together at most `largestTotal` entries, 8 bytes and a bit each); any
/// other rule has up to 1,024 places (fewer when it has fewer keys), direct-mapped by its key,
/// each holding the whole key beside the word (all together at most `largestHashed` places,
/// 16 bytes each). A rule past those bounds, or that reads a set of more than `largestSet`
/// values, is evaluated every time; so is every rule of a catalog of more than 64 questions
/// (the memo is then off). At most about 4 MB a memo, whatever the catalog. FiringMemoTests
/// holds the memo to `Engine.firing` over generated answers, numbers at and around every limit
/// included, with the bounds as they are and with bounds so small that most rules are hashed
/// or evaluated every time.
public struct FiringMemo {
    /// How a question's answer is put in a class.
    enum Scale {
        /// Rules that read it are evaluated every time.
        case unkept
        /// 0 unanswered, 1 answered with no known value, 2 + k the value at k.
        case choice(values: Int)
        /// 0 unanswered, 1 + the values' mask.
        case set(values: Int)
        /// 0 unanswered, 1 answered with no number, then 2 + 2k below the limit at k (k = the
        /// count of limits below the number) and 3 + 2k equal to it.
        case number(limits: [Double])

        var classes: Int {
            switch self {
            case .unkept: return 0
            case let .choice(n): return n + 2
            case let .set(n): return (1 << n) + 1
            case let .number(limits): return 2 * limits.count + 3
            }
        }
    }

    static let largestTable = 1 << 16
    static let largestSet = 12
    /// Entries over every rule's table (8 bytes each, and a bit).
    static let largestTotal = 1 << 18
    /// Places over every hashed rule (16 bytes each), and at most per rule (as a power of two).
    static let largestHashed = 1 << 16
    static let hashedBits = 10

    let scales: [Scale]
    /// Per rule: how its word is kept: in a table (the table's start in `table`, ≥ 0), by
    /// hash (~ its places' start in `hashedKeys`), or not (`unkept`).
    let keeping: [Int]
    static let unkept = Int.min
    /// Per hashed rule: how far its key's mix is shifted to give a place (64 - its bits).
    let shifts: [UInt64]
    /// Per rule: its questions' place in `reads` (bounds[i] ..< bounds[i + 1]).
    let bounds: [Int]
    /// Per rule, in turn: each question it reads and that question's stride in its key.
    let reads: [(question: Int, stride: Int)]
    /// The firing words met, by rule and key; and a bit per entry: whether it is set.
    var table: [UInt64]
    var filled: [UInt64]
    /// The hashed rules' places: the key + 1 (0: empty) and the word.
    var hashedKeys: [UInt64]
    var hashedWords: [UInt64]
    /// This line's class per question (kept to save an allocation a line).
    var classes: [Int]
    /// The rules `lookUp` did not find (rule, and where `keep` puts its word; -1: nowhere).
    private(set) var misses: [(rule: Int, place: Int, key: UInt64)] = []
    /// Per rule, the key of the last classified line's classes for the questions it reads
    /// (what its firing word is kept under), -1 when the rule is evaluated every time; read
    /// through `lineKey`, which gives -1 for every rule unless the keys are the line's being
    /// answered (set by `lookUp`, forgotten when a line's answers are not classified and when
    /// `Engine.recommend` is done with its line). Whatever a rule's evaluation finds for a
    /// service depends on these classes only, as its word does: the reason memo keeps what a
    /// reason's evaluation captured by it (`Engine.captured`).
    private var lineKeys: [Int] = []
    private var lineKeysHeld = false

    /// Rule `i`'s key for the line being answered; -1 when there is none.
    func lineKey(_ i: Int) -> Int { lineKeysHeld && i < lineKeys.count ? lineKeys[i] : -1 }
    /// Whether the memo is used at all (off: `Engine.firing` evaluates every rule).
    public let isOn: Bool

    /// A memo that keeps nothing.
    public static var off: FiringMemo { FiringMemo() }

    private init() {
        scales = []; keeping = []; shifts = []; bounds = [0]; reads = []
        table = []; filled = []; hashedKeys = []; hashedWords = []; classes = []; isOn = false
    }

    public init(engine: Engine) {
        self.init(engine: engine, largestTable: FiringMemo.largestTable, largestTotal: FiringMemo.largestTotal, largestHashed: FiringMemo.largestHashed)
    }

    /// A memo with other bounds (tests make them small, to reach the hashed and unkept paths).
    init(engine: Engine, largestTable: Int, largestTotal: Int, largestHashed: Int) {
        let evaluator = engine.evaluator
        // Past 64 questions `questionsReadByRule` cannot say what a rule reads: nothing is kept.
        let qs = evaluator.questions.count <= 64 ? evaluator.questions : []
        // Every limit a number is compared with, per question.
        var limits = Array(repeating: Set<Double>(), count: qs.count)
        func collect(_ t: RuleEvaluator.Test) {
            switch t {
            case .constant, .perService, .answered, .answerIntersects, .factIncludesAnswer, .factLacksAnswer, .factSlower, .familyMatches: break
            case let .all(items), let .any(items): items.forEach(collect)
            case let .not(inner): collect(inner)
            case let .numberAtLeast(q, limit), let .numberBelow(q, limit): limits[q].insert(limit)
            case let .factBelowAnswer(q, table): for case let limit? in table { limits[q].insert(limit) }
            }
        }
        if !qs.isEmpty {
            evaluator.when.forEach { $0.map(collect) }
            evaluator.selector.forEach(collect)
        }
        scales = qs.indices.map { q in
            switch qs[q].kind {
            case .choice: return qs[q].valueNames.count <= 62 ? .choice(values: qs[q].valueNames.count) : .unkept
            case .set: return qs[q].valueNames.count <= FiringMemo.largestSet ? .set(values: qs[q].valueNames.count) : .unkept
            // A comparison with NaN is false whatever the number: it tells no class apart.
            case .size, .rate, .percent: return .number(limits: limits[q].filter { !$0.isNaN }.sorted())
            }
        }
        var keeping: [Int] = [], shifts: [UInt64] = [], bounds = [0], reads: [(question: Int, stride: Int)] = []
        var total = 0, hashed = 0
        for read in qs.isEmpty ? [] : evaluator.questionsReadByRule {
            var size = 1
            var ok = true
            var ruleReads: [(question: Int, stride: Int)] = []
            var left = read
            while left != 0 {
                let q = left.trailingZeroBitCount
                left &= left - 1
                let n = scales[q].classes
                // Every key below 2^62, so key + 1 fits.
                guard n > 0, size <= (1 << 62) / n else { ok = false; break }
                ruleReads.append((q, size))
                size *= n
            }
            // Places for a hashed rule: a power of two from 2 to 2^hashedBits, the least that
            // holds its keys.
            var bits = 1
            while bits < FiringMemo.hashedBits && 1 << bits < size { bits += 1 }
            if ok && size <= largestTable && total + size <= largestTotal {
                keeping.append(total)
                total += size
            } else if ok && hashed + (1 << bits) <= largestHashed {
                keeping.append(~hashed)
                hashed += 1 << bits
            } else {
                keeping.append(FiringMemo.unkept)
                ok = false
            }
            shifts.append(UInt64(64 - bits))
            if ok { reads += ruleReads }
            bounds.append(reads.count)
        }
        self.keeping = keeping
        self.bounds = bounds
        self.reads = reads
        table = Array(repeating: 0, count: total)
        filled = Array(repeating: 0, count: (total + 63) / 64)
        self.shifts = shifts
        hashedKeys = Array(repeating: 0, count: hashed)
        hashedWords = Array(repeating: 0, count: hashed)
        classes = Array(repeating: 0, count: qs.count)
        misses.reserveCapacity(keeping.count)
        lineKeys = Array(repeating: -1, count: keeping.count)
        isOn = !qs.isEmpty
    }

    /// Puts this line's answers in classes; false when some answer fits no class (then every
    /// rule is evaluated).
    mutating func classify(_ a: RuleEvaluator.Answers) -> Bool {
        for q in scales.indices {
            guard a.answered[q] else { classes[q] = 0; continue }
            switch scales[q] {
            case .unkept: classes[q] = 0
            case let .choice(n):
                // One value of the question's, or none (not one of its values); anything else
                // fits no class, so that no class can stand for two answers.
                let m = a.mask[q]
                guard m & (m &- 1) == 0, m >> UInt64(n) == 0, a.number[q].isNaN else { return false }
                classes[q] = m == 0 ? 1 : 2 + m.trailingZeroBitCount
            case let .set(n):
                guard a.mask[q] >> UInt64(n) == 0, a.number[q].isNaN else { return false }
                classes[q] = 1 + Int(a.mask[q])
            case let .number(limits):
                guard a.mask[q] == 0 else { return false }
                let v = a.number[q]
                if v.isNaN { classes[q] = 1; continue }
                // The count of limits below v (binary search), and whether the next is v.
                var low = 0, high = limits.count
                while low < high {
                    let mid = (low + high) / 2
                    if limits[mid] < v { low = mid + 1 } else { high = mid }
                }
                classes[q] = 2 + 2 * low + (low < limits.count && limits[low] == v ? 1 : 0)
            }
        }
        return true
    }

    /// Every rule's firing word for the classified answers, from the tables; the rules not
    /// found are left 0 and listed in `misses`, for the caller to evaluate and `keep`.
    mutating func lookUp() -> [UInt64] {
        let n = keeping.count
        misses.removeAll(keepingCapacity: true)
        // Every word is set below; made zero first through the specialized path (`filledWith`).
        var words = [UInt64](filledWith: 0, count: n)
        words.withUnsafeMutableBufferPointer { held in
            lineKeys.withUnsafeMutableBufferPointer { lineKeys in
            classes.withUnsafeBufferPointer { classes in
            reads.withUnsafeBufferPointer { reads in
            bounds.withUnsafeBufferPointer { bounds in
            keeping.withUnsafeBufferPointer { keeping in
            table.withUnsafeBufferPointer { table in
            filled.withUnsafeBufferPointer { filled in
            hashedKeys.withUnsafeBufferPointer { hashedKeys in
                for i in 0..<n {
                    var k = bounds[i]
                    let end = bounds[i + 1]
                    // A rule's first question has stride 1.
                    var key = k < end ? classes[reads[k].question] : 0
                    k += 1
                    while k < end {
                        key &+= classes[reads[k].question] &* reads[k].stride
                        k += 1
                    }
                    let start = keeping[i]
                    lineKeys[i] = start == FiringMemo.unkept ? -1 : key
                    if start >= 0 {
                        let place = start &+ key
                        if filled[place >> 6] & (1 << UInt64(place & 63)) != 0 {
                            held[i] = table[place]
                        } else {
                            held[i] = 0
                            misses.append((i, place, 0))
                        }
                    } else if start != FiringMemo.unkept {
                        let place = ~start &+ Int((UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> shifts[i])
                        if hashedKeys[place] == UInt64(key) &+ 1 {
                            held[i] = hashedWords[place]
                        } else {
                            held[i] = 0
                            misses.append((i, place, UInt64(key) &+ 1))
                        }
                    } else {
                        held[i] = 0
                        misses.append((i, -1, 0))
                    }
                }
            } } } } } } } }
            lineKeysHeld = true
        }
        return words
    }

    /// Forgets the line's keys (its answers were not classified, or its answer is done).
    mutating func forgetLineKeys() { lineKeysHeld = false }

    /// Keeps the word of the miss at `k` (in `misses`).
    mutating func keep(_ k: Int, _ word: UInt64) {
        let (i, place, key) = misses[k]
        guard place >= 0 else { return }
        if keeping[i] < 0 {
            hashedKeys[place] = key
            hashedWords[place] = word
        } else {
            table[place] = word
            filled[place >> 6] |= 1 << UInt64(place & 63)
        }
    }

    /// Entries kept so far (for tests), and the tables' size.
    var kept: Int { filled.reduce(0) { $0 + $1.nonzeroBitCount } + hashedKeys.count { $0 != 0 } }
    var capacity: Int { table.count + hashedKeys.count }
    /// The rules evaluated every time, and those hashed.
    var unkeptRules: [Int] { keeping.indices.filter { keeping[$0] == FiringMemo.unkept } }
    var hashedRules: [Int] { keeping.indices.filter { keeping[$0] < 0 && keeping[$0] != FiringMemo.unkept } }
}

extension Engine {
    /// `firing(a)`, each rule's word read from `memo` when it holds the answers' classes.
    func firing(_ a: RuleEvaluator.Answers, memo: inout FiringMemo) -> [UInt64] {
        guard memo.isOn, memo.classes.count == a.mask.count, memo.keeping.count == serviceRules.count, memo.classify(a) else {
            if memo.isOn { memo.forgetLineKeys() }
            return firing(a)
        }
        var held = memo.lookUp()
        for k in memo.misses.indices {
            let i = memo.misses[k].rule
            held[i] = firingServices(i, a)
            memo.keep(k, held[i])
        }
        return held
    }
}
