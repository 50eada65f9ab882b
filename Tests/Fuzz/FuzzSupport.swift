// Shared by the fuzz targets (compiled into each by Tests/Fuzz/run).
import Foundation

/// The catalog directory: DBADVISOR_CATALOG, or catalog/ in the working directory.
let fuzzCatalogDirectory = ProcessInfo.processInfo.environment["DBADVISOR_CATALOG"] ?? "catalog"

/// The real catalog, loaded once for the whole fuzzing session.
let fuzzCatalog: Catalog = {
    // AdvisorCore reads no files: the catalog's bytes are read here, as the command line does.
    var files: [String: [UInt8]] = [:]
    let root = URL(fileURLWithPath: fuzzCatalogDirectory).standardizedFileURL
    if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
        for case let url as URL in walker where url.pathExtension == "json" {
            files[String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))] = (try? Data(contentsOf: url)).map { [UInt8]($0) }
        }
    }
    do { return try Catalog.load(files: files) } catch { fatalError("fuzz: cannot load the catalog at \(fuzzCatalogDirectory): \(error)") }
}()

/// A small catalog cut from the real one (six services; of the rules that concern only them,
/// `rulesPerFile` per rules file), parsed: built from the real files, then rid of every rule or rule example that
/// names something it no longer has, until it loads with no problem. The catalog targets
/// change one of its files per execution.
let keptServices = ["aurora-postgresql", "dynamodb", "elasticache-valkey", "neptune", "qldb", "timestream-influxdb"]

/// How many rules each rules file of the small catalog keeps (its first ones):
/// DBADVISOR_FUZZ_RULES, default 2. Every execution loads the whole small catalog, and its
/// cost is mostly the rules: their references and examples are checked again on each load.
/// A rules file an input replaces is loaded whole, whatever it holds (the corpus keeps the
/// full files the earlier runs started from); only the unchanged context is smaller.
let rulesPerFile = ProcessInfo.processInfo.environment["DBADVISOR_FUZZ_RULES"].flatMap { Int($0) } ?? 2

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
    // Where services are offered: only the kept services' lists and capabilities stay.
    if var regions = files["regions.json"] {
        for section in ["services", "capabilities"] {
            let kept = (regions[section]?.arrayValue ?? []).filter { $0["service"]?.stringValue.map(keptServices.contains) ?? false }
            regions = replacing(regions, section, .array(kept))
        }
        files["regions.json"] = regions
    }
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
    for (path, json) in files where path.hasPrefix("rules/") {
        if let rules = json["rules"]?.arrayValue { files[path] = replacing(json, "rules", .array(Array(rules.prefix(rulesPerFile)))) }
    }
    for _ in 0..<20 {
        do {
            _ = try Catalog.load(paths: Set(files.keys), validated: false) { files[$0]! }
            return files
        } catch let error as CatalogError {
            // Drop each array element a problem points into (the path starts $.NAME[N]: a
            // rule, a price, anything else that names a service left out).
            var drop: [String: [String: Set<Int>]] = [:]
            for problem in error.problems {
                guard problem.path.hasPrefix("$."), let open = problem.path.firstIndex(of: "["),
                      let close = problem.path[open...].firstIndex(of: "]"),
                      let n = Int(problem.path[problem.path.index(after: open)..<close]) else {
                    fatalError("fuzz: the small catalog has a problem that is not in an array: \(problem.file) \(problem.path) \(problem.message)")
                }
                let member = String(problem.path[problem.path.index(problem.path.startIndex, offsetBy: 2)..<open])
                drop[problem.file, default: [:]][member, default: []].insert(n)
            }
            for (file, members) in drop {
                for (member, indices) in members {
                    guard let elements = files[file]?[member]?.arrayValue else { fatalError("fuzz: \(file) has no array \(member)") }
                    files[file] = replacing(files[file]!, member, .array(elements.enumerated().filter { !indices.contains($0.offset) }.map(\.element)))
                }
            }
        } catch {
            fatalError("fuzz: \(error)")
        }
    }
    fatalError("fuzz: could not cut a small catalog that loads")
}()
