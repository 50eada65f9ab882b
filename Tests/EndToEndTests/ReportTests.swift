import AdvisorCore
import Foundation
import Testing

/// The default text report fits a screen: 30 lines or fewer at 80 columns for ordinary
/// profiles, no line wider than the width, alternatives compared (never the pick's own reason
/// again), and --verbose gives the full report.
@Suite struct ReportTests {
    static let ordinary: [[String]] = [
        ["--data-shape", "relational", "--consistency", "acid-transactions", "--access-patterns", "key-lookup,ad-hoc-queries", "--role", "primary"],
        ["--data-shape", "key-value", "--latency", "single-digit-ms", "--throughput", "200k", "--traffic", "spiky"],
        ["--data-shape", "document", "--existing-engine", "mongodb", "--project", "migrate"],
        ["--data-shape", "time-series", "--throughput", "50k", "--access-patterns", "time-window"],
        ["--data-shape", "relational", "--consistency", "acid-transactions", "--data-size", "2TB", "--throughput", "3k", "--read-share", "80%", "--stage", "production", "--availability", "multi-az"],
    ]

    func report(_ args: [String], columns: Int) throws -> (status: Int32, out: String) {
        guard let bin = binaryPath() else { throw CancellationError() }
        let quoted = args.map { "'\($0)'" }.joined(separator: " ")
        let r = try runBinary("/bin/sh", ["-c", "COLUMNS=\(columns) \"$0\" recommend \(quoted)", bin])
        return (r.status, r.out)
    }

    @Test(arguments: ordinary)
    func fitsAScreenAt80Columns(_ args: [String]) throws {
        let r = try report(args, columns: 80)
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count <= 30, "\(lines.count) lines:\n\(r.out)")
        for line in lines { #expect(line.count <= 80, "\(line)") }
        // The three alternatives' lines differ, and none repeats a reason the pick gives.
        guard let start = lines.firstIndex(of: "Alternatives") else { return }
        let alternatives = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? "" }
        #expect(Set(alternatives).count == alternatives.count, "\(alternatives)")
        let why = lines.prefix { $0 != "Alternatives" }.filter { $0.hasPrefix("  +") }
        for line in alternatives { #expect(!why.contains { $0.dropFirst(2).contains(line) && !line.isEmpty }, "\(line)") }
    }

    @Test func verboseGivesTheFullReport() throws {
        let short = try report(Self.ordinary[0], columns: 80), full = try report(Self.ordinary[0] + ["--verbose"], columns: 80)
        #expect(full.status == 0 && full.out.count > short.out.count)
        #expect(full.out.contains("Ruled out") && full.out.contains("Trade-offs") || full.out.contains("Ruled out"))
        let v = try report(Self.ordinary[0] + ["-v"], columns: 80)
        #expect(v.out == full.out)
    }

    @Test func everyLineFitsAt40Columns() throws {
        for args in Self.ordinary {
            let r = try report(args, columns: 40)
            for line in r.out.split(separator: "\n") { #expect(line.count <= 40, "\(line)") }
        }
    }
}

/// `ask --save` records every question left unanswered as skipped, so `ask --answers FILE
/// --no-input` replays the same session.
@Suite struct SavedAnswersTests {
    @Test func aSavedSessionReplaysWithNoInput() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("answers.json").path
        // relational, latency skipped, consistency skipped, 2TB; the rest never reached.
        let first = try runBinary(bin, ["ask", "--save", file, "--format", "json"], stdin: "relational\n\n\n2TB\n")
        #expect(first.status == 0, "\(first.err)")
        let saved = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        let skipped = saved["_dbadvisor"]?["skipped"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(skipped.prefix(2) == ["latency", "consistency"] && skipped.count > 2, "\(skipped)")
        let replay = try runBinary(bin, ["ask", "--answers", file, "--no-input", "--format", "json"])
        #expect(replay.status == 0, "\(replay.err)")
        #expect(replay.out == first.out)
    }
}
