import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// dbadvisor's benchmark: figures measured side by side in one run, printed, never asserted.
//   swift run -c release dbadvisor-bench [--lines N] [--runs N] [--pairs N] [--million] [--advisor PATH]
// --advisor measures another build of dbadvisor (say the static one `make install` builds)
// instead of the one beside this benchmark.
// It builds a Foundation hello-world with swiftc for the one-shot baseline and uses jq, when
// installed, as the batch baseline. Peak memory comes from wait4's rusage.

// What differs between the C libraries: the type of spawn file actions, how the environment
// is reached, and the unit of ru_maxrss (KiB on Linux, bytes on macOS).
#if os(Linux)
func newSpawnActions() -> posix_spawn_file_actions_t { posix_spawn_file_actions_t() }
func processEnvironment() -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? { environ }
func maxRSSKiB(_ usage: rusage) -> Int { Int(usage.ru_maxrss) }
#else
func newSpawnActions() -> posix_spawn_file_actions_t? { nil }
func processEnvironment() -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? { _NSGetEnviron().pointee }
func maxRSSKiB(_ usage: rusage) -> Int { Int(usage.ru_maxrss) / 1024 }
#endif

struct Measured {
    var seconds: Double
    /// User plus system CPU time: on a shared machine, what the process itself spent.
    var cpu: Double
    var maxRSSKiB: Int
    var status: Int32
}

/// `path` run with `args`, timed; with `rss`, its peak resident size read in a second run.
func run(_ path: String, _ args: [String], stdinFile: String? = nil, stdoutFile: String = "/dev/null", rss measuresRSS: Bool = true) -> Measured {
    var pid: pid_t = 0
    var actions = newSpawnActions()
    posix_spawn_file_actions_init(&actions)
    if let stdinFile { posix_spawn_file_actions_addopen(&actions, 0, stdinFile, O_RDONLY, 0) }
    posix_spawn_file_actions_addopen(&actions, 1, stdoutFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let start = Date()
    guard posix_spawn(&pid, path, &actions, nil, argv, processEnvironment()) == 0 else {
        return Measured(seconds: 0, cpu: 0, maxRSSKiB: 0, status: -1)
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    posix_spawn_file_actions_destroy(&actions)
    // wait4's figure for a spawned child starts from this benchmark's own resident size (the
    // child's memory before exec is ours), so it is only an upper bound; GNU time, which forks
    // from a small process, reads the child's own peak, in a second, untimed run.
    var rss = maxRSSKiB(usage)
    if measuresRSS && FileManager.default.isExecutableFile(atPath: "/usr/bin/time") {
        let out = NSTemporaryDirectory() + "dbadvisor-bench-rss-\(getpid())"
        var timeActions = newSpawnActions()
        posix_spawn_file_actions_init(&timeActions)
        if let stdinFile { posix_spawn_file_actions_addopen(&timeActions, 0, stdinFile, O_RDONLY, 0) }
        posix_spawn_file_actions_addopen(&timeActions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&timeActions, 2, "/dev/null", O_WRONLY, 0)
        let timeArgv = (["/usr/bin/time", "-f", "%M", "-o", out, path] + args).map { strdup($0) } + [nil]
        defer { timeArgv.forEach { free($0) } }
        var timePid: pid_t = 0
        if posix_spawn(&timePid, "/usr/bin/time", &timeActions, nil, timeArgv, processEnvironment()) == 0 {
            var timeStatus: Int32 = 0
            waitpid(timePid, &timeStatus, 0)
            if let text = try? String(contentsOfFile: out, encoding: .utf8),
               let kib = Int(text.split(separator: "\n").last(where: { Int($0) != nil }) ?? "") {
                rss = kib
            }
            unlink(out)
        }
        posix_spawn_file_actions_destroy(&timeActions)
    }
    return Measured(seconds: seconds, cpu: cpu, maxRSSKiB: rss, status: (status >> 8) & 0xFF)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

var lines = 100_000
var runs = 30
var pairs = 5
var million = false
var advisorPath: String? = nil
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--lines": lines = Int(args.popFirst() ?? "") ?? lines
    case "--runs": runs = Int(args.popFirst() ?? "") ?? runs
    case "--pairs": pairs = max(1, Int(args.popFirst() ?? "") ?? pairs)
    case "--million": million = true
    case "--advisor": advisorPath = args.popFirst()
    default:
        FileHandle.standardError.write(Data("usage: dbadvisor-bench [--lines N] [--runs N] [--pairs N] [--million] [--advisor PATH]\n".utf8))
        exit(64)
    }
}

let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let advisor = advisorPath ?? binDir.appendingPathComponent("dbadvisor").path
guard FileManager.default.isExecutableFile(atPath: advisor) else {
    FileHandle.standardError.write(Data("dbadvisor-bench: build dbadvisor first: swift build -c release\n".utf8))
    exit(66)
}
let work = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

// Baseline 1: a Swift hello-world that imports Foundation, built here with the same toolchain.
let helloSource = work.appendingPathComponent("hello.swift")
try #"import Foundation\#nprint("hello, \(ProcessInfo.processInfo.processIdentifier > 0)")\#n"#.write(to: helloSource, atomically: true, encoding: .utf8)
let hello = work.appendingPathComponent("hello").path
guard let swiftc = which("swiftc"), run(swiftc, ["-O", helloSource.path, "-o", hello]).status == 0 else {
    FileHandle.standardError.write(Data("dbadvisor-bench: could not build the hello-world with swiftc\n".utf8))
    exit(70)
}
// Baseline 2: the same hello-world with the Swift runtime and Foundation linked in, as
// dbadvisor's runtime is on Linux (Package.swift): what start-up costs without loading shared
// libraries. Not every platform can link them statically; then the row is left out.
let helloStatic = work.appendingPathComponent("hello-static").path
let haveHelloStatic = run(swiftc, ["-O", "-static-stdlib", helloSource.path, "-o", helloStatic]).status == 0

// Input: deterministic JSON Lines of valid profiles (jq stops at the first malformed line).
/// A pseudo-random sequence with a fixed seed: the same files on every machine and run.
struct Sequence64 {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
}

/// Writes `count` lines to `path`, 1 MiB at a time.
func writeLines(_ count: Int, to path: String, _ line: (Int, inout Sequence64) -> String) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    var random = Sequence64()
    var chunk = ""
    for i in 0..<count {
        chunk += line(i, &random) + "\n"
        if chunk.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(chunk.utf8)); chunk = "" }
    }
    try handle.write(contentsOf: Data(chunk.utf8))
    try handle.close()
}

