import AdvisorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dbadvisor plan STACK.json`: a pick per component and what joins them.
enum PlanCommand {
    static func run(_ inv: Invocation) throws -> String {
        guard inv.positionals.count == 1 else {
            throw CLIError.usage(inv.positionals.isEmpty ? "Missing expected argument '<stack>'" : "Unexpected argument '\(Sanitize.forTerminal(inv.positionals[1]))'", command: "plan")
        }
        let path = inv.positionals[0]
        let data = try readInput(path, io: inv.io, what: "stack file")
        let json: JSON
        do { json = try JSONParser.parse(data) } catch let error as JSONParseError {
            throw CLIError.data("the stack file is not valid JSON: \(error)")
        }
        let stack: Stack
        switch Stack.parse(json, catalog: inv.catalog) {
        case let .success(s): stack = s
        case let .failure(error): throw CLIError.data("the stack file: \(error.message)")
        }
        let plan = Engine(catalog: inv.catalog).plan(stack)
        let out: String
        switch inv.format {
        case .json:
            // Written to stdout as the bytes they are, when it is a real descriptor: no copy into
            // a String and back (a large plan is some megabytes). Otherwise through `writeOut`.
            if let fd = inv.io.stdoutDescriptor {
                // A megabyte at a time: a plan of a thousand components is some 24 MB, never
                // held whole.
                var failure: (any Error)? = nil
                jsonChunks(plan, catalog: inv.catalog) { bytes in
                    guard failure == nil else { return }
                    do { try writeAll(fd, bytes) } catch { failure = error }
                }
                if let failure { throw failure }
                out = ""
            } else {
                out = String(decoding: jsonBytes(plan, catalog: inv.catalog), as: UTF8.self)
            }
        case .markdown: out = markdown(plan, catalog: inv.catalog)
        case .text: out = text(plan, catalog: inv.catalog, width: inv.io.width, style: inv.style)
        case .csv: throw CLIError.usage("plan does not write csv", command: "plan")
        }
        if !stack.errors.isEmpty {
            try inv.io.writeOut(out)
            throw Ask.Stop(status: .batchLinesFailed, message: stack.errors.map { "plan: \(Sanitize.forTerminal($0.component)): \($0.message)" }.joined(separator: "\n"))
        }
        return out
    }

    /// A plan as JSON, written straight into bytes: each component's recommendation by
    /// batch's writer (`JSONBytes.recommendation`), the rest member by member, with no tree to
    /// build or free. PlanJSONBytesTests holds it to the tree the compact writer would write.
    static func jsonBytes(_ plan: Plan, catalog: Catalog) -> [UInt8] {
        var all: [UInt8] = []
        // One piece (no chunk size): taken as it is, not copied.
        jsonChunks(plan, catalog: catalog, chunkSize: .max) { if all.isEmpty { all = $0 } else { all.append(contentsOf: $0) } }
        return all
    }

    /// The same bytes, handed to `emit` in pieces of about `chunkSize` (each component whole).
    static func jsonChunks(_ plan: Plan, catalog: Catalog, chunkSize: Int = 1 << 20, _ emit: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        var w = JSONBytes()
        w.raw(#"{"schemaVersion":1,"catalogVersion":"#)
        w.string(catalog.version)
        w.raw(#","name":"#)
        w.string(plan.stack.name)
        w.raw(#","components":"#)
        w.array(plan.recommendations) { w, component in
            w.raw(#"{"name":"#)
            w.string(component.name)
            w.raw(#","result":"#)
            w.recommendation(component.recommendation, catalog: catalog)
            w.raw("}")
            w.flush(into: &out)
            if out.count >= chunkSize {
                emit(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        w.raw(#","links":"#)
        w.array(plan.links) { w, link in
            w.raw(#"{"from":"#)
            w.string(link.from)
            w.raw(#","to":"#)
            w.string(link.to)
            w.raw(#","fromService":"#)
            w.string(link.fromService)
            w.raw(#","toService":"#)
            w.string(link.toService)
            w.raw(#","ways":"#)
            w.array(link.ways) { w, way in
                w.raw(#"{"id":"#)
                w.string(way.id)
                w.raw(#","kind":"#)
                w.string(way.kind)
                w.raw(#","text":"#)
                w.string(way.text)
                w.raw(#","source":"#)
                w.string(way.source)
                w.raw("}")
            }
            w.raw("}")
        }
        w.raw(#","sharing":"#)
        w.array(plan.sharing) { w, s in
            w.raw(#"{"components":"#)
            w.strings(s.components)
            w.raw(#","service":"#)
            w.string(s.service)
            w.raw(#","text":"#)
            w.string(s.text)
            w.raw("}")
        }
        w.raw(#","errors":"#)
        w.array(plan.stack.errors) { w, e in
            w.raw(#"{"component":"#)
            w.string(e.component)
            w.raw(#","error":"#)
            w.string(e.message)
            w.raw("}")
        }
        w.raw("}\n")
        w.flush(into: &out)
        emit(out)
    }

    /// A name or text from the stack file, with control characters (ESC, BEL, line breaks)
    /// shown as visible escapes: raw, they would drive the terminal or break the table.
    static func shown(_ s: String) -> String { Sanitize.forTerminal(s, limit: 200) }

    static func text(_ plan: Plan, catalog: Catalog, width: Int, style st: Style) -> String {
        var out = st.bold("Plan: \(shown(plan.stack.name))") + " · \(plan.recommendations.count) component(s)\n\n"
        let nameWidth = min(20, plan.recommendations.map { shown($0.name).count }.max() ?? 8)
        for (name, r) in plan.recommendations {
            out += "  " + pad(shown(name), nameWidth) + "  " + st.bold(r.pick.service.id) + "  (\(r.confidence.level.rawValue) confidence)\n"
            if let top = r.pick.scoreFindings.filter({ $0.weight > 0 }).max(by: { $0.weight < $1.weight }) {
                out += st.dim(wrap(top.text, width: width, indent: nameWidth + 6, firstIndent: nameWidth + 6)) + "\n"
            }
            if let config = r.pick.configuration.first {
                out += wrap("• " + config.text, width: width, indent: nameWidth + 8, firstIndent: nameWidth + 6) + "\n"
            }
        }
        if !plan.links.isEmpty {
            out += "\n" + st.bold("What joins them") + "\n"
            for link in plan.links {
                out += "  \(shown(link.from)) → \(shown(link.to)) (\(link.fromService) → \(link.toService))\n"
                if let best = link.ways.first {
                    out += wrap("\(best.kind): \(best.text)", width: width, indent: 6, firstIndent: 4) + "\n" + st.dim(wrap("source: \(best.source)", width: width, indent: 6, firstIndent: 6)) + "\n"
                    if link.ways.count > 1 { out += st.dim(wrap("also: " + link.ways.dropFirst().map { "\($0.kind) (\($0.id))" }.joined(separator: ", "), width: width, indent: 6, firstIndent: 6)) + "\n" }
                } else {
                    out += wrap("No integration in the catalog joins these two: a custom pipeline (for example AWS Lambda or AWS Glue) moves the data.", width: width, indent: 6, firstIndent: 4) + "\n"
                }
            }
        }
        if !plan.sharing.isEmpty {
            out += "\n" + st.bold("Fewer moving parts") + "\n"
            for s in plan.sharing { out += wrap("• " + Sanitize.forTerminal(s.text, limit: Int.max), width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        if !plan.stack.errors.isEmpty {
            out += "\n" + st.red("Not planned") + "\n"
            for e in plan.stack.errors { out += wrap("✗ \(shown(e.component)): \(Sanitize.forTerminal(e.message, limit: Int.max))", width: width, indent: 4, firstIndent: 2) + "\n" }
        }
        out += "\n" + st.dim("Each component's full reasoning: dbadvisor plan FILE --format json, or recommend with its answers.") + "\n"
        return out
    }

    static func markdown(_ plan: Plan, catalog: Catalog) -> String {
        func cell(_ s: String) -> String { Sanitize.forTerminal(s, limit: Int.max).replacing("|", with: "\\|") }
        var out = "# Design record: \(cell(plan.stack.name))\n\n- Decision by: dbadvisor \(toolVersion), catalog \(catalog.version)\n\n## Components\n\n"
        out += "| Component | Service | Confidence | Main reason |\n| --- | --- | --- | --- |\n"
        for (name, r) in plan.recommendations {
            let top = r.pick.scoreFindings.filter { $0.weight > 0 }.max { $0.weight < $1.weight }?.text ?? ""
            out += "| \(cell(name)) | `\(r.pick.service.id)` | \(r.confidence.level.rawValue) | \(cell(top)) |\n"
        }
        out += "\n## What joins them\n\n"
        if plan.links.isEmpty { out += "No flows were given.\n" }
        for link in plan.links {
            if let best = link.ways.first {
                out += "- **\(cell(link.from)) → \(cell(link.to))** (`\(link.fromService)` → `\(link.toService)`): \(best.text) <\(best.source)>\n"
            } else {
                out += "- **\(cell(link.from)) → \(cell(link.to))**: no integration in the catalog; a custom pipeline moves the data.\n"
            }
        }
        if !plan.sharing.isEmpty {
            out += "\n## Fewer moving parts\n\n"
            for s in plan.sharing { out += "- \(cell(s.text))\n" }
        }
        if !plan.stack.errors.isEmpty {
            out += "\n## Not planned\n\n"
            for e in plan.stack.errors { out += "- \(cell(e.component)): \(cell(e.message))\n" }
        }
        return out
    }
}
