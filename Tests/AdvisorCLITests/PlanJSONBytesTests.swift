@testable import AdvisorCLI
import AdvisorCore
import Foundation
import Testing

/// `plan --format json` and `ask --plan` write their JSON straight into bytes
/// (`PlanCommand.jsonBytes`); they must be the bytes the compact writer gives for the tree
/// below (the plan's members around `Render.json` of each component's recommendation).
@Suite struct PlanJSONBytesTests {
    static func tree(_ plan: Plan, catalog: Catalog) -> JSON {
        .object([
            ("schemaVersion", .number(1)), ("catalogVersion", .string(catalog.version)), ("name", .string(plan.stack.name)),
            ("components", .array(plan.recommendations.map { name, r in
                .object([("name", .string(name)), ("result", Render.json(r, catalog: catalog))])
            })),
            ("links", .array(plan.links.map { link in
                .object([
                    ("from", .string(link.from)), ("to", .string(link.to)), ("fromService", .string(link.fromService)), ("toService", .string(link.toService)),
                    ("ways", .array(link.ways.map { .object([("id", .string($0.id)), ("kind", .string($0.kind)), ("text", .string($0.text)), ("source", .string($0.source))]) })),
                ])
            })),
            ("sharing", .array(plan.sharing.map { .object([("components", .array($0.components.map(JSON.string))), ("service", .string($0.service)), ("text", .string($0.text))]) })),
            ("errors", .array(plan.stack.errors.map { .object([("component", .string($0.component)), ("error", .string($0.message))]) })),
        ])
    }

    static func same(_ stackText: String, catalog: Catalog) throws -> Bool {
        let stack = try Stack.parse(JSONParser.parse(Array(stackText.utf8)), catalog: catalog).get()
        let plan = Engine(catalog: catalog).plan(stack)
        let bytes = PlanCommand.jsonBytes(plan, catalog: catalog)
        let tree = Array((Self.tree(plan, catalog: catalog).compactText() + "\n").utf8)
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
