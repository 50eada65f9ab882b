import AdvisorCore

/// The commands' bodies. Each returns its whole output; nothing is printed half-way.
enum Commands {
    // MARK: services

    static func services(_ inv: Invocation) throws -> String {
        try noPositionals(inv)
        let catalog = inv.catalog
        if inv.format == .json {
            let items: [JSON] = catalog.services.map { s in
                let life = s.lifecycle
                var lifecycle: [(String, JSON)] = [("status", .string(life.status))]
                if let since = life.since { lifecycle.append(("since", .string(since))) }
                if let successor = life.successor { lifecycle.append(("successor", .string(successor))) }
                let sources = Array(Set(s.sourcedEntries.map(\.source))).sorted().map(JSON.string)
                return .object([
                    ("id", .string(s.id)), ("name", .string(s.name)), ("family", .string(s.family)),
                    ("dataModels", .array(s.fact("dataModels")?.strings.map(JSON.string) ?? [])),
                    ("serverless", .bool(s.fact("capacityModes")?.strings.contains("serverless") ?? false)),
                    ("serverlessType", s.fact("serverlessType")?.value ?? .null),
                    ("lifecycle", .object(lifecycle)),
                    ("sources", .array(sources)),
                ])
            }
            return envelope(catalog, [("services", .array(items))]).prettyText() + "\n"
        }
        let rows = catalog.services.map { s -> [String] in
            let life = s.lifecycle
            let short = ["end-of-support": "ended", "closed-to-new-customers": "closed"][life.status] ?? life.status
            let status = life.status == "active" ? "active" : "\(short) \(life.since ?? "")"
            let serverless = s.fact("serverlessType")?.value?.stringValue ?? "none"
            return [s.id, s.name, s.family, s.fact("dataModels")?.strings.joined(separator: ", ") ?? "", serverless == "none" ? "no" : serverless, status]
        }
        let header = ["ID", "NAME", "FAMILY", "DATA MODEL", "SERVERLESS", "STATUS"]
        let needed = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }.reduce(0, +) + 2 * (header.count - 1)
        var out: String
        if needed <= inv.io.width {
            out = table(header: header, rows: rows, width: inv.io.width, style: inv.style, flexible: 1)
        } else {
            // Too narrow for the table: two lines per service, nothing cut.
            out = ""
            for row in rows {
                out += inv.style.bold(row[0]) + "  " + row[1] + "\n"
                out += wrap("family \(row[2]) · data model \(row[3]) · serverless \(row[4]) · \(row[5])", width: inv.io.width, indent: 4, firstIndent: 4) + "\n"
            }
        }
        out += "\n\(catalog.services.count) services · catalog \(catalog.version)\n"
        return out
    }

    // MARK: show

    static func show(_ inv: Invocation) throws -> String {
        guard inv.positionals.count == 1 else {
            throw CLIError.usage(inv.positionals.isEmpty ? "Missing expected argument '<service>'" : "Unexpected argument '\(Sanitize.forTerminal(inv.positionals[1]))'", command: "show")
        }
        let service = try lookup(inv.positionals[0], in: inv.catalog, command: "show")
        if inv.format == .json {
            return envelope(inv.catalog, [("service", serviceJSON(service))]).prettyText() + "\n"
        }
        let width = inv.io.width
        let st = inv.style
        var out = st.bold("\(service.name) (\(service.id))") + "\n"
        out += wrap(service.summary, width: width) + "\n"
        let life = service.lifecycle
        if !life.isAvailableForNewWorkloads {
            out += st.yellow("Status: \(life.status) since \(life.since ?? "?")" + (life.successor.flatMap(inv.catalog.service).map { "; successor: \($0.name) (\($0.id))" } ?? "")) + "\n"
        }
        out += "\n"
        for fact in service.facts {
            out += st.bold(inv.catalog.label(ofFact: fact.kind)) + "\n"
            out += wrap(fact.text, width: width, indent: 2) + "\n"
            if let value = fact.value, fact.kind != "lifecycle" {
                out += st.dim(wrap("value: \(humanValue(value))", width: width, indent: 2)) + "\n"
            }
            out += st.dim(wrap("source: \(fact.source) (as of \(fact.asOf); \(fact.confidence))", width: width, indent: 2)) + "\n"
            if let note = fact.note { out += st.dim(wrap("note: \(note)", width: width, indent: 2)) + "\n" }
        }
        let titles = ["prices": "Representative prices (us-east-1)", "useWhen": "Use when", "avoidWhen": "Avoid when", "migrationPaths": "Migration paths into it", "changes": "Changed since older material"]
        for (name, items) in service.lists where !items.isEmpty {
            out += "\n" + st.bold(titles[name] ?? name) + "\n"
            for item in items {
                var text: String
                if name == "prices" {
                    text = "\(item["item"]?.stringValue ?? ""): $\(JSON.format(number: item["usd"]?.numberValue ?? 0)) per \(item["per"]?.stringValue ?? "")"
                    if let note = item["note"]?.stringValue { text += " (\(note))" }
                } else {
                    text = item["text"]?.stringValue ?? ""
                    if name == "migrationPaths", let tools = item["tools"]?.arrayValue?.compactMap(\.stringValue), !tools.isEmpty {
                        text += " Tools: \(tools.joined(separator: ", "))."
                    }
                }
                out += wrap("• " + text, width: width, indent: 4, firstIndent: 2) + "\n"
                out += st.dim(wrap("source: \(item["source"]?.stringValue ?? "") (as of \(item["asOf"]?.stringValue ?? ""); \(item["confidence"]?.stringValue ?? ""))", width: width, indent: 4)) + "\n"
            }
        }
        return out
    }

    static func serviceJSON(_ s: Service) -> JSON {
        var facts: [(String, JSON)] = []
        for fact in s.facts {
            var members: [(String, JSON)] = []
            if let v = fact.value { members.append(("value", v)) }
            members += [("text", .string(fact.text)), ("source", .string(fact.source)), ("asOf", .string(fact.asOf)), ("confidence", .string(fact.confidence))]
            if let note = fact.note { members.append(("note", .string(note))) }
            facts.append((fact.kind, .object(members)))
        }
        var members: [(String, JSON)] = [("id", .string(s.id)), ("name", .string(s.name)), ("family", .string(s.family)), ("summary", .string(s.summary)), ("facts", .object(facts))]
        for (name, items) in s.lists { members.append((name, .array(items))) }
        return .object(members)
    }

    // MARK: compare

    static func compare(_ inv: Invocation) throws -> String {
        guard inv.positionals.count >= 2 else {
            throw CLIError.usage("compare needs at least two service ids; got \(inv.positionals.count)", command: "compare")
        }
        var services: [Service] = []
        for id in inv.positionals {
            let s = try lookup(id, in: inv.catalog, command: "compare")
            if services.contains(where: { $0.id == s.id }) { throw CLIError.usage("'\(id)' is named twice", command: "compare") }
            services.append(s)
        }
        var kinds: [String] = []
        for s in services { for f in s.facts where !kinds.contains(f.kind) { kinds.append(f.kind) } }
        if inv.format == .json {
            let rows: [JSON] = kinds.map { kind in
                let values = services.map { s -> (String, JSON) in
                    (s.id, s.fact(kind).map { f in JSON.object([("value", f.value ?? .null), ("text", .string(f.text)), ("source", .string(f.source)), ("asOf", .string(f.asOf))]) } ?? .null)
                }
                let distinct = Set(services.map { $0.fact(kind)?.value?.compactText() ?? $0.fact(kind)?.text ?? "" })
                return .object([("fact", .string(kind)), ("differs", .bool(distinct.count > 1)), ("services", .object(values))])
            }
            return envelope(inv.catalog, [("services", .array(services.map { .string($0.id) })), ("facts", .array(rows))]).prettyText() + "\n"
        }
        let width = inv.io.width
        let labelWidth = 22
        let column = max(14, (width - labelWidth - 2 * services.count) / services.count)
        var out = pad("", labelWidth) + services.map { "  " + pad(inv.style.bold(String($0.id.prefix(column))), column + (inv.style.enabled ? 8 : 0)) }.joined() + "\n"
        for kind in kinds {
            let cells = services.map { s -> String in
                guard let f = s.fact(kind) else { return "—" }
                return summary(of: f)
            }
            let differs = Set(cells).count > 1
            let wrapped = cells.map { wrap($0, width: column).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
            let height = wrapped.map(\.count).max() ?? 1
            for line in 0..<height {
                let label = line == 0 ? (differs ? "* " : "  ") + inv.catalog.label(ofFact: kind) : ""
                out += pad(String(label.prefix(labelWidth)), labelWidth)
                for cell in wrapped { out += "  " + pad(line < cell.count ? cell[line] : "", column) }
                out = String(out.reversed().drop(while: { $0 == " " }).reversed()) + "\n"
            }
        }
        out += "\n* the services differ on this fact. Sources: 'dbadvisor show <id>'.\n"
        return out
    }

    /// A short cell for `compare`: the machine value when it reads well, else the sentence.
    static func summary(of fact: Fact) -> String {
        switch fact.value {
        case let .array(items)?:
            let names = items.compactMap(\.stringValue)
            return names.isEmpty ? "none" : names.joined(separator: ", ")
        case let .string(s)?: return s
        case let .bool(b)?: return b ? "yes" : "no"
        case let .number(n)?:
            if fact.kind == "idleMonthlyCost" { return "$\(JSON.format(number: n))/month" }
            if fact.kind == "sla" { return "\(JSON.format(number: n))%" }
            return JSON.format(number: n)
        case let .object(members)?:
            return members.map { "\($0.1.stringValue ?? $0.1.compactText())" }.joined(separator: " ")
        case .null?: return fact.kind == "idleMonthlyCost" ? "unknown" : "not confirmed"
        default:
            let text = fact.text
            return text.count > 90 ? String(text.prefix(88)) + "…" : text
        }
    }

    // MARK: questions

    static func questions(_ inv: Invocation) throws -> String {
        try noPositionals(inv)
        let catalog = inv.catalog
        if inv.format == .json {
            let items: [JSON] = catalog.questions.map { q in
                var members: [(String, JSON)] = [("key", .string(q.key)), ("core", .bool(q.isCore)), ("type", .string(q.kind.rawValue)), ("prompt", .string(q.prompt)), ("hint", .string(q.hint)), ("help", .string(q.help))]
                if !q.values.isEmpty {
                    members.append(("values", .array(q.values.map { .object([("value", .string($0.value)), ("label", .string($0.label)), ("help", .string($0.help))]) })))
                }
                if let example = q.example { members.append(("example", .string(example))) }
                return .object(members)
            }
            return envelope(catalog, [("questions", .array(items))]).prettyText() + "\n"
        }
        let width = inv.io.width
        var out = ""
        for q in catalog.questions {
            out += inv.style.bold("--\(q.key)") + (q.isCore ? "  (core)" : "") + "\n"
            out += wrap(q.prompt + " " + q.help, width: width, indent: 2) + "\n"
            switch q.kind {
            case .size, .rate, .percent: out += wrap("value: " + q.hint, width: width, indent: 4, firstIndent: 2) + "\n"
            case .choice, .set:
                if q.kind == .set { out += "  values (one or more, comma-separated):\n" }
                for v in q.values {
                    let text = v.help.isEmpty ? v.label : "\(v.label): \(v.help)"
                    out += wrap("\(pad(v.value, 20)) \(text)", width: width, indent: 25, firstIndent: 4) + "\n"
                }
            }
            out += "\n"
        }
        return out
    }

    // MARK: recommend

    static func recommend(_ inv: Invocation) throws -> String {
        try noPositionals(inv)
        let catalog = inv.catalog
        let (profile, record) = try profileAndRecord(inv)
        var recommendation = Engine(catalog: catalog).recommend(profile)
        noteChangedPick(&recommendation, record: record, catalog: catalog)
        if inv.format == .json {
            // Written straight into bytes, as batch writes its lines: the bytes of
            // `Render.json(recommendation, catalog:).compactText()` without building the tree
            // (JSONBytesTests holds the two together, what-if included).
            var out: [UInt8] = []
            out.reserveCapacity(8192)
            Render.writeJSON(recommendation, catalog: catalog, to: &out)
            out.append(UInt8(ascii: "\n"))
            return String(decoding: out, as: UTF8.self)
        }
        if inv.format == .markdown {
            return Render.markdown(recommendation, catalog: catalog, toolVersion: toolVersion)
        }
        return Render.text(recommendation, catalog: catalog, width: inv.io.width, style: inv.style, verbose: inv.flags.contains("verbose"))
    }

    /// Re-check: answers saved by `ask --save` carry the pick of their day; when today's pick
    /// differs, the recommendation leads with a warning that says so.
    static func noteChangedPick(_ recommendation: inout Recommendation, record: JSON?, catalog: Catalog) {
        guard let earlier = record?["recommendation"]?.stringValue, earlier != recommendation.pick.service.id else { return }
        let version = record?["catalogVersion"]?.stringValue ?? "an earlier catalog"
        let reasons = recommendation.pick.earned.prefix(2).map(\.text)
        recommendation.warnings.insert(Warning(kind: .changedPick, text: "The pick has changed since these answers were saved: it was \(Sanitize.forTerminal(earlier, limit: 40)) with catalog \(Sanitize.forTerminal(version, limit: 20)); with catalog \(catalog.version) it is \(recommendation.pick.service.id). " + reasons.joined(separator: " ")), at: 0)
    }

    // MARK: helpers

    /// The profile an invocation gives: its answers file, then its flags on top.
    static func profileFromOptions(_ inv: Invocation) throws -> Profile {
        try profileAndRecord(inv).profile
    }

    /// The profile, and what `ask --save` recorded with the answers (catalog version and pick).
    static func profileAndRecord(_ inv: Invocation) throws -> (profile: Profile, record: JSON?) {
        var profile = Profile()
        var record: JSON? = nil
        if let path = inv.options["answers"] {
            (profile, record) = try loadAnswersWithRecord(path, inv: inv)
        }
        for question in inv.catalog.questions {
            guard let text = inv.options[question.key] else { continue }
            switch inv.catalog.parseAnswer(key: question.key, text: text) {
            case let .success(answer): profile[question.key] = answer
            case let .failure(error): throw CLIError.usage(error.message, command: inv.command.name)
            }
        }
        return (profile, record)
    }

    // MARK: why

    static func why(_ inv: Invocation) throws -> String {
        guard let id = inv.positionals.first else { throw CLIError.usage("Missing expected argument '<service>'", command: "why") }
        if inv.positionals.count > 1 { throw CLIError.usage("Unexpected argument '\(Sanitize.forTerminal(inv.positionals[1]))'", command: "why") }
        let service = try lookup(id, in: inv.catalog, command: "why")
        let profile = try profileFromOptions(inv)
        let engine = Engine(catalog: inv.catalog)
        guard let e = engine.explain(service.id, profile: profile) else { throw CLIError(status: .software, message: "no explanation for \(id)") }
        let isPick = e.pick.service.id == service.id
        func findingJSON(_ f: Finding) -> JSON {
            .object([("rule", .string(f.rule)), ("weight", .number(f.weight)), ("text", .string(f.text)), ("source", .string(f.source))])
        }
        if inv.format == .json {
            var members: [(String, JSON)] = [
                ("schemaVersion", .number(1)), ("catalogVersion", .string(inv.catalog.version)),
                ("profile", profile.json(order: inv.catalog.questions)),
                ("service", .string(service.id)), ("isPick", .bool(isPick)), ("pick", .string(e.pick.service.id)),
                ("rank", e.rank.map { .number(Double($0)) } ?? .null), ("score", .number(e.assessment.score)), ("pickScore", .number(e.pick.score)),
                ("contributions", .array(e.assessment.scoreFindings.map(findingJSON))),
                ("exclusions", .array(e.assessment.exclusions.map(findingJSON))),
                ("pickContributions", .array(isPick ? [] : e.pick.scoreFindings.map(findingJSON))),
            ]
            members.append(("smallestChange", e.smallestChange.map { change in .array(change.map { .object([("key", .string($0.key)), ("value", $0.value.map(JSON.string) ?? .null)]) }) } ?? .null))
            return JSON.object(members).prettyText() + "\n"
        }
        let st = inv.style, width = inv.io.width
        var out: String
        if isPick && e.assessment.isExcluded {
            out = st.bold("\(service.name) is shown as the pick though it is ruled out") + ": no service meets every requirement of this profile (score \(JSON.format(number: e.assessment.score))).\n"
        } else if isPick {
            out = st.bold("\(service.name) is the pick") + " for this profile (score \(JSON.format(number: e.assessment.score))).\n"
        } else if e.assessment.isExcluded {
            out = st.bold("\(service.name) is ruled out") + " for this profile; the pick is \(e.pick.service.name) (\(e.pick.service.id)).\n"
        } else {
            out = st.bold("\(service.name) ranks #\(e.rank ?? 0)") + " with \(JSON.format(number: e.assessment.score)) against \(JSON.format(number: e.pick.score)) for the pick, \(e.pick.service.name) (\(e.pick.service.id)).\n"
        }
        if !e.assessment.exclusions.isEmpty {
            out += "\n" + st.red("Ruled out by") + "\n"
            for f in e.assessment.exclusions {
                out += wrap("✗ \(f.text)", width: width, indent: 4, firstIndent: 2) + "\n"
                out += st.dim(wrap("rule \(f.rule) · \(f.source)", width: width, indent: 4, firstIndent: 4)) + "\n"
            }
        }
        out += "\n" + st.bold("Score of \(service.id), rule by rule") + "\n"
        if e.assessment.scoreFindings.isEmpty { out += "  (no scoring rule applies)\n" }
        for f in e.assessment.scoreFindings.sorted(by: { $0.weight > $1.weight }) {
            let sign = f.weight > 0 ? "+" : ""
            out += wrap("\(sign)\(JSON.format(number: f.weight)) \(f.text)", width: width, indent: 6, firstIndent: 2) + "\n"
            out += st.dim(wrap("rule \(f.rule) · \(f.source)", width: width, indent: 6, firstIndent: 6)) + "\n"
        }
        if !isPick {
            let mine = Set(e.assessment.scoreFindings.map(\.rule))
            let edge = e.pick.scoreFindings.filter { $0.weight > 0 && !mine.contains($0.rule) }
            if !edge.isEmpty {
                out += "\n" + st.bold("What the pick earns that \(service.id) does not") + "\n"
                for f in edge { out += wrap("+\(JSON.format(number: f.weight)) \(f.text)", width: width, indent: 6, firstIndent: 2) + "\n" }
            }
            out += "\n" + st.bold("Smallest change that makes it the pick") + "\n"
            if let change = e.smallestChange {
                out += "  " + change.map { c in c.value.map { "--\(c.key) \($0)" } ?? "leave --\(c.key) unanswered" }.joined(separator: ", ") + "\n"
            } else if !service.lifecycle.isAvailableForNewWorkloads {
                out += "  None: \(service.name) is not available to new workloads (\(service.lifecycle.status)).\n"
            } else {
                out += "  No change of one or two answers does.\n"
            }
        }
        return out
    }

    /// Reads and parses an answers file ('-' for stdin) into a profile, with the answers as written.
    static func loadAnswersWithRecord(_ path: String, inv: Invocation) throws -> (Profile, JSON?) {
        let data = try readInput(path, io: inv.io, what: "answers file")
        let source = path == "-" ? "standard input" : "'\(Sanitize.forTerminal(path))'"
        let json: JSON
        do {
            json = try JSONParser.parse(data)
        } catch let error as JSONParseError {
            throw CLIError.data("the answers in \(source) are not valid JSON: \(error)")
        }
        switch inv.catalog.parseProfile(json) {
        case let .success((parsed, _)): return (parsed, json["_dbadvisor"])
        case let .failure(error): throw CLIError.data("the answers in \(source): \(error.message)")
        }
    }

    static func noPositionals(_ inv: Invocation) throws {
        if let extra = inv.positionals.first {
            throw CLIError.usage("Unexpected argument '\(Sanitize.forTerminal(extra))'", command: inv.command.name)
        }
    }

    /// A service by id: exact, then ignoring case, then by a name the id starts with
    /// ("aurora" matches aurora-dsql, aurora-postgresql and aurora-mysql: ambiguous, exit 64
    /// listing them).
    static func lookup(_ id: String, in catalog: Catalog, command: String) throws -> Service {
        if let s = catalog.service(id) { return s }
        let lower = id.lowercased()
        if let s = catalog.services.first(where: { $0.id == lower }) { return s }
        let matches = catalog.services.filter { $0.id.hasPrefix(lower + "-") || $0.id.split(separator: "-").contains { $0 == lower } }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1, !lower.isEmpty {
            throw CLIError.usage("'\(Sanitize.forTerminal(id))' names \(matches.count) services: \(matches.map(\.id).joined(separator: ", ")). Give one of these ids.", command: command)
        }
        var message = "Unknown service '\(Sanitize.forTerminal(id))'."
        if let near = Spelling.nearest(to: id, in: catalog.serviceIDs) { message += " Did you mean '\(near)'?" }
        message += " See 'dbadvisor services' for the ids."
        throw CLIError.usage(message, command: command)
    }

    static func envelope(_ catalog: Catalog, _ members: [(String, JSON)]) -> JSON {
        .object([("schemaVersion", .number(1)), ("catalogVersion", .string(catalog.version))] + members)
    }

    /// A plain table sized to the terminal; the `flexible` column is cut when space is short.
    static func table(header: [String], rows: [[String]], width: Int, style: Style, flexible: Int) -> String {
        var widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        let total = widths.reduce(0, +) + 2 * (widths.count - 1)
        if total > width { widths[flexible] = max(10, widths[flexible] - (total - width)) }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                let cell = cells[i].count > widths[i] ? String(cells[i].prefix(widths[i] - 1)) + "…" : cells[i]
                return i == cells.count - 1 ? cell : pad(cell, widths[i])
            }.joined(separator: "  ")
        }
        var out = style.bold(line(header)) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

/// A fact's value as a reader sees it: a list of words comma-separated (so it wraps), a word as
/// itself; anything else as compact JSON.
func humanValue(_ value: JSON) -> String {
    if let s = value.stringValue { return s }
    if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
        return items.isEmpty ? "none" : items.compactMap(\.stringValue).joined(separator: ", ")
    }
    return value.compactText()
}
