@testable import AdvisorCLI
@testable import AdvisorCore
import Testing

/// Batch's short way through simple lines (`ProfileLineReader`) and the plain spellings of
/// sizes and rates (`parsePlain`) only ever answer where the full path answers, and then the
/// same: a generated mix of lines and spellings, ordinary and hostile, is read both ways.
@Suite struct ProfileLineTests {
    /// Batch's tests' fixed-seed sequence.
    typealias Generator = BatchEquivalenceTests.Random

    /// Raw values (JSON text) for a question: its own values and typed spellings, and values
    /// the full path refuses or reads another way.
    static func value(for question: Question, _ g: inout Generator) -> String {
        let names = question.valueNames
        var good: [String] = []
        switch question.kind {
        case .choice, .set: good = names.map { "\"\($0)\"" }
        case .size: good = ["\"4103GB\"", "\"49KB\"", "\"20kib\"", "\"7tb\""]
        case .rate: good = ["\"1687900\"", "\"20k\"", "\"2g\""]
        case .percent: good = ["\"9%\"", "\"100%\"", "\"50\""]
        }
        // Mostly an ordinary answer, so that whole lines are often accepted.
        if !good.isEmpty, g.next(40) > 0 { return g.pick(good) }
        var pool: [String] = ["\"\"", "\" \"", "null", "12", "1.5", "[]", "{}", "true", "\"x\"", #""\u0041""#, #""a\"b""#, "\"é\"", "\"\t\""]
        switch question.kind {
        case .choice:
            pool += names.map { "\"\($0)\"" } + names.map { "\"\($0) \"" } + names.map { "\"\($0.uppercased())\"" }
        case .set:
            pool += names.map { "\"\($0)\"" }
            if names.count > 1 {
                pool += ["\"\(names[0]),\(names[1])\"", "\"\(names[1]), \(names[0])\"", "\"\(names[0]),\(names[0])\"", "\"\(names[0]),\"", "[\"\(names[0])\"]"]
            }
        case .size:
            pool += ["\"4103GB\"", "\"3 TB\"", "\"1.5TB\"", "\"0GB\"", "\"00012gb\"", "\"49KB\"", "\"128TiB\"", "\"5XB\"", "\"500\"", "\"1,000GB\"", "\"999999999999999PB\"", "\"1000000PB\"", "\"1000001PB\"", "\"20kib\""]
        case .rate:
            pool += ["\"1687900\"", "\"20k\"", "\"1.5M\"", "\"2,000\"", "\"300/s\"", "\"0\"", "\"007\"", "\"5x\"", "\"1000000000000\"", "\"1000000000001\"", "\"2g\"", "\"999999999999999\"", "\"1234567890123456\""]
        case .percent:
            pool += ["\"9%\"", "\"100%\"", "\"101%\"", "\"0.5\"", "\"50\"", "\" 50 % \"", "\"5.5%\""]
        }
        return g.pick(pool)
    }

    static func lines(_ count: Int, catalog: Catalog) -> [[UInt8]] {
        var g = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var out: [[UInt8]] = []
        for n in 0..<count {
            var members: [String] = []
            for question in catalog.questions where g.next(3) > 0 {
                members.append("\"\(question.key)\":" + value(for: question, &g))
            }
            switch g.next(6) {
            case 0: break
            case 1: members.insert("\"id\":\(n)", at: g.next(members.count + 1))
            default: members.insert("\"id\":\"db-\(n)\"", at: g.next(members.count + 1))
            }
            // Now and then something the full path treats differently or refuses.
            switch g.next(14) {
            case 0: members.append("\"nope\":\"x\"")
            case 1: if let first = members.first { members.append(first) }
            case 2: members.append("\"_dbadvisor\":{\"version\":\"1\"}")
            case 3: members.append("\"id\":\"again\"")
            case 4: members.append(#""\u0069d":"escaped""#)
            default: break
            }
            let separators = [",", " , ", ",\t", ", "]
            var line = (g.next(4) == 0 ? " {" : "{") + members.joined(separator: g.pick(separators)) + "}"
            switch g.next(16) {
            case 0: line += " x"
            case 1: line.removeLast()
            case 2: line += "\r"
            case 3: line = line.map { $0 == ":" ? " :\u{0B}" : String($0) }.joined()
            case 4: line += "\t "
            default: break
            }
            out.append(Array(line.utf8))
        }
        return out
    }

    /// A simple line read gives what the full path gives (profile, evaluator's answers, texts,
    /// CSV row, id), with the answers' texts written as the line is read (JSON lines) and not
    /// (CSV rows: each written when asked).
    @Test(arguments: [true, false]) func aSimpleLineIsReadAsTheFullPathReadsIt(writesTexts: Bool) throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let engine = Engine(catalog: catalog)
        // Batch's engine (reasons cut into pieces) and its memo of firing words.
        var batchEngine = Engine(catalog: catalog)
        batchEngine.prerenderReasons()
        var firings = FiringMemo(engine: batchEngine)
        var reader = ProfileLineReader(catalog: catalog)
        reader.writesTexts = writesTexts
        var fast = 0, fullOnly = 0, failed = 0
        for line in ProfileLineTests.lines(6_000, catalog: catalog) {
            // Batch's own full path.
            let full: (Profile, JSON?, String?)? = try? Batch.parse(line, catalog: catalog).get()
            // Twice: the second read takes every answer from the memo.
            for _ in 0..<2 {
                guard let read = line.withUnsafeBytes({ reader.read($0) }) else {
                    if full != nil { fullOnly += 1 } else { failed += 1 }
                    continue
                }
                fast += 1
                guard let full else {
                    Issue.record("read a line the full path refuses: \(String(decoding: line, as: UTF8.self))")
                    continue
                }
                #expect(read.profile == full.0, "\(String(decoding: line, as: UTF8.self))")
                // The evaluator's answers, read with the line, are those it reads from the profile.
                #expect(read.answers.areRead(from: full.0, by: engine), "\(String(decoding: line, as: UTF8.self))")
                // The answers' texts, written with the line (from the memo the second time) or
                // when asked, are the profile's answers' texts, in the questions' order.
                #expect(read.answers.texts.count == (writesTexts ? read.answered.count : 0))
                // Each key as the profile's JSON names its member.
                var members: [[UInt8]] = [], texts: [String] = []
                read.forEachMemberInQuestionOrder { members.append(Array($0)); texts.append($1) }
                let inOrder = catalog.questions.compactMap { q in full.0[q.key].map { (q.key, $0.text) } }
                #expect(members == inOrder.map { JSON.string($0.0).compactBytes() + Array(":".utf8) } && texts == inOrder.map(\.1),
                        "\(String(decoding: line, as: UTF8.self))")
                // And by position, as the reason memo and a CSV row's reason read them.
                for q in catalog.questions.indices {
                    #expect(read.answers.text(at: q) == full.0[catalog.questions[q].key]?.text, "\(catalog.questions[q].key) in \(String(decoding: line, as: UTF8.self))")
                }
                // Its CSV row, made from the line (the profile only if needed), is the profile's.
                #expect(batchEngine.row(read, memo: &firings) == engine.row(full.0), "\(String(decoding: line, as: UTF8.self))")
                let id = read.id.map { JSON.string(String(decoding: line[$0.lowerBound + 1..<$0.upperBound - 1], as: UTF8.self)) }
                #expect(id == full.1)
                #expect(read.id.map { String(decoding: line[$0], as: UTF8.self) } == full.2)
            }
        }
        // The mix holds lines of all three kinds.
        #expect(fast > 1_000 && fullOnly > 1_000 && failed > 1_000, "read \(fast), full path only \(fullOnly), refused \(failed)")
    }