/// A fleet where every database is different: 11 keys per line (id, data shape, latency,
/// consistency, data size, throughput, access patterns, role, availability, read share, item
/// size); ids, data sizes, rates and read shares vary per line, so no two lines are alike.
func distinctProfile(_ i: Int, _ r: inout Sequence64) -> String {
    let shapes = ["relational", "key-value", "document", "wide-column", "graph", "time-series", "ledger", "s3-files", "vector"]
    let latencies = ["microseconds", "single-digit-ms", "tens-of-ms", "seconds"]
    let consistency = ["acid-transactions", "strong", "eventual", "verifiable-history"]
    let patterns = ["key-lookup", "key-range", "ad-hoc-queries", "aggregations", "graph-traversal", "time-window", "data-structures", "text-search", "similarity-search"]
    let roles = ["primary", "cache", "analytics"]
    let availability = ["single-az", "multi-az", "multi-region-read", "multi-region-active"]
    let first = r.next(patterns.count), second = (first + 1 + r.next(patterns.count - 1)) % patterns.count
    let access = r.next(2) == 0 ? patterns[first] : patterns[min(first, second)] + "," + patterns[max(first, second)]
    return #"{"id":"db-\#(i)","data-shape":"\#(shapes[r.next(shapes.count)])","latency":"\#(latencies[r.next(4)])","consistency":"\#(consistency[r.next(4)])","data-size":"\#(1 + r.next(50_000))GB","throughput":"\#(10 + r.next(2_000_000))","access-patterns":"\#(access)","role":"\#(roles[r.next(3)])","availability":"\#(availability[r.next(4)])","read-share":"\#(1 + r.next(99))%","item-size":"\#(1 + r.next(400))KB"}"#
}

