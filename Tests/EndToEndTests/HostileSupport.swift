import Foundation
import Testing

// Issue 17, second round: hostile input by class (HostileSave, HostileCatalog, HostilePlan,
// HostileInput2 tests). Each suite covers one class at its root, through the built binary.

/// A fresh temporary directory, removed by the caller's `defer`.
func scratch(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs `script` with /bin/sh, the binary in $BIN: for what a Process cannot set up itself
/// (a closed stdin, a private mount namespace, a time limit).
func shell(_ script: String, bin: String, cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
    try runBinary("/bin/sh", ["-c", script, "sh", bin], cwd: cwd)
}

func fileType(_ path: String) -> FileAttributeType? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
}

var isRoot: Bool { getuid() == 0 }