    /// Answers padded to any length are read, and the memo keeps none longer than its limit:
    /// its memory is bounded whatever the lines hold.
    @Test func theMemoKeepsShortAnswersOnly() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        var reader = ProfileLineReader(catalog: catalog)
        // The size is spelt with a space: a plain one (`12GB`) is read from its bytes and not kept.
        for n in 0..<300 {
            let line = Array(#"{"id":"x\#(n)","data-shape":"graph\#(String(repeating: " ", count: 100 + n * 37))","data-size":"\#(n + 1) GB"}"#.utf8)
            guard let read = line.withUnsafeBytes({ reader.read($0) }) else {
                Issue.record("line \(n) not read")
                continue
            }
            #expect(read.profile == (try Batch.parse(line, catalog: catalog).get().0))
        }
        #expect(reader.keptBytes > 0 && reader.keptBytes <= 300 * ProfileLineReader.longestKept, "\(reader.keptBytes) bytes kept")
    }

    @Test func aPlainSizeOrRateIsWhatTheFullParserReads() {
        var g = Generator(state: 0x2545_F491_4F6C_DD1D)
        let digits = Array("0123456789")
        let tails = ["", "B", "kb", "KB", "Kb", "KiB", "kib", "MB", "MiB", "GB", "gB", "GiB", "TB", "TiB", "PB", "PiB", "XB", "KBB", " GB", "k", "K", "m", "M", "b", "B", "g", "G", "x", "/s", "rps", ".5", ",000", "e3", "%"]
        var plainSizes = 0, plainRates = 0
        for _ in 0..<20_000 {
            var text = String((0..<(1 + g.next(18))).map { _ in g.pick(digits) }) + g.pick(tails)
            if g.next(10) == 0 { text = " " + text }
            if let plain = DataSize.parsePlain(text) {
                plainSizes += 1
                #expect(DataSize.parseInFull(text) == .success(plain), "\(text)")
            }
            if let plain = RequestRate.parsePlain(text) {
                plainRates += 1
                #expect(RequestRate.parseInFull(text) == .success(plain), "\(text)")
            }
        }
        #expect(plainSizes > 1_000 && plainRates > 1_000, "sizes \(plainSizes), rates \(plainRates)")
    }

