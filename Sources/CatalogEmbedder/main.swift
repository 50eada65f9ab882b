import AdvisorCore
import Foundation

// Build-time tool: writes a Swift file that holds every JSON file under a catalog directory,
// keyed by its path relative to that directory.
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

    // The catalog is validated here, at build time, from the very bytes that are embedded: a
    // catalog with any problem fails the build, so the binary never carries one, and it need
    // not re-validate its own catalog at each start.
    let catalog: Catalog
    do {
        var bytes: [String: [UInt8]] = [:]
        for (path, data) in files { bytes[path] = [UInt8](data) }
        catalog = try Catalog.load(files: bytes)
    } catch let error as CatalogError {
        var text = "error: catalog/ fails validation; \(error.problems.count) problem(s):\n"
        for problem in error.problems { text += "catalog/\(problem.file): \(problem.path): \(problem.message)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        exit(65)
    } catch {
        FileHandle.standardError.write(Data("error: catalog/ cannot be read: \(error)\n".utf8))
        exit(66)
    }

    // Each file is embedded minified (same JSON, no layout), as a raw string literal: the
    // compiler stores its UTF-8 in the binary as is, so nothing is decoded at start-up.
    var source = """
    // Generated at build time from catalog/ by the EmbedCatalog plugin. Do not edit.

    /// The catalog files compiled into this binary: path relative to catalog/, then the file's
    /// JSON with its layout removed (catalog/ is the source of truth; this is a copy of it).
    public enum EmbeddedCatalog {
        public static let files: [(path: String, json: String)] = [

    """
    for (path, data) in files {
        let json: JSON
        do {
            json = try JSONParser.parse(data)
        } catch {
            FileHandle.standardError.write(Data("CatalogEmbedder: \(path): \(error)\n".utf8))
            exit(65)
        }
        // The embedded text (what `lint` and `schema` read) and the file (what the catalog
        // in the snapshot every other command reads is loaded from) must hold the same values
        // bit for bit: a number the compact writer would round fails the build here, naming
        // the file.
        let compact = json.compactText()
        guard let reparsed = try? JSONParser.parse(compact),
              CatalogDump.differences(CatalogDump.lines(reparsed), CatalogDump.lines(json), limit: 1).isEmpty else {
            FileHandle.standardError.write(Data("error: catalog/\(path): a value does not survive the compact JSON text exactly (a number with more digits than the writer keeps?)\n".utf8))
            exit(65)
        }
        source += "        (\(rawLiteral(path)), \(rawLiteral(compact))),\n"
    }
    source += "    ]\n"

    // The catalog just loaded and validated, written as the typed snapshot the binary loads
    // at start-up (`Catalog.load(snapshot:)`: no JSON text read, nothing validated again; see
    // CatalogSnapshot.swift). It is checked here: decoded, it must be the very catalog it was
    // written from, every stored property (`CatalogDump`), and written again the same bytes;
    // else the build fails, naming the first properties that differ.
    let snapshot = CatalogSnapshot.encode(catalog: catalog)
    if snapshot.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
        FileHandle.standardError.write(Data("error: the typed catalog snapshot holds a control character, which a one-line literal cannot carry\n".utf8))
        exit(70)
    }
    do {
        let decoded = try Catalog.load(snapshot: snapshot)
        let differences = CatalogDump.differences(CatalogDump.lines(catalog), CatalogDump.lines(decoded))
        guard differences.isEmpty else {
            let text = "error: the typed catalog snapshot does not decode to the catalog loaded from catalog/:\n"
                + differences.map { "  \($0)\n" }.joined()
            FileHandle.standardError.write(Data(text.utf8))
            exit(70)
        }
        guard CatalogSnapshot.encode(catalog: decoded).utf8.elementsEqual(snapshot.utf8) else {
            FileHandle.standardError.write(Data("error: the typed catalog snapshot, decoded and written again, gives other bytes\n".utf8))
            exit(70)
        }
    } catch {
        FileHandle.standardError.write(Data("error: the typed catalog snapshot cannot be read back: \(error)\n".utf8))
        exit(70)
    }
    source += """

        /// The catalog, loaded and validated from these files at build time, as a typed
        /// snapshot (see CatalogSnapshot.swift), which the binary loads at start-up.
        public static let snapshot: String = \(rawLiteral(snapshot))
    }

    """
    do {
        try Data(source.utf8).write(to: output, options: .atomic)
    } catch {
        FileHandle.standardError.write(Data("CatalogEmbedder: cannot write \(output.path): \(error)\n".utf8))
        exit(74)
    }
}

/// A Swift raw string literal holding `text` exactly: enough `#` that no `"#…` or `\#…` inside
/// it can end the literal or start an escape. `text` has no line break (minified JSON escapes them).
func rawLiteral(_ text: String) -> String {
    var longest = 0, run = 0, counting = false
    for c in text.unicodeScalars {
        if c == "#" && counting { run += 1; longest = max(longest, run) }
        else { counting = c == "\"" || c == "\\"; run = 0 }
    }
    let hashes = String(repeating: "#", count: longest + 1)
    return hashes + "\"" + text + "\"" + hashes
}

embed()
