// Shared by the fuzz targets (compiled into each by Tests/Fuzz/run).
import Foundation

/// The catalog directory: DBADVISOR_CATALOG, or catalog/ in the working directory.
let fuzzCatalogDirectory = ProcessInfo.processInfo.environment["DBADVISOR_CATALOG"] ?? "catalog"

/// The real catalog, loaded once for the whole fuzzing session.
let fuzzCatalog: Catalog = {
    do { return try Catalog.load(directory: fuzzCatalogDirectory) } catch { fatalError("fuzz: cannot load the catalog at \(fuzzCatalogDirectory): \(error)") }
}()
