import Foundation
import PackagePlugin

/// Embeds every file under the package's `catalog/` directory into the target it is applied to,
/// so the built binary works when copied alone. `catalog/` stays the single source of truth.
@main
struct EmbedCatalog: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let catalog = context.package.directoryURL.appending(path: "catalog")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalog.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: catalog, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where url.pathExtension == "json" {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        return [
            .buildCommand(
                displayName: "Embedding catalog/ (\(inputs.count) files)",
                executable: try context.tool(named: "CatalogEmbedder").url,
                arguments: [catalog.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
