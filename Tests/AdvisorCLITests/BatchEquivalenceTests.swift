@testable import AdvisorCLI
import AdvisorCore
import BundledCatalog
import Foundation
import Testing

/// Batch answers each line the way `recommend` answers the same profile: a JSON line is
/// `recommend --format json` without what-if (the key is absent), with the line's id leading;
/// a CSV row holds the same pick, runner-up and decisive reason. Checked over a few thousand
/// generated profiles, every one different, so no answer is reused from batch's cache.
@Suite struct BatchEquivalenceTests {
    /// A fixed-seed sequence: the same profiles on every run.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// `count` profiles over every question of the catalog: each question answered with
    /// probability about 2/3, sizes, rates and percentages drawn from wide ranges.
    static func profiles(_ count: Int, catalog: Catalog) -> [[(String, String)]] {
        var random = Random(state: 0x5DEE_CE66_D1CE_4E5B)
        let units = ["MB", "GB", "TB"]
        return (0..<count).map { _ in
            var answers: [(String, String)] = []
            for question in catalog.questions where random.next(3) > 0 {
                let values = question.values.map(\.value)
                switch question.kind {
                case .choice:
                    guard !values.isEmpty else { continue }
                    answers.append((question.key, values[random.next(values.count)]))
                case .set:
                    guard !values.isEmpty else { continue }
                    let picked = values.filter { _ in random.next(4) == 0 }
                    answers.append((question.key, (picked.isEmpty ? [values[random.next(values.count)]] : picked).joined(separator: ",")))
                case .size:
                    answers.append((question.key, "\(1 + random.next(5_000))\(units[random.next(units.count)])"))
                case .rate:
                    answers.append((question.key, random.next(2) == 0 ? "\(1 + random.next(3_000_000))" : "\(1 + random.next(900))k"))
                case .percent:
                    answers.append((question.key, "\(random.next(101))%"))
                }
            }
            return answers
        }
    }

