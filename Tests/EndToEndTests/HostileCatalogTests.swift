import AdvisorCore
import Foundation
import Testing

// MARK: 7. Untrusted custom catalogs

@Suite struct UntrustedCatalogTests {
    func copyCatalog(_ name: String) throws -> (URL, URL) {
        let dir = try scratch(name)
        let catalog = dir.appendingPathComponent("catalog")
        try FileManager.default.copyItem(at: testCatalog, to: catalog)
        return (dir, catalog)
    }

    /// The directory's own catalog.schema.json is never used: a pattern that backtracks for
    /// ever, a self-referencing anyOf, a count of 1e300 cost nothing.
    @Test(arguments: [
        #"{"$defs":{"manifest":{"properties":{"name":{"pattern":"^(a|aa)*$"}}}}}"#,
        ##"{"$defs":{"manifest":{"anyOf":[{"$ref":"#/$defs/manifest"},{"$ref":"#/$defs/manifest"},{"type":"string"}]}}}"##,
        #"{"$defs":{"manifest":{"properties":{"services":{"minItems":1e300}}}}}"#,
    ])
    func theCatalogsOwnSchemaIsIgnored(_ schema: String) throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let (dir, catalog) = try copyCatalog("catalog-schema")
        defer { try? FileManager.default.removeItem(at: dir) }
        try schema.write(to: catalog.appendingPathComponent("catalog.schema.json"), atomically: false, encoding: .utf8)
        // A name the pattern backtracks on.
        let manifest = catalog.appendingPathComponent("catalog.json")
        var text = try String(contentsOf: manifest, encoding: .utf8)
        if let range = text.range(of: #""name": ""#) { text.insert(contentsOf: String(repeating: "a", count: 40) + "!", at: range.upperBound) }
        try text.write(to: manifest, atomically: false, encoding: .utf8)
        let r = try runBinary("/bin/sh", ["-c", #"timeout 60 "$1" services --catalog "$2""#, "sh", bin, catalog.path])
        #expect(r.status == 0, "\(r.err)")
        // As many services as the manifest lists (the count comes from the catalog, not the test).
        let listed = try JSONParser.parse(text)["services"]?.arrayValue?.count ?? -1
        #expect(r.out.contains("\(listed) services"), "\(r.out.suffix(200))")
    }

    /// A value the bundled schema refuses is refused even when the catalog's own schema
    /// allows it, so it never reaches a completion script, the manual or a terminal.
    @Test(arguments: ["bash", "zsh", "fish"])
    func aShellInjectionInAValueNeverReachesCompletion(_ shellName: String) throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let (dir, catalog) = try copyCatalog("catalog-inject")
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("F").path
        let schemaURL = catalog.appendingPathComponent("catalog.schema.json")
        let schema = try String(contentsOf: schemaURL, encoding: .utf8)
        try schema.replacingOccurrences(of: "^[a-z0-9]+(-[a-z0-9]+)*$", with: ".*").write(to: schemaURL, atomically: false, encoding: .utf8)
        let questionsURL = catalog.appendingPathComponent("questions.json")
        var questions = try JSONSerialization.jsonObject(with: Data(contentsOf: questionsURL)) as! [String: Any]
        var list = questions["questions"] as! [[String: Any]]
        var ops = list.firstIndex { $0["key"] as? String == "ops" }.map { list[$0] }!
        ops["values"] = (ops["values"] as! [[String: Any]]) + [["value": "x$(touch \(marker))", "label": "x`touch \(marker)`\n.sh pwned"]]
        list[list.firstIndex { $0["key"] as? String == "ops" }!] = ops
        questions["questions"] = list
        try JSONSerialization.data(withJSONObject: questions).write(to: questionsURL)
        for args in [["completion", shellName], ["man"], ["questions"]] {
            let r = try runBinary(bin, args + ["--catalog", catalog.path])
            #expect(r.status == 65, "\(args): \(r.out.prefix(200))")
            #expect(!r.out.contains("touch"), "\(args)")
        }
        if shellName == "bash" {
            // Were a script generated, completing the option would run the value.
            let script = #"eval "$("$1" completion bash --catalog "$2" 2>/dev/null)"; COMP_WORDS=(dbadvisor recommend --ops ""); COMP_CWORD=3; _dbadvisor 2>/dev/null; true"#
            let r = try runBinary("/bin/bash", ["-c", script, "bash", bin, catalog.path])
            #expect(r.status == 0)
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "a value from the catalog ran as a command")
    }

    /// Bounded work on the catalog's data too: a list of 60,000 strings is checked for
    /// repeats in one pass (it took minutes), and conditions nested past 64 levels are refused.
    @Test func validationWorkIsBounded() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let (dir, catalog) = try copyCatalog("catalog-bounded")
        defer { try? FileManager.default.removeItem(at: dir) }
        let serviceURL = catalog.appendingPathComponent("services/dynamodb.json")
        var service = try JSONSerialization.jsonObject(with: Data(contentsOf: serviceURL)) as! [String: Any]
        var facts = service["facts"] as! [String: Any]
        var models = facts["dataModels"] as! [String: Any]
        models["value"] = (models["value"] as! [String]) + (0..<60_000).map { "x\($0)" }
        facts["dataModels"] = models
        service["facts"] = facts
        try JSONSerialization.data(withJSONObject: service).write(to: serviceURL)
        let rulesURL = catalog.appendingPathComponent("rules/routing.json")
        var rules = try JSONSerialization.jsonObject(with: Data(contentsOf: rulesURL)) as! [String: Any]
        var list = rules["rules"] as! [[String: Any]]
        var condition: Any = ["service": ["dynamodb"]]
        for _ in 0..<200 { condition = ["not": condition] }
        list[0]["when"] = condition
        rules["rules"] = list
        try JSONSerialization.data(withJSONObject: rules).write(to: rulesURL)
        // The timeout only stops a run that never ends (status 124); speed is not asserted.
        let r = try runBinary("/bin/sh", ["-c", #"timeout 60 "$1" services --catalog "$2""#, "sh", bin, catalog.path])
        #expect(r.status == 65, "\(r.err.prefix(300))")
        #expect(r.err.contains("'x59999' is not a data-shape value") || r.err.contains("problem(s)"), "\(r.err.prefix(300))")
        #expect(r.err.contains("nested more than 64 levels deep"), "\(r.err.prefix(300))")
    }

    /// Names, labels and texts reach the terminal (services, show, recommend, the prompts):
    /// a control character in any catalog string is refused, wherever it is.
    @Test func controlCharactersInCatalogTextAreRefused() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let (dir, catalog) = try copyCatalog("catalog-control")
        defer { try? FileManager.default.removeItem(at: dir) }
        let serviceURL = catalog.appendingPathComponent("services/dynamodb.json")
        var service = try JSONSerialization.jsonObject(with: Data(contentsOf: serviceURL)) as! [String: Any]
        service["name"] = "Amazon DynamoDB\u{1B}]0;pwned\u{07}"
        try JSONSerialization.data(withJSONObject: service).write(to: serviceURL)
        let r = try runBinary(bin, ["services", "--catalog", catalog.path])
        #expect(r.status == 65, "\(r.out.prefix(200))")
        #expect(r.err.contains("services/dynamodb.json: $.name: holds a control character (U+001B)"), "\(r.err.prefix(300))")
        #expect(!r.out.contains("\u{1B}") && !r.err.contains("\u{1B}"))
    }
}
