
/// One sourced statement about a service: a machine-readable value (when rules use it),
/// the sentence people read, and where and when it was checked.
public final class Fact: Sendable {
    public let kind: String
    public let value: JSON?
    public let text: String
    public let source: String
    public let asOf: String
    public let confidence: String
    public let note: String?
    /// The value as a list of strings, computed once (empty when absent or not a list).
    public let strings: [String]

    convenience init(kind: String, json: JSON) {
        self.init(kind: kind, value: json["value"], text: json["text"]?.stringValue ?? "", source: json["source"]?.stringValue ?? "",
                  asOf: json["asOf"]?.stringValue ?? "", confidence: json["confidence"]?.stringValue ?? "", note: json["note"]?.stringValue)
    }

    /// Every field but `strings`, which is worked out from the value.
    init(kind: String, value: JSON?, text: String, source: String, asOf: String, confidence: String, note: String?) {
        self.kind = kind
        self.value = value
        self.text = text
        self.source = source
        self.asOf = asOf
        self.confidence = confidence
        self.note = note
        strings = value?.arrayValue?.compactMap(\.stringValue) ?? (value?.stringValue.map { [$0] } ?? [])
    }
}

/// A service's lifecycle: active, closed to new customers, or past end of support.
public struct Lifecycle: Sendable {
    public var status: String
    public var since: String?
    public var successor: String?

    public var isAvailableForNewWorkloads: Bool { status == "active" }
}

/// One AWS database service as the catalog describes it. A class: assessments, findings and
/// plans all refer to services, and sharing one costs a reference count, not a copy of
/// every field.
public final class Service: Sendable {
    public let id: String
    public let name: String
    public let family: String
    public let summary: String
    /// Facts in the order the file gives them.
    public let facts: [Fact]
    private let factIndex: [String: Int]
    /// Lists of dated statements: prices, useWhen, avoidWhen, migrationPaths, changes.
    public let lists: [(String, [JSON])]
    public let file: String
    /// Why the service is never the top pick, when that is by design (lint accepts it then).
    public let neverPickedBecause: String?
    /// Its lifecycle fact (active when it has none), read once: ranking reads it per profile.
    public let lifecycle: Lifecycle
    /// `"service":ID,"name":NAME`, the members that name it in a recommendation's JSON,
    /// written once (a batch line names some 25 services).
    public let jsonMembers: [UInt8]

    convenience init(json: JSON, file: String) {
        self.init(id: json["id"]?.stringValue ?? "", name: json["name"]?.stringValue ?? "",
                  family: json["family"]?.stringValue ?? "", summary: json["summary"]?.stringValue ?? "",
                  facts: (json["facts"]?.objectValue ?? []).map { Fact(kind: $0.0, json: $0.1) },
                  lists: ["prices", "useWhen", "avoidWhen", "migrationPaths", "changes"].map { ($0, json[$0]?.arrayValue ?? []) },
                  file: file, neverPickedBecause: json["neverPickedBecause"]?.stringValue)
    }

