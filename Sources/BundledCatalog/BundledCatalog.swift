import Foundation

/// The catalog that ships inside the binary, decoded from the generated `EmbeddedCatalog`.
public enum BundledCatalog {
    /// Every bundled catalog file, keyed by its path relative to `catalog/`.
    public static func files() -> [String: Data] {
        var result: [String: Data] = [:]
        for entry in EmbeddedCatalog.files {
            result[entry.path] = Data(base64Encoded: entry.base64) ?? Data()
        }
        return result
    }
}