/// 384 workload shapes that repeat, as in a fleet of look-alike databases (5 keys).
func repeatingProfile(_ i: Int, _ r: inout Sequence64) -> String {
    let shapes = ["relational", "key-value", "document", "wide-column", "graph", "time-series", "ledger", "s3-files"]
    let latencies = ["microseconds", "single-digit-ms", "tens-of-ms", "seconds"]
    let roles = ["primary", "cache", "analytics"]
    let rates = ["500", "20k", "150k", "1.5M"]
    return #"{"id":"w\#(i)","data-shape":"\#(shapes[r.next(8)])","latency":"\#(latencies[r.next(4)])","role":"\#(roles[r.next(3)])","throughput":"\#(rates[r.next(4)])"}"#
}

print("dbadvisor benchmark · \(ProcessInfo.processInfo.processorCount) CPU(s) · \(runs) runs per one-shot figure\n")

// One-shot: recommend against hello-world.
var helloTimes: [Double] = [], recTimes: [Double] = [], helloStaticTimes: [Double] = []
var helloRSS = 0, recRSS = 0
for _ in 0..<runs {
    let h = run(hello, [])
    helloTimes.append(h.seconds); helloRSS = max(helloRSS, h.maxRSSKiB)
    if haveHelloStatic { helloStaticTimes.append(run(helloStatic, []).seconds) }
    let r = run(advisor, ["recommend", "--data-shape", "relational", "--consistency", "acid-transactions", "--format", "json"])
    recTimes.append(r.seconds); recRSS = max(recRSS, r.maxRSSKiB)
}
let hm = median(helloTimes), rm = median(recTimes)
print(String(format: "one-shot   hello-world %6.1f ms   recommend %6.1f ms   ratio %.2f×   peak RSS %d / %d KiB", hm * 1000, rm * 1000, rm / hm, helloRSS, recRSS))
if haveHelloStatic {
    let sm = median(helloStaticTimes)
    print(String(format: "one-shot   hello-world linked statically %6.1f ms   recommend %6.1f ms   ratio %.2f×", sm * 1000, rm * 1000, rm / sm))
}

