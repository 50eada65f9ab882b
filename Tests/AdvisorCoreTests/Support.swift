import AdvisorCore
import Foundation

/// The package's own catalog/ directory, the single source of truth the tests read.
let catalogDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("catalog").path

/// Loaded once: every test reads the same catalog.
let sharedCatalog: Catalog = {
    do { return try Catalog.load(directory: catalogDirectory) } catch {
        fatalError("the catalog in \(catalogDirectory) does not load: \(error)")
    }
}()

/// A profile parsed from a JSON object literal in a test.
func profile(_ json: String) -> Profile {
    guard let parsed = try? JSONParser.parse(json), case let .success((p, _)) = sharedCatalog.parseProfile(parsed) else {
        fatalError("bad test profile \(json)")
    }
    return p
}
