import AdvisorCore
import Foundation
import Testing

/// The built `dbadvisor` binary, run as a user runs it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// DBADVISOR_TEST_BINARY=/path runs the end-to-end tests against that binary instead (another
/// commit's build, to show a test fails there); otherwise this package's debug build, else its
/// release build.
/// An empty value is no override. A path that is not an executable stops the run loudly (a
/// mistyped override must not pass tests that skip without a binary); an override in effect is
/// said once on standard error, so a run never tests another binary unannounced.
let binaryOverride: String? = {
    guard let path = ProcessInfo.processInfo.environment["DBADVISOR_TEST_BINARY"], !path.isEmpty else { return nil }
    guard FileManager.default.isExecutableFile(atPath: path) else {
        fatalError("DBADVISOR_TEST_BINARY=\(path) is not an executable file")
    }
    FileHandle.standardError.write(Data("note: end-to-end tests run DBADVISOR_TEST_BINARY=\(path)\n".utf8))
    return path
}()

func binaryPath() -> String? {
    if let path = binaryOverride { return path }
    for config in ["debug", "release"] {
        let path = packageRoot.appendingPathComponent(".build/\(config)/dbadvisor").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// The catalog the tests copy to change it (custom catalogs): this package's catalog/, or
/// DBADVISOR_TEST_CATALOG, the catalog of the commit DBADVISOR_TEST_BINARY was built from,
/// which that binary can load (a catalog's format changes with the code that reads it).
var testCatalog: URL {
    ProcessInfo.processInfo.environment["DBADVISOR_TEST_CATALOG"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        ?? packageRoot.appendingPathComponent("catalog")
}

func runBinary(_ path: String, _ args: [String], stdin: String = "", cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NO_COLOR")
    process.environment = env
    let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
    process.standardInput = inPipe
    process.standardOutput = outPipe
    process.standardError = errPipe
    try process.run()
    inPipe.fileHandleForWriting.write(Data(stdin.utf8))
    try inPipe.fileHandleForWriting.close()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    let err = errPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

@Suite(.serialized) struct BinaryTests {
    @Test func binaryCopiedAloneStillWorks() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first (swift build)"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-alone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("dbadvisor").path
        try FileManager.default.copyItem(atPath: bin, toPath: copy)
        let r = try runBinary(copy, ["services"], cwd: dir.path)
        #expect(r.status == 0)
        #expect(r.out.contains("aurora-dsql") && r.out.contains("26 services"))
        #if os(Linux)
        // Here the toolchain's libraries are found through the binary's run path; a machine
        // without the toolchain has none, so the Swift runtime must be linked in (Package.swift).
        guard binaryOverride == nil else { return }
        let ldd = "/usr/bin/ldd"
        guard FileManager.default.isExecutableFile(atPath: ldd) else { Issue.record("\(ldd) is missing: cannot list the binary's libraries"); return }
        let libraries = try runBinary(ldd, [copy])
        #expect(libraries.status == 0)
        #expect(libraries.out.contains("libc.so"), "ldd listed: \(libraries.out)")
        #expect(!libraries.out.contains("libswift"), "the binary needs the toolchain's libraries: \(libraries.out)")
        #endif
    }

    @Test func recommendFromStdinGivesTheContract() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, ["recommend", "--answers", "-", "--format", "json"], stdin: #"{"data-shape":"graph","access-patterns":"graph-traversal"}"#)
        #expect(r.status == 0)
        #expect(r.out.contains(#""service":"neptune""#))
        #expect(r.out.hasSuffix("}\n") && r.out.components(separatedBy: "\n").count == 2)
    }

    @Test func badInputExitsWithItsCodeAndEmptyStdout() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let usage = try runBinary(bin, ["recommend", "--latency", "fast"])
        #expect(usage.status == 64 && usage.out.isEmpty && usage.err.hasPrefix("Error: "))
        let data = try runBinary(bin, ["recommend", "--answers", "-"], stdin: "{")
        #expect(data.status == 65 && data.out.isEmpty)
        let missing = try runBinary(bin, ["recommend", "--answers", "/no/such/file"])
        #expect(missing.status == 66 && missing.out.isEmpty)
        #expect(!usage.err.contains("Fatal error") && !data.err.contains("Fatal error"))
    }

    @Test func closedPipeIsQuiet() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "'\(bin)' show dynamodb | head -c 10 >/dev/null; echo ${PIPESTATUS:-}"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!text.contains("Fatal") && !text.contains("Broken pipe"))
    }

    /// Output to a full device: `services` writes a string, `plan --format json` its bytes.
    @Test func fullDiskIsAnIOError() throws {
        guard let bin = binaryPath(), FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let stack = packageRoot.appendingPathComponent("Tests/Fixtures/stacks/ecommerce.json").path
        for arguments in [["services"], ["plan", stack, "--format", "json"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: bin)
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            let err = Pipe()
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 74, "\(arguments)")
            #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("cannot write"), "\(arguments)")
        }
    }
}