    /// The line reader reads a plain size, rate or percentage from its bytes: the answer
    /// `Catalog.answer` gives for the text, and the number the evaluator reads from it.
    @Test func aPlainNumberIsTheAnswerTheParserGives() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        var g = Generator(state: 0x9E37_79B9_7F4A_7C15)
        let digits = Array("0123456789")
        let tails = ["", "B", "kb", "KB", "KiB", "MB", "GB", "gB", "TB", "PB", "PiB", "XB", " GB", "k", "K", "m", "M", "b", "g", "G", "x", "/s", ".5", ",000", "%", "%%", " %", "e3"]
        var texts = (0..<20_000).map { _ in String((0..<(1 + g.next(18))).map { _ in g.pick(digits) }) + g.pick(tails) }
        texts += (0...1_000).flatMap { ["\($0)%", "0\($0)%", "00\($0)%", "\($0)", "\($0).0%"] }
        var read = [Question.Kind: Int]()
        for kind in [Question.Kind.size, .rate, .percent] {
            let question = try #require(catalog.questions.first { $0.kind == kind })
            for text in texts {
                var bytes = text
                guard let plain = bytes.withUTF8({ ProfileLineReader.plainNumber(kind, $0) }) else { continue }
                read[kind, default: 0] += 1
                let full = try? Catalog.answer(question, text: text).get()
                #expect(full == plain.answer, "\(kind) \(text)")
                #expect(full.map { RuleEvaluator.read($0, names: question.valueNames).number } == plain.number, "\(kind) \(text)")
            }
        }
        #expect(read[.size, default: 0] > 1_000 && read[.rate, default: 0] > 1_000 && read[.percent, default: 0] > 200, "\(read)")
    }
}

extension BatchEquivalenceTests.Random {
    mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
}
