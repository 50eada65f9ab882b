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

    /// The Alternatives section as (id, comparison): an entry starts "  id  score", its
    /// comparison beside it or, when narrow, on the lines below (indented further).
    static func alternatives(_ lines: [Substring]) -> [(id: String, text: String)] {
        guard let start = lines.firstIndex(of: "Alternatives") else { return [] }
        var out: [(id: String, text: String)] = []
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("  ") else { break }
            let words = line.split(separator: " ").map(String.init)
            if line.hasPrefix("   ") {
                if !out.isEmpty { out[out.count - 1].text += (out[out.count - 1].text.isEmpty ? "" : " ") + words.joined(separator: " ") }
            } else {
                out.append((words.first ?? "", words.dropFirst(2).joined(separator: " ")))
            }
        }
        return out
    }

    /// The Ruled out section's items, continuation lines joined, "and N more" taken off.
    static func ruledOut(_ lines: [Substring]) -> (count: Int, causes: [(label: String, items: [String], more: Int)]) {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Ruled out (") }) else { return (0, []) }
        let count = Int(lines[start].dropFirst("Ruled out (".count).prefix { $0.isNumber }) ?? -1
        var joined: [String] = []
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("  ") else { break }
            if line.hasPrefix("   "), !joined.isEmpty { joined[joined.count - 1] += " " + line.trimmingCharacters(in: .whitespaces) } else { joined.append(line.trimmingCharacters(in: .whitespaces)) }
        }
        return (count, joined.map { entry in
            // "N more causes (--verbose)" or "rule: N services": nothing listed.
            guard let colon = entry.range(of: ": "), !entry.hasSuffix("(--verbose)") else { return (entry, [], 0) }
            var rest = String(entry[colon.upperBound...])
            var more = 0
            if rest.range(of: #"^\d+ services?$"#, options: .regularExpression) != nil {
                return (String(entry[..<colon.lowerBound]), [], Int(rest.prefix { $0.isNumber })!)
            }
            if let r = rest.range(of: #" and (\d+) more$"#, options: .regularExpression) {
                more = Int(rest[r].split(separator: " ")[1])!
                rest = String(rest[..<r.lowerBound])
            }
            return (String(entry[..<colon.lowerBound]), rest.components(separatedBy: ", "), more)
        })
    }

    @Test(arguments: ordinary)
    func fitsAScreenAt80Columns(_ args: [String]) throws {
        let r = try report(args, columns: 80)
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count <= 30, "\(lines.count) lines:\n\(r.out)")
        for line in lines { #expect(line.count <= 80, "\(line)") }
        // The three alternatives' lines differ, and none repeats a reason the pick gives.
        let alternatives = Self.alternatives(Array(lines)).map(\.text)
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

    /// Every line of the report and of the full report fits 40 and 80 columns: tables, bars,
    /// the header, the "… and N more" line and the estimates included.
    @Test(arguments: [40, 80])
    func everyLineFits(columns: Int) throws {
        for args in Self.ordinary {
            for extra in [[], ["--verbose"]] {
                let r = try report(args + extra, columns: columns)
                #expect(r.status == 0)
                for line in r.out.split(separator: "\n") { #expect(line.count <= columns, "\(args + extra) at \(columns): \(line)") }
            }
        }
    }

    /// A one-point lead reads "1 point behind" (the walkthrough's profile: RDS for PostgreSQL
    /// leads Aurora PostgreSQL by one point).
    @Test func onePointIsSingular() throws {
        let args = ["--data-shape", "relational", "--data-size", "2TB", "--access-patterns", "key-lookup,ad-hoc-queries", "--role", "primary", "--project", "new",
                    "--stage", "production", "--traffic", "steady", "--availability", "multi-az", "--existing-engine", "postgresql", "--ops", "any",
                    "--features", "geospatial", "--cost-priority", "lowest-cost"]
        let r = try report(args, columns: 80)
        let alternatives = Self.alternatives(Array(r.out.split(separator: "\n", omittingEmptySubsequences: false)))
        #expect(alternatives.contains { $0.text.hasPrefix("1 point behind") }, "\(r.out)")
        #expect(!r.out.contains(" 1 points behind"))
    }

    /// At 40 columns an alternative's comparison still says something (it moves below the id
    /// instead of being cut to a word), and the ruled-out lists name whole services: what does
    /// not fit is counted ("and 3 more"), never cut in half.
    @Test(arguments: [40, 80])
    func narrowSectionsStayReadable(columns: Int) throws {
        for args in Self.ordinary {
            let r = try report(args, columns: columns)
            let lines = Array(r.out.split(separator: "\n", omittingEmptySubsequences: false))
            for (id, text) in Self.alternatives(lines) {
                #expect(text.split(separator: " ").count >= 3 && !text.hasPrefix("…"), "\(args) at \(columns): \(id): '\(text)'")
            }
            let (count, causes) = Self.ruledOut(lines)
            var named = 0
            for cause in causes {
                for item in cause.items { #expect(!item.contains("…") && !item.isEmpty && !item.contains(" "), "\(args) at \(columns): '\(item)' in \(cause)") }
                if !cause.label.contains("more causes") { named += cause.items.count + cause.more }
            }
            // Each service ruled out is named or counted once, unless a "more causes" line
            // stands for the rest.
            if !causes.contains(where: { $0.label.contains("more causes") }) { #expect(named == count, "\(args) at \(columns): \(causes)") }
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
