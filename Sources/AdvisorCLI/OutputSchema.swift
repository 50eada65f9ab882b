import AdvisorCore

/// The JSON Schemas of what dbadvisor writes and reads: a recommendation (recommend --format
/// json, each batch line), a batch error line, and an answers file. The answers file's
/// vocabulary comes from the catalog's questionnaire, so it is generated, never hand-kept.
///
/// `schemaVersion` promise: the major number changes only when a key the schema declares is
/// removed or changes meaning; new keys may appear at any time and consumers ignore them
/// (every object here is open: additionalProperties is not false).
enum OutputSchema {
    static func object(_ required: [String], _ properties: [(String, JSON)]) -> JSON {
        .object([("type", .string("object")), ("required", .array(required.map(JSON.string))), ("properties", .object(properties))])
    }

    static func type(_ name: String) -> JSON { .object([("type", .string(name))]) }
    static func arrayOf(_ item: JSON) -> JSON { .object([("type", .string("array")), ("items", item)]) }
    static func ref(_ name: String) -> JSON { .object([("$ref", .string("#/$defs/\(name)"))]) }
    static func enumOf(_ values: [String]) -> JSON { .object([("enum", .array(values.map(JSON.string)))]) }
    static let https = JSON.object([("type", .string("string")), ("pattern", .string("^https://"))])

