import AdvisorCore
import Foundation

// Build-time tool: writes a Swift file that holds every JSON file under a catalog directory,
// keyed by its path relative to that directory. Base64 keeps any byte sequence a valid literal
// and compiles fast, where a large array literal would not.
/// Everything runs inside a function, so its data is released before the process ends
/// (a leak checker sees no live allocations when the embedder runs under a sanitizer).
func embed() {
    let arguments = CommandLine.arguments
    guard arguments.count == 3 else {
        FileHandle.standardError.write(Data("usage: CatalogEmbedder CATALOG_DIR OUTPUT.swift\n".utf8))
        exit(64)
    }
    let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL
    let output = URL(fileURLWithPath: arguments[2])

    // The catalog is validated here, at build time: a catalog with any problem fails the build,
    // so the binary never carries one, and it need not re-validate its own catalog at each start.
    do {
        _ = try Catalog.load(directory: root.path)
    } catch let error as CatalogError {
        var text = "error: catalog/ fails validation; \(error.problems.count) problem(s):\n"
        for problem in error.problems { text += "catalog/\(problem.file): \(problem.path): \(problem.message)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        exit(65)
    } catch {
        FileHandle.standardError.write(Data("error: catalog/ cannot be read: \(error)\n".utf8))
        exit(66)
    }

    var files: [(String, Data)] = []
    if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
        for case let url as URL in walker where url.pathExtension == "json" {
            let full = url.standardizedFileURL.path
            let relative = String(full.dropFirst(root.path.count + 1))
            do {
                files.append((relative, try Data(contentsOf: url)))
            } catch {
                FileHandle.standardError.write(Data("CatalogEmbedder: cannot read \(full): \(error)\n".utf8))
                exit(66)
            }
        }
    }
    files.sort { $0.0 < $1.0 }

    var source = """
    // Generated at build time from catalog/ by the EmbedCatalog plugin. Do not edit.

    /// The catalog files compiled into this binary: path relative to catalog/, then base64 contents.
    public enum EmbeddedCatalog {
        public static let files: [(path: String, base64: String)] = [

    """
    for (path, data) in files {
        let escaped = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        source += "        (\"\(escaped)\", \"\(data.base64EncodedString())\"),\n"
    }
    source += "    ]\n}\n"
    do {
        try Data(source.utf8).write(to: output, options: .atomic)
    } catch {
        FileHandle.standardError.write(Data("CatalogEmbedder: cannot write \(output.path): \(error)\n".utf8))
        exit(74)
    }
}

embed()