    static func line(_ answers: [(String, String)], id: String?) -> String {
        let members = (id.map { [#""id":"# + $0] } ?? []) + answers.map { #""\#($0.0)":"\#($0.1)""# }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func writeInput(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-batch-equivalence-\(getpid())-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func everyJSONLineIsRecommendOfItsProfile() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let engine = Engine(catalog: catalog)
        let generated = Self.profiles(2_000, catalog: catalog)
        // Ids: strings, numbers as written, and none.
        let ids: [String?] = generated.indices.map { i in i % 7 == 3 ? nil : i % 5 == 1 ? "\(i)e0" : #""db-\#(i)""# }
        // Every other line gives its answers in reverse: the profile is written in the
        // questions' order whatever order the line gave.
        let input = try Self.writeInput(generated.indices.map { Self.line($0 % 2 == 1 ? generated[$0].reversed() : generated[$0], id: ids[$0]) })
        defer { try? FileManager.default.removeItem(at: input) }
        let r = runCLI(["batch", input.path])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == generated.count)
        var mismatches = 0
        for (i, answers) in generated.enumerated() {
            let profile = try catalog.parseProfile(.object(answers.map { ($0.0, .string($0.1)) })).get().0
            let reference = Render.json(engine.recommend(profile, withWhatIf: false), catalog: catalog).compactText()
            let expected = ids[i].map { #"{"id":"# + $0 + "," + reference.dropFirst() } ?? reference
            if String(lines[i]) != expected {
                mismatches += 1
                if mismatches <= 3 { Issue.record("line \(i + 1) differs from recommend:\n\(lines[i])\n\(expected)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func everyCSVRowIsRecommendOfItsProfile() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let engine = Engine(catalog: catalog)
        let generated = Self.profiles(2_000, catalog: catalog)
        let input = try Self.writeInput(generated.indices.map { Self.line(generated[$0], id: #""db-\#($0)""#) })
        defer { try? FileManager.default.removeItem(at: input) }
        let r = runCLI(["batch", input.path, "--format", "csv"])
        #expect(r.status == 0, "\(r.err)")
        let rows = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(rows.count == generated.count + 1)
        #expect(rows[0] + "\n" == Batch.csvHeader)
        var mismatches = 0
        for (i, answers) in generated.enumerated() {
            let profile = try catalog.parseProfile(.object(answers.map { ($0.0, .string($0.1)) })).get().0
            let expected = "db-\(i),\(i + 1)," + Batch.csvTail(RowSummary(engine.recommend(profile, withWhatIf: false)))
            if String(rows[i + 1]) != expected {
                mismatches += 1
                if mismatches <= 3 { Issue.record("row \(i + 1) differs from recommend:\n\(rows[i + 1])\n\(expected)") }
            }
        }
        #expect(mismatches == 0)
    }

    /// A score's cell is written digit by digit: the same bytes as the cell of its JSON text.
    @Test func aCSVNumberIsTheCellOfItsJSONText() {
        var values: [Double] = [0, -0.0, 1, -1, 30, -36, 1e15, -1e15, 999_999_999_999_999, -999_999_999_999_999,
                                0.5, -0.5, 1.25, -2.75, 1e20, -1e20, .infinity, -.infinity, .nan, 123_456.789, .ulpOfOne]
        var g: UInt64 = 0x5C0_4E
        for _ in 0..<2_000 {
            g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let whole = Double(Int64(bitPattern: g >> 20) % 100_000)
            values += [whole, whole / 4, whole * 1e9]
        }
        for n in values {
            var fast: [UInt8] = [], plain: [UInt8] = []
            Batch.writeCSVNumber(n, to: &fast)
            Batch.writeCSVField(JSON.format(number: n), to: &plain)
            #expect(fast == plain, "\(n): \(String(decoding: fast, as: UTF8.self)) against \(String(decoding: plain, as: UTF8.self))")
        }
    }

    /// `--jobs N` answers a round's lines on N threads: the output, the summary and the exit
    /// status are the same on any number, failed, blank, CRLF and repeated lines included.
    @Test func theOutputIsTheSameOnAnyNumberOfThreads() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let generated = Self.profiles(1_500, catalog: catalog)
        var lines = generated.indices.map { Self.line(generated[$0], id: $0 % 4 == 0 ? nil : #""t\#($0)""#) }
        for k in stride(from: 7, to: lines.count, by: 97) { lines[k] = #"{"id":"bad\#(k)","data-shape":"tabular"}"# }
        for k in stride(from: 11, to: lines.count, by: 131) { lines[k] = "   " }
        for k in stride(from: 13, to: lines.count, by: 89) { lines[k] += "\r" }
        lines += lines.prefix(300)
        let input = try Self.writeInput(lines)
        defer { try? FileManager.default.removeItem(at: input) }
        for format in ["json", "csv"] {
            let one = runCLI(["batch", input.path, "--format", format, "--jobs", "1"])
            #expect(one.status == 2 && one.err.contains("failed (lines 8, 105,"), "\(one.err)")
            for jobs in ["2", "3", "8"] {
                let many = runCLI(["batch", input.path, "--format", format, "--jobs", jobs])
                #expect(many.status == one.status && many.err == one.err, "\(format), \(jobs) threads: \(many.err)")
                #expect(many.out == one.out, "\(format), \(jobs) threads: the output differs")
            }
        }
    }

    @Test(arguments: ["0", "257", "-1", "two", "1.5", ""])
    func aJobCountOutOfRangeIsRefused(_ value: String) {
        let r = runCLI(["batch", "--jobs", value, "/dev/null"])
        #expect(r.status == 64)
        #expect(r.err.contains("--jobs takes a whole number of threads from 1 to 256"), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    /// With --what-if, a line is exactly `recommend --format json` of its profile, id apart.
    @Test func withWhatIfALineIsTheRecommendCommandsOutput() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let generated = Self.profiles(40, catalog: catalog)
        let input = try Self.writeInput(generated.indices.map { Self.line(generated[$0], id: #""w\#($0)""#) })
        defer { try? FileManager.default.removeItem(at: input) }
        let r = runCLI(["batch", input.path, "--what-if"])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == generated.count)
        for (i, answers) in generated.enumerated() {
            let flags = answers.flatMap { ["--\($0.0)", $0.1] }
            let one = runCLI(["recommend", "--format", "json"] + flags)
            #expect(one.status == 0, "\(one.err)")
            #expect(String(lines[i]) == #"{"id":"w\#(i)","# + one.out.dropFirst().dropLast(), "line \(i + 1)")
        }
    }

    /// Generated profiles reach figures no real workload has (a million requests a second of
    /// terabyte items): a dollar amount past Int's range is written out, not a crash.
    @Test func dollarsPastIntsRangeAreWrittenOut() {
        #expect(Engine.dollars(1e20) == "$100,000,000,000,000,000,000")
        #expect(Engine.dollars(1_234.4) == "$1,234")
    }
}
