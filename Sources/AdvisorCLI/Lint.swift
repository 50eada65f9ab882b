import AdvisorCore
import BundledCatalog
import Platform

/// `dbadvisor lint`: everything that can be wrong with a catalog, each with file and JSON path,
/// then the sweep's coverage figures. Exit 65 when anything is wrong.
enum Lint {
    static func run(_ inv: Invocation) throws -> String {
        try Commands.noPositionals(inv)
        var problems: [Problem] = []
        var report: LintReport? = nil
        var seconds = 0.0
        var catalog: Catalog? = nil
        do {
            if let dir = inv.catalogDirectory {
                catalog = try CatalogDirectory.load(dir, schema: BundledCatalog.files()[Catalog.schemaFile])
            } else {
                catalog = try Catalog.load(files: BundledCatalog.files())
            }
        } catch let error as CatalogError {
            problems = error.problems
            catalog = error.partial
        }
        // A catalog past the service limit is refused (a problem above) and not swept: the
        // engine cannot judge its rules.
        if let catalog, catalog.services.count <= Catalog.maxServices {
            let started = monotonicSeconds()
            let sweep = Sweep(catalog: catalog).run()
            seconds = monotonicSeconds() - started
            problems += sweep.problems
            report = sweep
        }
        problems.sort()
        let origin = inv.catalogDirectory ?? "the bundled catalog"
        if inv.format == .json {
            var members: [(String, JSON)] = [("schemaVersion", .number(1)), ("catalog", .string(origin)), ("ok", .bool(problems.isEmpty))]
            members.append(("problems", .array(problems.map { .object([("file", .string($0.file)), ("path", .string($0.path)), ("message", .string($0.message))]) })))
            if let r = report {
                members.append(("sweep", .object([
                    ("profiles", .number(Double(r.profilesSwept))), ("rulesFired", .number(Double(r.rulesFired))), ("rules", .number(Double(r.rulesTotal))),
                    ("servicesPicked", .array(r.servicesPicked.map(JSON.string))), ("services", .number(Double(r.servicesTotal))),
                    ("seconds", .number((seconds * 1000).rounded() / 1000)),
                ])))
                members.append(("invariants", .array(r.invariants.map { i in
                    .object([("id", .string(i.id)), ("name", .string(i.name)), ("violations", .number(Double(i.violations))),
                             ("handled", .number(Double(i.handled))), ("example", i.example.map(JSON.string) ?? .null)])
                })))
            }
            let text = JSON.object(members).prettyText() + "\n"
            if !problems.isEmpty {
                try inv.io.writeOut(text)
                throw Ask.Stop(status: .dataError, message: "lint: \(problems.count) problem(s) in \(origin)")
            }
            return text
        }
        var out = ""
        for p in problems { out += Sanitize.forTerminal("\(p.file): \(p.path): \(p.message)", limit: 1000) + "\n" }
        if let r = report {
            out += "sweep: \(r.profilesSwept) profiles in \(JSON.fixed(seconds, decimals: 2)) s; rules fired \(r.rulesFired)/\(r.rulesTotal); services picked \(r.servicesPicked.count)/\(r.servicesTotal)"
            let never = (catalog?.services ?? []).filter { !r.servicesPicked.contains($0.id) }
            if !never.isEmpty { out += " (never picked, by design: \(never.map(\.id).joined(separator: ", ")))" }
            out += "\n"
            out += "invariants over the sweep (each must be 0):\n"
            for i in r.invariants {
                out += "  \(i.id). \(i.name): \(i.violations)" + (i.handled > 0 ? " (\(i.handled) handled and said)" : "") + "\n"
            }
        }
        if problems.isEmpty {
            return out + "lint: \(origin) is clean.\n"
        }
        // Problems go to stdout as the command's result, and the status says they exist.
        try inv.io.writeOut(out)
        throw Ask.Stop(status: .dataError, message: "lint: \(problems.count) problem(s) in \(origin)")
    }
}