    static func recommendation(_ catalog: Catalog) -> JSON {
        let ids = enumOf(catalog.serviceIDs)
        let finding = object(["rule", "text"], [("rule", type("string")), ("text", type("string")), ("weight", type("number")), ("source", https)])
        let defs: [(String, JSON)] = [
            ("finding", finding),
            ("profile", answers(catalog, forOutput: true)),
            ("pick", object(["service", "name", "score", "confidence", "configuration", "reasons"], [
                ("service", ids), ("name", type("string")), ("score", type("number")),
                ("confidence", enumOf(["low", "medium", "high"])),
                ("configuration", arrayOf(type("string"))), ("reasons", arrayOf(ref("finding"))),
                ("confidenceExplanation", type("string")),
                ("unmet", arrayOf(ref("finding"))), ("migration", type("object")),
            ])),
            ("alternative", object(["service", "score", "whyNot"], [("service", ids), ("name", type("string")), ("score", type("number")), ("whyNot", arrayOf(ref("finding")))])),
            ("excluded", object(["service", "because"], [("service", ids), ("name", type("string")), ("because", .object([("type", .string("array")), ("items", ref("finding")), ("minItems", .number(1))]))])),
            ("whatIf", object(["key", "value", "service"], [("key", enumOf(catalog.questions.map(\.key))), ("value", type("string")), ("service", ids)])),
            ("monthlyUSD", .object([("oneOf", .array([.object([("type", .string("null"))]),
                object(["low", "high"], [("low", type("number")), ("high", type("number"))])]))])),
            ("estimate", object(["service", "monthlyUSD", "parts", "missing", "region", "prices"], [
                ("service", ids), ("monthlyUSD", ref("monthlyUSD")),
                ("parts", arrayOf(object(["item", "monthlyUSD", "basis"], [("item", type("string")), ("monthlyUSD", ref("monthlyUSD")), ("basis", type("string")), ("missing", arrayOf(type("string")))]))),
                ("missing", arrayOf(type("string"))), ("region", type("string")),
                ("prices", arrayOf(object(["text", "source", "asOf"], [("text", type("string")), ("source", https), ("asOf", type("string"))]))),
                ("assumptions", arrayOf(type("string"))), ("notes", arrayOf(type("string"))),
            ])),
        ]
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("dbadvisor recommendation (recommend --format json, and each batch line)")),
            ("type", .string("object")),
            ("required", .array(["schemaVersion", "catalogVersion", "profile", "recommendation", "alternatives", "excluded", "warnings"].map(JSON.string))),
            ("properties", .object([
                ("schemaVersion", .object([("const", .number(1))])), ("catalogVersion", type("string")),
                ("id", .object([("type", .array([.string("string"), .string("number")]))])),
                ("profile", ref("profile")), ("recommendation", ref("pick")),
                ("alternatives", arrayOf(ref("alternative"))), ("excluded", arrayOf(ref("excluded"))),
                ("warnings", arrayOf(type("string"))), ("whatIf", arrayOf(ref("whatIf"))), ("estimates", arrayOf(ref("estimate"))),
            ])),
            ("$defs", .object(defs)),
        ])
    }

    static let batchError = JSON.object([
        ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
        ("title", .string("dbadvisor batch error line")),
        ("type", .string("object")), ("required", .array([.string("line"), .string("error")])),
        ("properties", .object([("line", .object([("type", .string("integer")), ("minimum", .number(1))])), ("id", .object([("type", .array([.string("string"), .string("number")]))])), ("error", type("string"))])),
    ])

    /// An answers file: the questionnaire's keys with their values (closed: unknown keys are errors).
    static func answers(_ catalog: Catalog, forOutput: Bool = false) -> JSON {
        var properties: [(String, JSON)] = []
        for q in catalog.questions {
            var members: [(String, JSON)] = [("description", .string(q.prompt))]
            switch q.kind {
            case .choice:
                members.append(("enum", .array(q.valueNames.map(JSON.string) + (forOutput ? [] : [.null]))))
            case .set:
                let pattern = "^(" + q.valueNames.joined(separator: "|") + ")(,(" + q.valueNames.joined(separator: "|") + "))*$"
                let asString = JSON.object([("type", .string("string")), ("pattern", .string(pattern))])
                members.append(("anyOf", .array(forOutput ? [asString] : [asString, arrayOf(enumOf(q.valueNames)), type("null")])))
            case .size:
                members.append(("type", forOutput ? .string("string") : .array([.string("string"), .string("null")])))
                members.append(("pattern", .string("^[0-9.]+ ?(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)$")))
            case .rate, .percent:
                members.append(("type", forOutput ? .string("string") : .array([.string("string"), .string("number"), .string("null")])))
            }
            properties.append((q.key, .object(members)))
        }
        if !forOutput {
            properties.append(("id", .object([("description", .string("Echoed back by batch.")), ("type", .array([.string("string"), .string("number")]))])))
            properties.append(("_dbadvisor", .object([("description", .string("Written by ask --save: the catalog version, the pick at the time, and the questions skipped (kept skipped when the file is read back).")), ("type", .string("object"))])))
        }
        var schema: [(String, JSON)] = []
        if !forOutput {
            schema += [("$schema", .string("https://json-schema.org/draft/2020-12/schema")), ("title", .string("dbadvisor answers file"))]
        }
        schema += [("type", .string("object")), ("properties", .object(properties)), ("additionalProperties", .bool(false))]
        return .object(schema)
    }
}

extension Commands {
    static func schema(_ inv: Invocation) throws -> String {
        if inv.positionals.count > 1 { throw CLIError.usage("Unexpected argument '\(Sanitize.forTerminal(inv.positionals[1]))'", command: "schema") }
        let which = inv.positionals.first ?? "all"
        switch which {
        case "recommendation": return OutputSchema.recommendation(inv.catalog).prettyText() + "\n"
        case "answers": return OutputSchema.answers(inv.catalog).prettyText() + "\n"
        case "batch-error": return OutputSchema.batchError.prettyText() + "\n"
        case "all":
            return JSON.object([
                ("schemaVersion", .number(1)),
                ("recommendation", OutputSchema.recommendation(inv.catalog)),
                ("batchError", OutputSchema.batchError),
                ("answers", OutputSchema.answers(inv.catalog)),
            ]).prettyText() + "\n"
        default:
            throw CLIError.usage("Unknown schema '\(Sanitize.forTerminal(which))'; accepted: recommendation, answers, batch-error (or none for all)", command: "schema")
        }
    }
}
