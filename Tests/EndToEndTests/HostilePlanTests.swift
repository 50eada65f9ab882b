import Foundation
import Testing

// MARK: 5. Control characters in names and ids never reach the output raw

@Suite struct OutputHygieneTests {
    static let hostileName = "orders\u{1B}]0;pwned\u{07}\nsecond line"

    func stack() throws -> (URL, String) {
        let dir = try scratch("hygiene")
        let components: [[String: Any]] = [
            ["name": Self.hostileName, "profile": ["data-shape": "relational"]],
            ["name": "cart\u{1B}[31m|x", "profile": ["data-shape": "key-value"]],
        ]
        let json: [String: Any] = ["name": "shop\u{07}", "components": components, "flows": [["from": Self.hostileName, "to": "cart\u{1B}[31m|x"]]]
        let path = dir.appendingPathComponent("stack.json").path
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return (dir, path)
    }

    @Test(arguments: ["text", "markdown"])
    func planEscapesControlCharacters(_ format: String) throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let (dir, path) = try stack()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runBinary(bin, ["plan", path, "--format", format])
        #expect(r.status == 0, "\(r.err)")
        #expect(!r.out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "a raw control character reached the output")
        #expect(r.out.contains(#"orders\u{1b}]0;pwned\u{7}\nsecond line"#), "\(r.out)")
        #expect(!r.out.split(separator: "\n").contains { $0.hasPrefix("second line") }, "a newline in a name broke a line")
    }
}

// MARK: 6. A flow from a component to itself

@Suite struct PlanSelfFlowTests {
    @Test func planRefusesASelfFlowAsAskDoes() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let stack = #"{"components":[{"name":"orders","profile":{"data-shape":"relational"}}],"flows":[{"from":"orders","to":"orders"}]}"#
        let r = try runBinary(bin, ["plan", "-"], stdin: stack)
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("plan: flow 1: 'orders>orders' is not from>to between two different components"), "\(r.err)")
        #expect(!r.out.contains("orders → orders"))
    }
}

// MARK: 3. Text input: the piped questionnaire

@Suite struct PipedAnswersTests {
    let bom = "\u{FEFF}"

    @Test func pipedAnswersWithBOMAndCRLF() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, ["ask", "--format", "json"], stdin: bom + "relational\r\nseconds\r\n")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains(#""data-shape":"relational","latency":"seconds""#), "\(r.out.prefix(200))")
    }
}