    /// Every field but the facts' index, which is worked out from the facts.
    init(id: String, name: String, family: String, summary: String, facts: [Fact], lists: [(String, [JSON])], file: String, neverPickedBecause: String?) {
        self.id = id
        self.name = name
        self.family = family
        self.summary = summary
        self.facts = facts
        let factIndex = Dictionary(facts.enumerated().map { ($1.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.factIndex = factIndex
        let life = factIndex["lifecycle"].flatMap { facts[$0].value }
        lifecycle = Lifecycle(status: life?["status"]?.stringValue ?? "active", since: life?["since"]?.stringValue, successor: life?["successor"]?.stringValue)
        self.lists = lists
        self.file = file
        self.neverPickedBecause = neverPickedBecause
        var members: [UInt8] = []
        JSON.appendLiteral(#""service":"#, to: &members)
        JSON.appendString(id, to: &members)
        JSON.appendLiteral(#","name":"#, to: &members)
        JSON.appendString(name, to: &members)
        jsonMembers = members
    }

    /// `other` with `facts` in place of its own (facts joined from other files, such as
    /// regions.json).
    convenience init(copying other: Service, facts: [Fact]) {
        self.init(id: other.id, name: other.name, family: other.family, summary: other.summary, facts: facts,
                  lists: other.lists, file: other.file, neverPickedBecause: other.neverPickedBecause)
    }

    public func fact(_ kind: String) -> Fact? { factIndex[kind].map { facts[$0] } }

    /// Every sourced statement of the service: facts and list entries, for checks and `show`.
    public var sourcedEntries: [(path: String, source: String, asOf: String)] {
        var out = facts.map { ("$.facts.\($0.kind)", $0.source, $0.asOf) }
        for (name, items) in lists {
            for (i, item) in items.enumerated() {
                out.append(("$.\(name)[\(i)]", item["source"]?.stringValue ?? "", item["asOf"]?.stringValue ?? ""))
            }
        }
        return out
    }
}

/// A question of the questionnaire, and the vocabulary of one profile key.
public struct Question: Sendable {
    public enum Kind: String, Sendable {
        case choice, set, size, rate, percent

        /// Whether the answer is typed (a size, rate or percentage) rather than chosen.
        public var isTyped: Bool { self == .size || self == .rate || self == .percent }
    }

    public struct Value: Sendable {
        public var value: String
        public var label: String
        public var help: String
        /// The value's place on the question's scale, for a ranked question (see `ranked`).
        public var rank: Int? = nil
        /// For an engine: its data model family (relational, document...).
        public var family: String? = nil
    }

    public var key: String
    public var isCore: Bool
    public var kind: Kind
    public var prompt: String
    public var hint: String
    public var help: String
    public var values: [Value] { didSet { valueNames = values.map(\.value) } }
    /// The values' names, in order (kept with the values: answers are checked against them often).
    public private(set) var valueNames: [String] = []
    public var example: String?
    /// When to ask: a condition over earlier answers; nil means always.
    public var askWhen: Condition?
    /// What the values' ranks mean, when rules compare answers to this question in order
    /// (slowerThanAnswer); nil for a question whose values have no order.
    public var ranked: String? = nil

    /// The rank of a value of a ranked question.
    public func rank(of value: String) -> Int? {
        guard ranked != nil else { return nil }
        return values.first { $0.value == value }?.rank
    }

}

/// The loaded, validated catalog: services, questions and rules. Immutable once built.
public struct Catalog: Sendable {
    public var name: String
    public var version: String
    public var date: String
    public var services: [Service]
    public var questions: [Question]
    public var rules: [Rule]
    /// Every service id the manifest lists, loaded or not (a file that failed validation is
    /// left out of `services`, but references to it are not reported twice).
    public var declaredServiceIDs: [String] = []
    /// How data moves between services (integrations.json), for plans.
    public var integrations: [Integration] = []
    /// Unit prices for cost estimates (prices.json); empty when the catalog has none.
    public var prices = PriceTable(prices: [])
    /// Where services are offered (regions.json); empty when the catalog has none.
    public var regionTable = RegionTable()
    /// The migration guide (migration.json), by section. Unordered: look it up by key, or iterate it sorted (the bundled
    /// snapshot fills it in byte order of its keys, `--catalog DIR` in file order, so an unsorted
    /// walk could differ between the two).
    public var migrationGuide: [String: [GuideEntry]] = [:]
    /// How ties and weak fits are treated (catalog.json's `ranking`).
    public var ranking = RankingPolicy()
    /// The label people read for each fact kind (catalog.json's `factLabels`). Unordered: look it up by key, or iterate it sorted (the bundled
    /// snapshot fills it in byte order of its keys, `--catalog DIR` in file order, so an unsorted
    /// walk could differ between the two).
    public var factLabels: [String: String] = [:]
    /// The parsed files of a bundled catalog, kept as long as the catalog (see `load(texts:)`).
    var parsedFiles: [JSON] = []

    /// The label of a fact kind; the kind itself when the catalog gives none.
    public func label(ofFact kind: String) -> String { factLabels[kind] ?? kind }

    /// The family of an engine named by existing-engine (relational, document...).
    public func engineFamily(_ engine: String) -> String? {
        question("existing-engine")?.values.first { $0.value == engine }?.family
    }

    public func service(_ id: String) -> Service? { services.first { $0.id.isSameKey(id) } }

    /// A catalog with nothing in it, for commands that load their own.
    public static let empty = Catalog(name: "", version: "", date: "", services: [], questions: [], rules: [])
    /// The most services a catalog may hold (`TestProgram`: one bit per service, and one for
    /// no service); a catalog with more is refused, and nothing is judged on it.
    public static let maxServices = TestProgram.maxServices

    public func question(_ key: String) -> Question? { questions.first { $0.key.isSameKey(key) } }
    public var serviceIDs: [String] { services.map(\.id) }
}

/// Why a catalog could not be used: every problem found, each with its file and JSON path.
public struct CatalogError: Error, Sendable {
    public var problems: [Problem]
    /// What could be built despite the problems (files that failed are left out), so that
    /// `lint` can still sweep it and report everything at once. Never used to recommend.
    public var partial: Catalog? = nil

    public init(problems: [Problem], partial: Catalog? = nil) {
        self.problems = problems
        self.partial = partial
    }
}

extension Catalog {
    /// The schema file's name inside a catalog directory.
    public static let schemaFile = "catalog.schema.json"
    public static let manifestFile = "catalog.json"
    public static let questionsFile = "questions.json"
    public static let migrationFile = "migration.json"
    public static let integrationsFile = "integrations.json"

    /// Loads a catalog from files keyed by their path relative to the catalog directory.
    /// Every file is parsed and validated against the schema, then every reference is checked;
    /// all problems are reported together, and a catalog with any problem is refused whole.
    /// `validated: true` skips the schema and reference checks: only for a catalog already
    /// validated when the binary was built (the bundled one).
    ///
    /// `schema`, the text of a trusted catalog.schema.json (the bundled one), is what the
    /// files are validated against; a catalog.schema.json among `files` is then ignored.
    /// A catalog from elsewhere (`--catalog DIR`) is untrusted: its own schema could carry a
    /// pattern that backtracks for ever, a self-referencing `anyOf`, or a count of 1e300, and
    /// it could simply allow what the bundled schema refuses (an id `x$(touch F)`, a value with
    /// an escape sequence). Without `schema`, the files' own schema is used: only for the
    /// source catalog/ directory, whose schema is the bundled one.
    ///
    /// AdvisorCore reads no files: the caller (the command line, the embedder, a test) reads
    /// the directory and passes the bytes.
    public static func load(files: [String: [UInt8]], validated alreadyValidated: Bool = false, schema: [UInt8]? = nil) throws -> Catalog {
        var trustedSchema: JSON? = nil
        if let schema {
            do { trustedSchema = try JSONParser.parse(schema) } catch {
                throw CatalogError(problems: [Problem(file: schemaFile, path: "$", message: "the bundled schema is not valid JSON: \(error)")])
            }
        }
        let paths = Set(files.keys).filter { trustedSchema == nil || $0 != schemaFile }
        return try load(paths: paths, validated: alreadyValidated, schema: trustedSchema) { try JSONParser.parse(files[$0] ?? []) }
    }

    /// Loads a catalog from the text of its files (the bundled copy: string literals, parsed
    /// where they lie, without a copy). An already validated catalog's texts are parsed as
    /// trusted (no second duplicate check: `JSONParser.parse(trusted:)`), and the parsed files
    /// are kept with the catalog (`parsedFiles`): taking their thousands of nodes apart one by
    /// one as the load returns cost more than building them.
    public static func load(texts: [String: String], validated alreadyValidated: Bool = false) throws -> Catalog {
        guard alreadyValidated else {
            return try load(paths: Set(texts.keys), validated: false) { try JSONParser.parse(texts[$0] ?? "") }
        }
        var parsed: [JSON] = []
        var catalog = try load(paths: Set(texts.keys), validated: true) { path in
            let json = try JSONParser.parse(trusted: texts[path] ?? "")
            parsed.append(json)
            return json
        }
        catalog.parsedFiles = parsed
        return catalog
    }

    /// `trusted`: files already checked against the schema (the fuzzer's unchanged files),
    /// which are not checked again; every other check still runs.
    /// `schema`: the schema to validate against instead of the catalog's own catalog.schema.json.
    static func load(paths: Set<String>, validated alreadyValidated: Bool, trusted: Set<String> = [],
                     schema givenSchema: JSON? = nil, parseFile: (String) throws -> JSON) throws -> Catalog {
        var validator: SchemaValidator? = nil
        return try load(paths: paths, validated: alreadyValidated, trusted: trusted, schema: givenSchema, validator: &validator, parseFile: parseFile)
    }

    /// `validator`: the validator to check with, kept by the caller with the patterns it has
    /// compiled (the fuzzer loads thousands of catalogs against one schema: compiling its
    /// patterns afresh for each was most of the time); nil builds one from the schema.
    static func load(paths: Set<String>, validated alreadyValidated: Bool, trusted: Set<String> = [],
                     schema givenSchema: JSON? = nil, validator: inout SchemaValidator?, parseFile: (String) throws -> JSON) throws -> Catalog {
        var problems: [Problem] = []
        func parse(_ path: String) -> JSON? {
            guard paths.contains(path) else {
                problems.append(Problem(file: path, path: "$", message: "the file is missing"))
                return nil
            }
            do {
                let json = try parseFile(path)
                return json
            } catch let error as JSONParseError {
                problems.append(Problem(file: path, path: "$", message: "not valid JSON: \(error)"))
            } catch {
                problems.append(Problem(file: path, path: "$", message: "not valid JSON: \(error)"))
            }
            return nil
        }
        // An already validated catalog is not checked again, so its schema is not even parsed.
        if alreadyValidated {
            validator = nil
        } else if validator == nil {
            guard let schema = givenSchema ?? parse(schemaFile) else { throw CatalogError(problems: problems) }
            validator = SchemaValidator(schema: schema)
        }
        func validated(_ path: String, as definition: String) -> JSON? {
            guard let json = parse(path) else { return nil }
            guard validator != nil, !trusted.contains(path) else { return json }
            let found = validator!.validate(json, file: path, definition: definition) + controlCharacterProblems(json, file: path)
            problems += found
            return found.isEmpty ? json : nil
        }

        guard let manifest = validated(manifestFile, as: "manifest") else {
            throw CatalogError(problems: problems.sorted())
        }
        var services: [Service] = []
        for (i, idJSON) in (manifest["services"]?.arrayValue ?? []).enumerated() {
            guard let id = idJSON.stringValue else { continue }
            let path = "services/\(id).json"
            guard paths.contains(path) else {
                problems.append(Problem(file: manifestFile, path: "$.services[\(i)]", message: "lists '\(id)', but \(path) is missing"))
                continue
            }
            guard let json = validated(path, as: "service") else { continue }
            if json["id"]?.stringValue != id {
                problems.append(Problem(file: path, path: "$.id", message: "is '\(json["id"]?.stringValue ?? "")', but the file is named for '\(id)'"))
            }
            services.append(Service(json: json, file: path))
        }
        let listed = Set((manifest["services"]?.arrayValue ?? []).compactMap { $0.stringValue.map { "services/\($0).json" } })
        for path in paths.sorted() where path.hasPrefix("services/") && !listed.contains(path) {
            problems.append(Problem(file: path, path: "$", message: "is not listed in \(manifestFile) $.services"))
        }

        var questions: [Question] = []
        if let json = validated(questionsFile, as: "questions") {
            questions = (json["questions"]?.arrayValue ?? []).map(Question.init(json:))
        }

        var rules: [Rule] = []
        for ruleFileJSON in manifest["ruleFiles"]?.arrayValue ?? [] {
            guard let path = ruleFileJSON.stringValue, let json = validated(path, as: "ruleFile") else { continue }
            for (i, ruleJSON) in (json["rules"]?.arrayValue ?? []).enumerated() {
                rules.append(Rule(json: ruleJSON, file: path, index: i))
            }
        }

        var guide: [String: [GuideEntry]] = [:]
        if let json = validated(migrationFile, as: "migration") {
            for (section, items) in json.objectValue ?? [] {
                guard let items = items.arrayValue else { continue }
                guide[section] = items.map { GuideEntry(id: $0["id"]?.stringValue ?? "", text: $0["text"]?.stringValue ?? "", source: $0["source"]?.stringValue ?? "") }
            }
        }

        var catalog = Catalog(
            name: manifest["name"]?.stringValue ?? "",
            version: manifest["version"]?.stringValue ?? "",
            date: manifest["date"]?.stringValue ?? "",
            services: services, questions: questions, rules: rules
        )
        catalog.migrationGuide = guide
        if let ranking = manifest["ranking"] { catalog.ranking = RankingPolicy(json: ranking) }
        for (kind, label) in manifest["factLabels"]?.objectValue ?? [] { catalog.factLabels[kind] = label.stringValue }
        if let json = validated(integrationsFile, as: "integrations") {
            catalog.integrations = (json["links"]?.arrayValue ?? []).enumerated().map { Integration(json: $1, index: $0) }
        }
        catalog.declaredServiceIDs = (manifest["services"]?.arrayValue ?? []).compactMap(\.stringValue)
        if paths.contains(pricesFile), let json = validated(pricesFile, as: "prices") {
            catalog.prices = PriceTable(json: json)
            if !alreadyValidated { problems += catalog.priceProblems() }
        }
        if paths.contains(regionsFile), let json = validated(regionsFile, as: "regions") {
            catalog.regionTable = RegionTable(json: json)
            catalog.addRegionFacts()
            if !alreadyValidated { problems += catalog.regionProblems() }
        }
        if !alreadyValidated {
            let references = catalog.referenceProblems()
            problems += references
            if references.isEmpty { problems += catalog.exampleProblems() }
        }
        guard problems.isEmpty else { throw CatalogError(problems: problems.sorted(), partial: catalog) }
        return catalog
    }

    /// A catalog's text reaches terminals, completion scripts, the manual page and CSV cells:
    /// a string (or member name) holding a control character, an escape sequence's ESC, a
    /// line break or a bidirectional override is refused, wherever it is. The first 20 per file.
    static func controlCharacterProblems(_ json: JSON, file: String) -> [Problem] {
        var found: [Problem] = []
        func isControl(_ text: String) -> Unicode.Scalar? {
            text.unicodeScalars.first { s in
                let v = s.value
                return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            }
        }
        func report(_ scalar: Unicode.Scalar, _ path: String) {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            found.append(Problem(file: file, path: path, message: "holds a control character (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)); catalog text must be printable"))
        }
        func walk(_ value: JSON, _ path: String) {
            guard found.count < 20 else { return }
            switch value {
            case let .string(text): if let c = isControl(text) { report(c, path) }
            case let .array(items): for (i, item) in items.enumerated() { walk(item, "\(path)[\(i)]") }
            case let .object(members):
                for (key, member) in members {
                    let memberPath = SchemaValidator.member(path, key)
                    if let c = isControl(key) { report(c, memberPath) }
                    walk(member, memberPath)
                }
            default: break
            }
        }
        walk(json, "$")
        return found
    }
}

extension Question {
    /// Every field but `valueNames`, which is worked out from the values.
    init(key: String, isCore: Bool, kind: Kind, prompt: String, hint: String, help: String, values: [Value],
         example: String?, askWhen: Condition?, ranked: String?) {
        self.key = key
        self.isCore = isCore
        self.kind = kind
        self.prompt = prompt
        self.hint = hint
        self.help = help
        self.values = values
        valueNames = values.map(\.value)
        self.example = example
        self.askWhen = askWhen
        self.ranked = ranked
    }

    init(json: JSON) {
        self.init(
            key: json["key"]?.stringValue ?? "", isCore: json["core"]?.boolValue ?? false,
            kind: Kind(rawValue: json["type"]?.stringValue ?? "") ?? .choice,
            prompt: json["prompt"]?.stringValue ?? "", hint: json["hint"]?.stringValue ?? "", help: json["help"]?.stringValue ?? "",
            values: (json["values"]?.arrayValue ?? []).map {
                Value(value: $0["value"]?.stringValue ?? "", label: $0["label"]?.stringValue ?? "", help: $0["help"]?.stringValue ?? "",
                      rank: $0["rank"]?.numberValue.map { Int($0) }, family: $0["family"]?.stringValue)
            },
            example: json["example"]?.stringValue, askWhen: json["askWhen"].map(Condition.init(json:)), ranked: json["ranked"]?.stringValue)
    }
}

/// How ranking breaks ties and when a pick fits poorly, as the catalog declares it.
public struct RankingPolicy: Sendable {
    public struct TieBreak: Sendable {
        public var fact: String
        /// Best first; empty for 'lower' (a number, the smaller wins).
        public var preferred: [String]
        public var says: String
    }

    /// A pick scoring below this fits poorly.
    public var fitThreshold: Double = 0
    public var tieBreak: [TieBreak] = []

    public init() {}

    init(json: JSON) {
        fitThreshold = json["fitThreshold"]?.numberValue ?? 0
        tieBreak = (json["tieBreak"]?.arrayValue ?? []).map { t in
            TieBreak(fact: t["fact"]?.stringValue ?? "", preferred: t["prefer"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                     says: t["says"]?.stringValue ?? "")
        }
    }

    /// How `rule` orders two services: true/false when one is preferred, nil when it cannot
    /// tell them apart. A figure that is unknown (or a value the rule does not list) ranks
    /// after every known one, so each rule is a total preorder and the order built from the
    /// rules, then the id, is a total order (the same on every path that ranks).
    public func prefers(_ rule: TieBreak, _ a: Service, over b: Service) -> Bool? {
        let va = a.fact(rule.fact)?.value, vb = b.fact(rule.fact)?.value
        let x: Double?, y: Double?
        if rule.preferred.isEmpty {
            x = va?.numberValue
            y = vb?.numberValue
        } else {
            x = va?.stringValue.flatMap(rule.preferred.firstIndex(of:)).map(Double.init)
            y = vb?.stringValue.flatMap(rule.preferred.firstIndex(of:)).map(Double.init)
        }
        switch (x, y) {
        case (nil, nil): return nil
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?): return x == y ? nil : x < y
        }
    }

    /// The first rule that separates two services, or nil (then the service id decides).
    public func decidingRule(_ a: Service, _ b: Service) -> TieBreak? {
        tieBreak.first { prefers($0, a, over: b) != nil }
    }

    /// Whether `a` comes before `b` when they score the same.
    public func before(_ a: Service, _ b: Service) -> Bool {
        if let rule = decidingRule(a, b) { return prefers(rule, a, over: b)! }
        return a.id < b.id
    }
}
