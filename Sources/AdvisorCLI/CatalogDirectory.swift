import AdvisorCore
import Platform

/// A catalog directory (`--catalog DIR`) read from disk. The files are read here, by the
/// command line; AdvisorCore builds and checks the catalog from their bytes.
enum CatalogDirectory {
    /// More JSON than this under one directory is refused before it is all read.
    static let byteLimit = 64 * 1_048_576

    /// Loads every regular `.json` file under `directory` (subdirectories included).
    /// `schema`: the trusted schema's text (the bundled one); the directory's own
    /// catalog.schema.json is then not read at all.
    static func load(_ directory: String, schema: [UInt8]?) throws -> Catalog {
        guard FileSystem.kind(directory) == .directory else {
            throw CatalogError(problems: [Problem(file: directory, path: "$", message: "is not a directory")])
        }
        let root = FileSystem.absolute(directory)
        var files: [String: [UInt8]] = [:]
        var total = 0
        for relative in FileSystem.files(under: root, endingWith: ".json") where schema == nil || relative != Catalog.schemaFile {
            let data: [UInt8]
            do {
                data = try FileSystem.readFile(root + "/" + relative, limit: byteLimit - total)
            } catch is FileSystem.TooLarge {
                throw CatalogError(problems: [Problem(file: directory, path: "$", message: "holds more than 64 MB of JSON; a catalog is expected to be far smaller")])
            } catch {
                throw CatalogError(problems: [Problem(file: relative, path: "$", message: "cannot be read")])
            }
            total += data.count
            files[relative] = data
        }
        return try Catalog.load(files: files, schema: schema)
    }
}