@Suite struct BatchTests {
    /// 2,000 profiles with 1% malformed lines: every line answered in order, errors as objects.
    @Test func everyLineIsAnsweredInOrder() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        var input = ""
        let shapes = ["relational", "key-value", "document", "graph", "time-series", "wide-column", "ledger", "s3-files"]
        for i in 0..<2000 {
            if i % 100 == 42 { input += ["{", "[1]", #"{"data-shape":"relatonal"}"#, "not json"][i / 100 % 4] + "\n"; continue }
            input += #"{"id":"w\#(i)","data-shape":"\#(shapes[i % shapes.count])","throughput":"\#(1 + i % 50)k"}"# + "\n"
        }
        let r = try runBinary(bin, ["batch", "-"], stdin: input)
        #expect(r.status == 2)
        #expect(r.err.contains("batch: 2000 line(s), 1980 answered, 20 failed"))
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 2000)
        for (i, line) in lines.enumerated() {
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if i % 100 == 42 {
                #expect(json?["line"] as? Int == i + 1)
                #expect(json?["error"] is String)
            } else {
                #expect(json?["id"] as? String == "w\(i)")
                #expect((json?["recommendation"] as? [String: Any])?["service"] is String)
            }
        }
    }

    /// Answers are reused for repeated workload shapes (found by the bytes around the id, or
    /// by the parsed profile): each reused line must still carry its own id and exactly the
    /// answer `recommend` gives for its profile, however its id and layout are written.
    @Test func reusedAnswersAreTheAnswersForEachLine() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let shapes = [#""data-shape":"relational""#, #""data-shape":"key-value","latency":"microseconds""#, #""data-shape":"graph""#]
        var lines: [String] = []
        for round in 0..<3 {
            for shape in shapes {
                lines += [
                    "{\"id\":\"s\(round)\",\(shape)}",
                    "{\"id\":\(round),\(shape)}",
                    "{\"id\":\(round).5e1,\(shape)}",
                    "{\"\\u0069d\":\"esc\(round)\",\(shape)}",
                    "{\"id\":\"\\u00e9\(round)\",\(shape)}",
                    "{\"id\":\"é\(round)\",\(shape)}",
                    "{\(shape)}",
                    "{\(shape),\"id\":\"tail\(round)\"}",
                    "  { \"id\" : \"sp\(round)\" , \(shape) }  ",
                    "{\"id\":\"a\",\"id\":\"b\",\(shape)}",
                ]
            }
        }
        let r = try runBinary(bin, ["batch", "--what-if", "-"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(r.status == 2)
        var expected: [String: JSON] = [:]
        for shape in shapes {
            let one = try runBinary(bin, ["recommend", "--answers", "-", "--format", "json"], stdin: "{\(shape)}")
            expected[shape] = try JSONParser.parse(one.out)
        }
        let out = r.out.split(separator: "\n").map(String.init)
        #expect(out.count == lines.count)
        for (line, answer) in zip(lines, out) {
            let json = try JSONParser.parse(answer)
            if line.contains(#""id":"a","id":"b""#) {
                #expect(json["error"] != nil, "\(line)")
                continue
            }
            let input = try? JSONParser.parse(line)
            guard let input else { Issue.record("test line does not parse: \(line)"); continue }
            let shape = shapes.first { line.contains($0) }!
            #expect(json["id"] == input["id"], "\(line) → \(answer.prefix(60))")
            let withoutID = JSON.object((json.objectValue ?? []).filter { $0.0 != "id" })
            let same = withoutID == expected[shape]
            #expect(same, "\(line): the answer differs from recommend's")
        }
    }

    @Test func csvHasOneRowPerLine() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, ["batch", "--format", "csv"], stdin: "{\"id\":\"a,b\",\"data-shape\":\"graph\"}\n{\n")
        #expect(r.status == 2)
        let rows = r.out.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows[0] == "id,line,service,confidence,score,runner_up,runner_up_score,decisive_reason,error")
        #expect(rows[1].hasPrefix("\"a,b\",1,neptune,"))
        // A scored row: numbers in the score columns, the error column empty.
        let cells = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(Double(cells[5]) != nil && cells.last == "", "\(rows[1])")
        // An error row: the message in the error column only, nothing in the others.
        #expect(rows[2].hasPrefix(",2,,,,,,,") && !rows[2].hasSuffix(","), "\(rows[2])")
    }

    @Test func batchLeavesWhatIfOutUnlessAsked() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let plain = try runBinary(bin, ["batch"], stdin: "{\"data-shape\":\"graph\"}\n")
        #expect(plain.status == 0 && !plain.out.contains("\"whatIf\""), "\(plain.out.prefix(200))")
        let asked = try runBinary(bin, ["batch", "--what-if"], stdin: "{\"data-shape\":\"graph\"}\n")
        #expect(asked.status == 0 && asked.out.contains("\"whatIf\":["))
    }
}

