@testable import AdvisorCLI
import AdvisorCore
import Foundation
import Testing

/// `plan --format json` writes its JSON straight into bytes (`PlanCommand.jsonBytes`); the
/// tree (`PlanCommand.json`, which `ask --plan` still renders) must give the same bytes.
@Suite struct PlanJSONBytesTests {
    static func same(_ stackText: String, catalog: Catalog) throws -> Bool {
        let stack = try Stack.parse(JSONParser.parse(Array(stackText.utf8)), catalog: catalog).get()
        let plan = Engine(catalog: catalog).plan(stack)
        let bytes = PlanCommand.jsonBytes(plan, catalog: catalog)
        let tree = Array((PlanCommand.json(plan, catalog: catalog).compactText() + "\n").utf8)
        if bytes != tree { Issue.record("written differently:\n\(String(decoding: bytes, as: UTF8.self).prefix(2_000))") }
        return bytes == tree
    }

    /// A stack of generated components (every question of the catalog; the same profile
    /// twice; names with quotes, control characters and non-ASCII), flows between them, bad
    /// components and bad flows: recommendations, links, sharing and errors all appear.
    @Test func aPlanIsWrittenAsTheTreeWritesIt() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let generated = BatchEquivalenceTests.profiles(120, catalog: catalog)
        let oddNames = ["a \"quoted\" name", "tab\there", "esc\u{1B}[31m", "naïve – ünïcode 😀", "back\\slash", "line\u{2028}sep"]
        var components: [String] = []
        for (i, answers) in generated.enumerated() {
            let name = i < oddNames.count ? oddNames[i] : "c\(i)"
            let profile = BatchEquivalenceTests.line(i % 10 == 9 ? generated[i - 1] : answers, id: nil)
            components.append(#"{"name":\#(JSON.string(name).compactText()),"profile":\#(profile)}"#)
        }
        components.append(#"{"name":"bad","profile":{"data-shape":"spreadsheet"}}"#)
        components.append(#"{"profile":{}}"#)
        var random = BatchEquivalenceTests.Random(state: 0x9E37_79B9_7F4A_7C15)
        var flows: [String] = []
        for _ in 0..<60 {
            let a = 6 + random.next(generated.count - 6), b = 6 + random.next(generated.count - 6)
            flows.append(#"{"from":"c\#(a)","to":"c\#(b)"}"#)
        }
        flows.append(#"{"from":"c7","to":"nowhere"}"#)
        let stack = #"{"name":"generated \"stack\"","components":[\#(components.joined(separator: ","))],"flows":[\#(flows.joined(separator: ","))]}"#
        #expect(try PlanJSONBytesTests.same(stack, catalog: catalog))
        // Every part of a plan was written: links, sharing and errors are not empty.
        let plan = Engine(catalog: catalog).plan(try Stack.parse(JSONParser.parse(Array(stack.utf8)), catalog: catalog).get())
        #expect(!plan.links.isEmpty && !plan.sharing.isEmpty && !plan.stack.errors.isEmpty)
    }

    @Test func theExampleStackIsWrittenAsTheTreeWritesIt() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/stacks/ecommerce.json")
        #expect(try PlanJSONBytesTests.same(String(contentsOf: fixture, encoding: .utf8), catalog: catalog))
    }
}
