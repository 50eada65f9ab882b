import Foundation
import Platform
import Testing

@Suite struct FileSystemTests {
    /// A catalog directory is walked for regular *.json files only: a FIFO or a directory
    /// named like one would block a read or make no sense.
    @Test func walksRegularJSONFilesOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-fs-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/sub/dir.json", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/b.json", contents: Data("{}".utf8))
        FileManager.default.createFile(atPath: root + "/sub/a.json", contents: Data("[]".utf8))
        FileManager.default.createFile(atPath: root + "/notes.txt", contents: Data())
        #expect(mkfifo(root + "/pipe.json", 0o600) == 0)
        #expect(FileSystem.files(under: root, endingWith: ".json") == ["b.json", "sub/a.json"])
        #expect(FileSystem.kind(root + "/sub") == .directory)
        #expect(FileSystem.kind(root + "/missing") == .missing)
        #expect(try FileSystem.readFile(root + "/sub/a.json") == Array("[]".utf8))
        try FileSystem.writeAtomically(Array("x".utf8), to: root + "/w.txt")
        #expect(try FileSystem.readFile(root + "/w.txt") == Array("x".utf8))
        #expect(throws: FileSystem.TooLarge.self) { try FileSystem.readFile(root + "/b.json", limit: 1) }
    }
}
