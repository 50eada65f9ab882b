import Foundation
import Testing

/// One hostile input at one entry point, and what must come of it.
struct Hostile: CustomTestStringConvertible, Sendable {
    var name: String
    var args: [String]
    var stdin: String = ""
    var status: Int32
    var message: String

    var testDescription: String { name }
}

/// Hostile input at every entry point: a message that says what is wrong, the documented
/// status, an empty stdout, and never a crash or a raw escape sequence echoed back.
let hostileInputs: [Hostile] = [
    // Flags
    Hostile(name: "unknown command", args: ["recomend"], status: 64, message: "Did you mean 'recommend'?"),
    Hostile(name: "unknown flag", args: ["recommend", "--shape", "graph"], status: 64, message: "Unknown option '--shape'"),
    Hostile(name: "flag without value", args: ["recommend", "--data-shape"], status: 64, message: "Missing value for '--data-shape"),
    Hostile(name: "flag given twice", args: ["recommend", "--latency", "seconds", "--latency", "tens-of-ms"], status: 64, message: "more than once"),
    Hostile(name: "unknown value", args: ["recommend", "--data-shape", "tabular"], status: 64, message: "accepted: relational"),
    Hostile(name: "empty value", args: ["recommend", "--data-shape", ""], status: 64, message: "empty value for data-shape"),
    Hostile(name: "negative size", args: ["recommend", "--data-size", "-1GB"], status: 64, message: "greater than zero"),
    Hostile(name: "zero size", args: ["recommend", "--data-size", "0GB"], status: 64, message: "greater than zero"),
    Hostile(name: "size without unit", args: ["recommend", "--data-size", "500"], status: 64, message: "has no unit"),
    Hostile(name: "size with unknown unit", args: ["recommend", "--data-size", "5XB"], status: 64, message: "'XB' is not a unit"),
    Hostile(name: "overflowing size", args: ["recommend", "--data-size", "99999999999999999999PB"], status: 64, message: "larger than"),
    Hostile(name: "exponent size", args: ["recommend", "--data-size", "1e400GB"], status: 64, message: "data-size"),
    Hostile(name: "negative rate", args: ["recommend", "--throughput", "-5"], status: 64, message: "greater than zero"),
    Hostile(name: "overflowing rate", args: ["recommend", "--throughput", "1e400"], status: 64, message: "throughput"),
    Hostile(name: "enormous rate", args: ["recommend", "--throughput", "99999999999999M"], status: 64, message: "larger than"),
    Hostile(name: "percent over 100", args: ["recommend", "--read-share", "150%"], status: 64, message: "from 0 to 100"),
    Hostile(name: "escape sequence in a flag value", args: ["recommend", "--latency", "\u{1B}[31mfast"], status: 64, message: "\\u{1b}[31mfast"),
    Hostile(name: "bad format", args: ["services", "--format", "yaml"], status: 64, message: "Please provide one of"),
    Hostile(name: "extra positional", args: ["services", "extra"], status: 64, message: "Unexpected argument 'extra'"),
    Hostile(name: "unknown service", args: ["show", "dynamo"], status: 64, message: "Did you mean 'dynamodb'?"),
    Hostile(name: "why without service", args: ["why"], status: 64, message: "Missing expected argument"),
    Hostile(name: "no-input with questions left", args: ["ask", "--no-input"], status: 64, message: "Refusing to prompt"),
    // Answers files and stdin
    Hostile(name: "empty stdin", args: ["recommend", "--answers", "-"], stdin: "", status: 65, message: "the input is empty"),
    Hostile(name: "whitespace only", args: ["recommend", "--answers", "-"], stdin: "  \n\t ", status: 65, message: "the input is empty"),
    Hostile(name: "array instead of object", args: ["recommend", "--answers", "-"], stdin: "[]", status: 65, message: "expected a JSON object"),
    Hostile(name: "number instead of object", args: ["recommend", "--answers", "-"], stdin: "42", status: 65, message: "expected a JSON object"),
    Hostile(name: "wrong value type", args: ["recommend", "--answers", "-"], stdin: #"{"latency": true}"#, status: 65, message: "expected a string"),
    Hostile(name: "list for a choice", args: ["recommend", "--answers", "-"], stdin: #"{"latency": ["seconds"]}"#, status: 65, message: "expected a string"),
    Hostile(name: "duplicate keys", args: ["recommend", "--answers", "-"], stdin: #"{"role":"cache","role":"primary"}"#, status: 65, message: "duplicate member name"),
    Hostile(name: "deep nesting", args: ["recommend", "--answers", "-"], stdin: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), status: 65, message: "nesting is deeper"),
    Hostile(name: "invalid UTF-8", args: ["recommend", "--answers", "-"], stdin: "{\"role\": \"\u{FFFD}\"}".replacingOccurrences(of: "\u{FFFD}", with: "caf\u{E9}"), status: 65, message: "accepted: primary"),
    Hostile(name: "NUL byte", args: ["recommend", "--answers", "-"], stdin: "{\"role\": \"ca\u{0}che\"}", status: 65, message: "control character"),
    Hostile(name: "escaped control characters in a value", args: ["recommend", "--answers", "-"], stdin: #"{"role": "\u001b]0;pwned\u0007"}"#, status: 65, message: "\\u{1b}]0;pwned\\u{7}"),
    Hostile(name: "unknown key", args: ["recommend", "--answers", "-"], stdin: #"{"data_shape": "graph"}"#, status: 65, message: "did you mean 'data-shape'?"),
    Hostile(name: "unknown value in file", args: ["recommend", "--answers", "-"], stdin: #"{"ops": "managed"}"#, status: 65, message: "accepted: serverless"),
    Hostile(name: "enormous size in file", args: ["recommend", "--answers", "-"], stdin: #"{"data-size": "99999999999999999999PB"}"#, status: 65, message: "larger than"),
    Hostile(name: "number too large", args: ["recommend", "--answers", "-"], stdin: #"{"throughput": 1e400}"#, status: 65, message: "too large"),
    Hostile(name: "truncated JSON", args: ["recommend", "--answers", "-"], stdin: #"{"role": "cache""#, status: 65, message: "expected ',' or '}'"),
    Hostile(name: "trailing garbage", args: ["recommend", "--answers", "-"], stdin: #"{} {}"#, status: 65, message: "after the JSON value"),
    Hostile(name: "missing answers file", args: ["recommend", "--answers", "/nonexistent/a.json"], status: 66, message: "does not exist"),
    Hostile(name: "answers file is a directory", args: ["recommend", "--answers", "/tmp"], status: 66, message: "is a directory"),
    // Piped questionnaire
    Hostile(name: "piped answer out of range", args: ["ask"], stdin: "99\n", status: 65, message: "99 is not a choice"),
    Hostile(name: "piped answer unknown", args: ["ask"], stdin: "relational\nvery-fast\n", status: 65, message: "line 2 answers 'latency'"),
    // Batch
    Hostile(name: "batch from a missing file", args: ["batch", "/nonexistent.jsonl"], status: 66, message: "does not exist"),
    // Catalogs
    Hostile(name: "catalog that is not a directory", args: ["services", "--catalog", "/etc/hostname"], status: 65, message: "is not a directory"),
    Hostile(name: "catalog that is empty", args: ["services", "--catalog", "/var/empty-dbadvisor-test"], status: 65, message: "is not a directory"),
]

@Suite struct HostileInputTests {
    @Test(arguments: hostileInputs)
    func refusedCleanly(_ h: Hostile) throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, h.args, stdin: h.stdin)
        #expect(r.status == h.status, "\(r.err)")
        #expect(r.err.contains(h.message), "\(r.err)")
        #expect(r.out.isEmpty)
        #expect(!r.err.contains("\u{1B}"), "a raw escape sequence reached the terminal")
        #expect(!r.err.contains("Fatal error") && !r.err.contains("Program crashed"))
    }

    @Test func catalogWithMissingFileAndMissingServiceIsRefused() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-hostile-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: testCatalog, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("questions.json"))
        let r = try runBinary(bin, ["recommend", "--catalog", dir.path, "--data-shape", "graph"])
        #expect(r.status == 65 && r.out.isEmpty && r.err.contains("questions.json: $: the file is missing"))
    }
}
