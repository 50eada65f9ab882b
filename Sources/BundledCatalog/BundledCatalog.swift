/// The catalog that ships inside the binary, read from the generated `EmbeddedCatalog`.
public enum BundledCatalog {
    /// The text of every bundled catalog file (minified JSON), keyed by its path relative to `catalog/`.
    public static func texts() -> [String: String] {
        var result: [String: String] = [:]
        for entry in EmbeddedCatalog.files { result[entry.path] = entry.json }
        return result
    }

    /// The bundled catalog, loaded and validated from its files at build time, as a typed
    /// snapshot (CatalogSnapshot.swift), which `Catalog.load(snapshot:)` reads back into the
    /// catalog's types without reading JSON text.
    public static var snapshot: String { EmbeddedCatalog.snapshot }

    /// Every bundled catalog file, keyed by its path relative to `catalog/`.
    public static func files() -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for entry in EmbeddedCatalog.files {
            result[entry.path] = Array(entry.json.utf8)
        }
        return result
    }
}