// Batch throughput against jq -c . on the same file, two ratios: throughput (lines a second
// of wall time: batch answers on one thread per processor, jq on one) and CPU time (user +
// system: the work per line, whatever the threads; on a shared machine wall time also counts
// the waits for other processes).
let jq = which("jq")
func batchRow(_ label: String, _ file: String, _ count: Int, _ extra: [String] = []) -> Measured {
    let b = run(advisor, ["batch", file] + extra)
    var row = String(format: "batch      %@: %.0f profiles/s (%.2f s wall, %.2f s CPU)", label, Double(count) / b.seconds, b.seconds, b.cpu)
    if let jq {
        let j = run(jq, ["-c", ".", file])
        row += String(format: "   jq -c . %.0f lines/s (%.2f s wall, %.2f s CPU)   throughput ratio %.2f×   CPU ratio %.2f×   peak RSS %d / %d KiB",
                      Double(count) / j.seconds, j.seconds, j.cpu, j.seconds / b.seconds, j.cpu / b.cpu, b.maxRSSKiB, j.maxRSSKiB)
    } else {
        row += String(format: "   peak RSS %d KiB (jq not installed: no baseline)", b.maxRSSKiB)
    }
    if b.status != 0 { row += "   (exit \(b.status))" }
    print(row)
    return b
}
let distinctInput = work.appendingPathComponent("distinct.jsonl").path
try writeLines(lines, to: distinctInput, distinctProfile)
let distinctJSON = batchRow("\(lines) lines, every profile different, JSON", distinctInput, lines)
_ = batchRow("\(lines) lines, every profile different, CSV ", distinctInput, lines, ["--format", "csv"])
_ = batchRow("\(lines) lines, every profile different, JSON, one thread", distinctInput, lines, ["--jobs", "1"])
_ = batchRow("\(lines) lines, every profile different, CSV, one thread ", distinctInput, lines, ["--format", "csv", "--jobs", "1"])
/// A fleet row again as pairs run in turn (batch, then jq, `pairs` times): each pair's
/// throughput ratio and their median. One run's ratio moves by ±10% with the machine's moment,
/// and a pair's two runs share it. Timed only (no second run for memory).
func pairedRow(_ label: String, _ file: String, _ extra: [String] = [], pairs: Int) {
    guard let jq else { return }
    var ratios: [Double] = [], ours: [Double] = [], theirs: [Double] = []
    var failed: Int32 = 0
    for _ in 0..<pairs {
        let b = run(advisor, ["batch", file] + extra, rss: false)
        let j = run(jq, ["-c", ".", file], rss: false)
        if b.status != 0 { failed = b.status }
        ours.append(b.seconds)
        theirs.append(j.seconds)
        ratios.append(j.seconds / b.seconds)
    }
    var row = String(format: "batch      %@, %d pairs in turn: throughput ratios %@; median %.2f× (medians %.2f s wall against jq %.2f s)",
                     label, pairs, ratios.map { String(format: "%.2f×", $0) }.joined(separator: ", "), median(ratios), median(ours), median(theirs))
    if failed != 0 { row += "   (exit \(failed))" }
    print(row)
}
pairedRow("\(lines) lines, every profile different, JSON", distinctInput, pairs: pairs)
pairedRow("\(lines) lines, every profile different, CSV ", distinctInput, ["--format", "csv"], pairs: pairs)
let input = work.appendingPathComponent("profiles.jsonl").path
try writeLines(lines, to: input, repeatingProfile)
_ = batchRow("\(lines) lines, 384 repeating shapes, JSON  ", input, lines)
if million {
    let big = work.appendingPathComponent("million.jsonl").path
    try writeLines(lines * 10, to: big, distinctProfile)
    let b = run(advisor, ["batch", big])
    print(String(format: "batch      %d lines, every profile different: %.0f profiles/s (CPU), peak RSS %d KiB (vs %d KiB at %d lines: %+.1f%%)",
                 lines * 10, Double(lines * 10) / b.cpu, b.maxRSSKiB, distinctJSON.maxRSSKiB, lines,
                 100 * Double(b.maxRSSKiB - distinctJSON.maxRSSKiB) / Double(max(1, distinctJSON.maxRSSKiB))))
}

// Plan: one stack of 1,000 components, every one different.
let stackFile = work.appendingPathComponent("stack.json").path
var stackRandom = Sequence64()
let components = (0..<1_000).map { i in
    var line = distinctProfile(i, &stackRandom)
    line.removeFirst()
    let profile = "{" + line[line.index(after: line.firstIndex(of: ",")!)...]
    return #"{"name":"c\#(i)","profile":\#(profile)}"#
}
try (#"{"name":"bench","components":["# + components.joined(separator: ",") + "]}").write(toFile: stackFile, atomically: true, encoding: .utf8)
let p = run(advisor, ["plan", stackFile, "--format", "json"])
print(String(format: "plan       1,000 components: %.2f s wall, %.2f s CPU   peak RSS %d KiB   (exit %d)", p.seconds, p.cpu, p.maxRSSKiB, p.status))

// Lint: the full sweep.
let lintOut = work.appendingPathComponent("lint.json").path
let l = run(advisor, ["lint", "--format", "json"], stdoutFile: lintOut)
let lintJSON = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: lintOut)))) as? [String: Any]
let sweep = lintJSON?["sweep"] as? [String: Any]
print(String(format: "lint       sweep of %@ profiles: %.2f s in the sweep, %.2f s wall, %.2f s CPU   peak RSS %d KiB   (exit %d)",
             "\(sweep?["profiles"] ?? "?")", (sweep?["seconds"] as? Double) ?? 0, l.seconds, l.cpu, l.maxRSSKiB, l.status))
