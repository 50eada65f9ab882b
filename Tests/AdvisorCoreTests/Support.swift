import AdvisorCore
import Foundation

/// The package's own catalog/ directory, the single source of truth the tests read.
let catalogDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("catalog").path

/// The bytes of every `.json` file under `directory`, by path relative to it. AdvisorCore reads
/// no files: the tests read them here (the command line reads them with its Platform target).
func catalogFiles(in directory: String) throws -> [String: [UInt8]] {
    let root = URL(fileURLWithPath: directory).standardizedFileURL
    var files: [String: [UInt8]] = [:]
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
    for case let url as URL in walker where url.pathExtension == "json" {
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        let full = url.standardizedFileURL.path
        files[String(full.dropFirst(root.path.count + 1))] = [UInt8](try Data(contentsOf: url))
    }
    return files
}

/// The catalog in `directory`, validated against its own schema.
func loadCatalog(directory: String) throws -> Catalog {
    try Catalog.load(files: catalogFiles(in: directory))
}

/// Loaded once: every test reads the same catalog.
let sharedCatalog: Catalog = {
    do { return try loadCatalog(directory: catalogDirectory) } catch {
        fatalError("the catalog in \(catalogDirectory) does not load: \(error)")
    }
}()

/// Every `stride`-th profile of the lint sweep over the shared catalog.
func sweptProfiles(stride: Int) -> [Profile] {
    var out: [Profile] = []
    var k = 0
    Sweep(catalog: sharedCatalog).forEachProfile { p in
        if k % stride == 0 { out.append(p) }
        k += 1
    }
    return out
}

/// A profile parsed from a JSON object literal in a test.
func profile(_ json: String) -> Profile {
    guard let parsed = try? JSONParser.parse(json), case let .success((p, _)) = sharedCatalog.parseProfile(parsed) else {
        fatalError("bad test profile \(json)")
    }
    return p
}