@Suite(.serialized) struct LintTests {
    /// The release binary when built (CI builds it first): the sweep is slow in a debug build.
    func fastestBinary() -> String? {
        if let path = binaryOverride { return path }
        let release = packageRoot.appendingPathComponent(".build/release/dbadvisor").path
        let debug = packageRoot.appendingPathComponent(".build/debug/dbadvisor").path
        func modified(_ path: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        // The release build only when it is at least as new as the debug one, never a stale one.
        if let r = modified(release), FileManager.default.isExecutableFile(atPath: release), r >= (modified(debug) ?? .distantPast) {
            return release
        }
        return binaryPath()
    }

    @Test func bundledCatalogIsClean() throws {
        guard let bin = fastestBinary() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, ["lint"])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("rules fired 102/102") || r.out.range(of: #"rules fired (\d+)/\1"#, options: .regularExpression) != nil)
        #expect(r.out.contains("lint: the bundled catalog is clean."))
        // Every invariant of the advice is proved over the sweep: nine named counts, each 0.
        let counts = r.out.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(". ") && $0.contains(": ") }
        #expect(counts.count == 9, "\(r.out)")
        for line in counts { #expect(line.contains(": 0"), "\(line)") }
    }

    @Test func aReasonThatAssertsAnUnheldAnswerFailsLint() throws {
        guard let bin = fastestBinary() else { Issue.record("build dbadvisor first"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-assert-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: testCatalog, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("rules/routing.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        // A rule that fires on any profile but claims the data is relational.
        let rule = #"{"id": "test-claims-relational", "effect": "score", "weight": 1, "services": {"service": ["rds-postgresql"]}, "asserts": {"answer": "data-shape", "is": "relational"}, "reason": "For relational data.", "source": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_PostgreSQL.html", "examples": {"fires": [{"profile": {}, "service": "rds-postgresql"}], "doesNotFire": [{"profile": {}, "service": "dynamodb"}]}},"#
        text = text.replacingOccurrences(of: "\"rules\": [", with: "\"rules\": [" + rule)
        try text.write(to: url, atomically: true, encoding: .utf8)
        let r = try runBinary(bin, ["lint", "--catalog", dir.path])
        #expect(r.status == 65)
        #expect(r.out.contains("invariant a (reasons that assert an answer the profile does not hold)") && r.out.contains("test-claims-relational"), "\(r.out)")
    }

    /// The built binary writes the same bytes, summary and status on one thread or several
    /// (its own write loop to a file, not the tests' in-process output), for JSON and CSV.
    @Test func batchWritesTheSameOnAnyNumberOfThreads() throws {
        guard let bin = fastestBinary() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("batch-threads")
        defer { try? FileManager.default.removeItem(at: dir) }
        let shapes = ["relational", "key-value", "document", "graph", "time-series", "tabular"]
        let lines = (0..<3_000).map { i in
            #"{"id":"d\#(i)","data-shape":"\#(shapes[i % shapes.count])","throughput":"\#(1 + (i * 7919) % 90_000)","data-size":"\#(1 + i % 700)GB"}"#
        }
        let input = dir.appendingPathComponent("fleet.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        for format in ["json", "csv"] {
            var first: (status: Int32, out: String, err: String)? = nil
            for jobs in ["1", "2", "5"] {
                let out = dir.appendingPathComponent("out-\(jobs).\(format)").path
                let r = try runBinary("/bin/sh", ["-c", #""$1" batch --format "$2" --jobs "$3" "$4" > "$5""#, "sh", bin, format, jobs, input, out])
                let written = try String(contentsOfFile: out, encoding: .utf8)
                #expect(r.status == 2 && r.err.contains("3000 line(s), 2500 answered, 500 failed"), "\(r.err)")
                if let first {
                    #expect(r.status == first.status && r.err == first.err && written == first.out, "\(format): \(jobs) threads differ from one")
                } else {
                    first = (r.status, written, r.err)
                }
            }
        }
    }

    /// A catalog of more services than the engine can judge at once is refused by `lint`
    /// (exit 65, the limit named), not swept into a trap.
    @Test func lintRefusesACatalogOfMoreThan63Services() throws {
        guard let bin = fastestBinary() else { Issue.record("build dbadvisor first"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-lint-many-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: testCatalog, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let template = try String(contentsOf: dir.appendingPathComponent("services/athena.json"), encoding: .utf8)
        for k in 0..<40 {
            try template.replacingOccurrences(of: #""id": "athena""#, with: #""id": "athena-copy-\#(k)""#)
                .write(to: dir.appendingPathComponent("services/athena-copy-\(k).json"), atomically: true, encoding: .utf8)
        }
        // Each one listed in catalog.json, as a service must be.
        let manifest = dir.appendingPathComponent("catalog.json")
        let listed = try String(contentsOf: manifest, encoding: .utf8)
        try listed.replacingOccurrences(of: #""services": ["#, with: #""services": ["# + (0..<40).map { #""athena-copy-\#($0)","# }.joined())
            .write(to: manifest, atomically: true, encoding: .utf8)
        let r = try runBinary(bin, ["lint", "--catalog", dir.path])
        #expect(r.status == 65, "\(r.err)")
        #expect(r.out.contains("at most 63 are allowed"), "\(r.out.prefix(600))")
        let refused = try runBinary(bin, ["recommend", "--catalog", dir.path, "--data-shape", "graph"])
        #expect(refused.status == 65 && refused.err.contains("at most 63 are allowed"), "\(refused.err.prefix(600))")
    }

    @Test func brokenCopyIsReportedAndRefused() throws {
        guard let bin = fastestBinary() else { Issue.record("build dbadvisor first"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-lint-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: testCatalog, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        func rewrite(_ path: String, _ change: (inout String) -> Void) throws {
            let url = dir.appendingPathComponent(path)
            var text = try String(contentsOf: url, encoding: .utf8)
            change(&text)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        // A broken reference, a dead rule (its condition can never hold), and a missing source.
        try rewrite("rules/configuration.json") { $0 = $0.replacingOccurrences(of: "\"athena\"", with: "\"athenaa\"") }
        try rewrite("rules/routing.json") { text in
            // cache-memcached-simple now needs role cache and role primary at once: it can never fire.
            guard let id = text.range(of: #""id": "cache-memcached-simple","#),
                  let clause = text.range(of: "\"is\": \"cache\"\n          },", range: id.upperBound..<text.endIndex) else { return }
            text.replaceSubrange(clause, with: "\"is\": \"cache\"\n          },\n          {\n            \"answer\": \"role\",\n            \"is\": \"primary\"\n          },")
        }
        try rewrite("services/keyspaces.json") { $0 = $0.replacingOccurrences(of: #""source": "https://docs.aws.amazon.com/keyspaces/latest/devguide/quotas.html","#, with: "") }
        let r = try runBinary(bin, ["lint", "--catalog", dir.path])
        #expect(r.status == 65)
        #expect(r.out.contains("rules/configuration.json: $.rules[") && r.out.contains("'athenaa', which the catalog does not have"))
        #expect(r.out.contains("services/keyspaces.json: $.facts.") && r.out.contains("'source' is missing"))
        #expect(r.out.contains("rules/routing.json: $.rules[") && r.out.contains("(a dead rule)"), "\(r.out)")
        let refused = try runBinary(bin, ["recommend", "--catalog", dir.path, "--data-shape", "graph"])
        #expect(refused.status == 65 && refused.out.isEmpty)
    }
}

@Suite struct EcosystemTests {
    func shell(_ script: String) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func bashCompletionLoadsAndCompletes() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID().uuidString).bash").path
        defer { try? FileManager.default.removeItem(atPath: script) }
        let generated = try runBinary(bin, ["completion", "bash"])
        #expect(generated.status == 0 && generated.out.hasPrefix("#!/bin/bash"))
        try generated.out.write(toFile: script, atomically: true, encoding: .utf8)
        #expect(try shell("bash -n '\(script)'").status == 0)
        func complete(_ words: [String]) throws -> String {
            let array = words.map { "'\($0)'" }.joined(separator: " ")
            return try shell("source '\(script)'; COMP_WORDS=(\(array)); COMP_CWORD=\(words.count - 1); _dbadvisor; echo \"${COMPREPLY[*]}\"").out
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try complete(["dbadvisor", "reco"]) == "recommend")
        #expect(try complete(["dbadvisor", "recommend", "--data-shape", "wide"]) == "wide-column")
        #expect(try complete(["dbadvisor", "show", "aurora-p"]) == "aurora-postgresql")
        #expect(try complete(["dbadvisor", "recommend", "--features", "extensions,vec"]) == "extensions,vector-search")
        #expect(try complete(["dbadvisor", "batch", "--format", ""]) == "json csv")
    }

    @Test func zshAndFishScriptsAreGenerated() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let zsh = try runBinary(bin, ["completion", "zsh"])
        #expect(zsh.status == 0 && zsh.out.hasPrefix("#compdef dbadvisor"))
        let fish = try runBinary(bin, ["completion", "fish"])
        #expect(fish.status == 0 && fish.out.contains("complete -c dbadvisor -n '__fish_seen_subcommand_from show' -a"))
        // Checked in their shells where those are installed.
        for (shellName, flag, text) in [("zsh", "-n", zsh.out), ("fish", "--no-execute", fish.out)] {
            guard let path = ["/usr/bin/\(shellName)", "/bin/\(shellName)"].first(where: FileManager.default.isExecutableFile) else { continue }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-completion-\(shellName)").path
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try shell("'\(path)' \(flag) '\(file)'").status == 0, "\(shellName)")
        }
        #expect(try runBinary(bin, ["completion", "tcsh"]).status == 64)
    }

    @Test func manPageRendersWithoutWarnings() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let page = try runBinary(bin, ["man"])
        #expect(page.status == 0 && page.out.hasPrefix(".Dd "))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID().uuidString).1").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try page.out.write(toFile: file, atomically: true, encoding: .utf8)
        let rendered = try shell("groff -mandoc -Tutf8 -ww '\(file)' 2>&1 >/dev/null; groff -mandoc -Tascii -P-c -P-b -P-u '\(file)'")
        #expect(!rendered.out.contains("warning"), "\(rendered.out.prefix(500))")
        #expect(rendered.out.contains("EXIT STATUS") && rendered.out.contains("--data-shape"))
    }

    @Test func colourFollowsFlagsAndEnvironment() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        #expect(!(try runBinary(bin, ["services"]).out.contains("\u{1B}[")))
        #expect(try runBinary(bin, ["services", "--color", "always"]).out.contains("\u{1B}["))
        #expect(!(try runBinary(bin, ["services", "--color", "always", "--format", "json"]).out.contains("\u{1B}[")))
        #expect(try runBinary(bin, ["services", "--color", "sometimes"]).status == 64)
    }
}

@Suite struct PlanTests {
    @Test func ecommerceStackGetsOneStorePerComponentAndTheLinks() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let stack = packageRoot.appendingPathComponent("Tests/Fixtures/stacks/ecommerce.json").path
        let r = try runBinary(bin, ["plan", stack, "--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let components = json?["components"] as? [[String: Any]] ?? []
        let picks = Dictionary(uniqueKeysWithValues: components.map { c in
            (c["name"] as? String ?? "", ((c["result"] as? [String: Any])?["recommendation"] as? [String: Any])?["service"] as? String ?? "")
        })
        #expect(picks == ["orders": "aurora-mysql", "cart": "dynamodb", "sessions": "elasticache-valkey", "analytics": "redshift", "reviews": "documentdb"])
        let links = json?["links"] as? [[String: Any]] ?? []
        let firstWays = links.map { (($0["ways"] as? [[String: Any]])?.first?["id"] as? String) ?? "" }
        #expect(firstWays == ["aurora-zero-etl-redshift", "dynamodb-zero-etl-redshift", "elasticache-cache-aside"])
        for link in links { for way in link["ways"] as? [[String: Any]] ?? [] { #expect((way["source"] as? String)?.hasPrefix("https://") == true) } }
        let text = try runBinary(bin, ["plan", stack])
        #expect(text.out.contains("What joins them") && text.status == 0)
        let md = try runBinary(bin, ["plan", stack, "--format", "markdown"])
        #expect(md.out.contains("| Component | Service | Confidence | Main reason |"))
    }

    @Test func badComponentIsNamedAndTheRestArePlanned() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let stack = #"{"name":"s","components":[{"name":"good","profile":{"data-shape":"graph"}},{"name":"broken","profile":{"data-shape":"tabular"}}],"flows":[{"from":"good","to":"nowhere"}]}"#
        let r = try runBinary(bin, ["plan", "-", "--format", "json"], stdin: stack)
        #expect(r.status == 2)
        #expect(r.err.contains("plan: broken: invalid value 'tabular' for data-shape"))
        #expect(r.err.contains("'nowhere', which is not a component"))
        #expect(r.out.contains(#""name":"good""#) && r.out.contains(#""service":"neptune""#))
    }
}

@Suite struct StreamingTests {
    /// A slow producer sees each answer before it sends the next line.
    @Test func batchAnswersBeforeTheInputEnds() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["batch"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"data-shape":"graph"}"#.utf8 + [0x0A]))
        // Read the first answer while the input is still open.
        var received = Data()
        let deadline = Date().addingTimeInterval(10)
        while !received.contains(0x0A) && Date() < deadline {
            received.append(output.fileHandleForReading.availableData)
        }
        #expect(String(decoding: received, as: UTF8.self).contains(#""service":"neptune""#))
        input.fileHandleForWriting.write(Data(#"{"data-shape":"ledger"}"#.utf8 + [0x0A]))
        try input.fileHandleForWriting.close()
        received.append(output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: received, as: UTF8.self).split(separator: "\n").count == 2)
    }
}
