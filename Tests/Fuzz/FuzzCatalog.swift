// libFuzzer target: catalog loading and validation (what `lint` and `--catalog` run). The
// input replaces one file, chosen by its first byte, of a small catalog cut from the real one
// (six services, the rules and examples that concern only them), so that each execution is
// a whole load (schema, references, rule examples) plus an engine over the result, in about
// a millisecond rather than the tens the full catalog takes under the sanitizer.
import Foundation

let keptServices = ["aurora-postgresql", "dynamodb", "elasticache-valkey", "neptune", "qldb", "timestream-influxdb"]

/// The small catalog, parsed: built from the real files, then rid of every rule or rule
/// example that names something it no longer has, until it loads with no problem.
let smallCatalog: [String: JSON] = {
    let dir = URL(fileURLWithPath: fuzzCatalogDirectory)
    var files: [String: JSON] = [:]
    let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
    while let url = walker?.nextObject() as? URL {
        guard url.pathExtension == "json", let data = try? Data(contentsOf: url), let json = try? JSONParser.parse(data) else { continue }
        let path = String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))
        if path.hasPrefix("services/"), !keptServices.contains(where: { path == "services/\($0).json" }) { continue }
        files[path] = json
    }
    func replacing(_ json: JSON, _ key: String, _ value: JSON) -> JSON {
        .object((json.objectValue ?? []).map { $0.0 == key ? ($0.0, value) : $0 })
    }
    let manifest = files[Catalog.manifestFile]!
    files[Catalog.manifestFile] = replacing(manifest, "services", .array(keptServices.map(JSON.string)))
    if let links = files[Catalog.integrationsFile]?["links"]?.arrayValue {
        // Each side keeps the services still there (and "*", any service); a link left with
        // an empty side goes.
        let kept: [JSON] = links.compactMap { link in
            var out = link
            for side in ["from", "to"] {
                let ids = (link[side]?.arrayValue ?? []).filter { $0.stringValue == "*" || ($0.stringValue.map(keptServices.contains) ?? false) }
                if ids.isEmpty { return nil }
                out = replacing(out, side, .array(ids))
            }
            return out
        }
        files[Catalog.integrationsFile] = replacing(files[Catalog.integrationsFile]!, "links", .array(kept))
    }
    for _ in 0..<20 {
        do {
            _ = try Catalog.load(paths: Set(files.keys), validated: false) { files[$0]! }
            return files
        } catch let error as CatalogError {
            // Drop each rule a problem points into (the path starts $.rules[N]).
            var drop: [String: Set<Int>] = [:]
            for problem in error.problems {
                guard problem.path.hasPrefix("$.rules["), let end = problem.path.firstIndex(of: "]"),
                      let n = Int(problem.path[problem.path.index(problem.path.startIndex, offsetBy: 8)..<end]) else {
                    fatalError("fuzz: the small catalog has a problem that is not a rule's: \(problem.file) \(problem.path) \(problem.message)")
                }
                drop[problem.file, default: []].insert(n)
            }
            for (file, indices) in drop {
                let rules = files[file]!["rules"]!.arrayValue!.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
                files[file] = replacing(files[file]!, "rules", .array(rules))
            }
        } catch {
            fatalError("fuzz: \(error)")
        }
    }
    fatalError("fuzz: could not cut a small catalog that loads")
}()
let names = smallCatalog.keys.sorted()
let schemaFree = Set(names).subtracting([Catalog.schemaFile])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let changed = names[Int(data[0]) % names.count]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let loaded = try? Catalog.load(paths: Set(names), validated: false, trusted: schemaFree.subtracting([changed])) { path in
        if path == changed { return try JSONParser.parse(bytes) }
        return smallCatalog[path]!
    }
    if let catalog = loaded {
        let engine = Engine(catalog: catalog)
        _ = engine.recommend(Profile(answers: ["data-shape": .choice("key-value"), "throughput": .rate(RequestRate(perSecond: 50_000))]), withWhatIf: true)
    }
    return 0
}

/// The small catalog's files, for the seed corpus: `fuzz-catalog -write_seeds=DIR` (handled
/// before libFuzzer starts) writes each with its selecting first byte.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    for i in 0..<Int(argc.pointee) {
        guard let arg = argv.pointee[i].map({ String(cString: $0) }), arg.hasPrefix("-write_seeds=") else { continue }
        let dir = String(arg.dropFirst("-write_seeds=".count))
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (n, name) in names.enumerated() {
            let body = Data([UInt8(n)]) + Data(smallCatalog[name]!.prettyText().utf8)
            FileManager.default.createFile(atPath: "\(dir)/seed-\(n)", contents: body)
        }
        _exit(0)  // not exit(): libFuzzer reports an exit() during its run as a failure
    }
    return 0
}
