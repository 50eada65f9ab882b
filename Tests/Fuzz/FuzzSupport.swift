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
