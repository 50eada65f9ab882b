import Foundation
import Testing

// MARK: 1. Writing a user's file (ask --save; ask --plan writes its stack the same way)

@Suite(.serialized) struct SaveFileTests {
    /// The answers a piped questionnaire gives; enough for `ask --save` to write a file.
    let answers = "relational\n"

    @Test func aSymlinkIsFollowedAndItsTargetReplaced() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-link")
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("real.json").path
        let link = dir.appendingPathComponent("link.json").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
        let r = try runBinary(bin, ["ask", "--save", link], stdin: answers)
        #expect(r.status == 0, "\(r.err)")
        #expect(fileType(link) == .typeSymbolicLink, "the link was replaced by a file")
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains(#""data-shape": "relational""#))
    }

    @Test func anExistingFileKeepsItsModeAndOwner() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-mode")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("answers.json").path
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o640) == 0)
        if isRoot { #expect(chown(path, 1234, 4321) == 0) }
        let r = try runBinary(bin, ["ask", "--save", path], stdin: answers)
        #expect(r.status == 0, "\(r.err)")
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o640)
        if isRoot { #expect(status.st_uid == 1234 && status.st_gid == 4321) }
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("relational"))
    }

    /// A character device is written to, never replaced by a regular file. Device nodes made
    /// with mknod in a temporary directory: the real /dev/null and /dev/full are never touched.
    @Test func aDeviceIsWrittenToNotReplaced() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-device")
        defer { try? FileManager.default.removeItem(at: dir) }
        let null = dir.appendingPathComponent("null").path, full = dir.appendingPathComponent("full").path
        // mknod needs root (or CAP_MKNOD); without it there is nothing to test here.
        guard isRoot, try runBinary("/usr/bin/mknod", [null, "c", "1", "3"]).status == 0,
              try runBinary("/usr/bin/mknod", [full, "c", "1", "7"]).status == 0 else { return }
        let toNull = try runBinary(bin, ["ask", "--save", null], stdin: answers)
        #expect(toNull.status == 0, "\(toNull.err)")
        #expect(fileType(null) == .typeCharacterSpecial, "the device node was replaced")
        let toFull = try runBinary(bin, ["ask", "--save", full], stdin: answers)
        #expect(toFull.status == 74 && toFull.err.contains("No space left on device"), "\(toFull.err)")
        #expect(fileType(full) == .typeCharacterSpecial, "the device node was replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["full", "null"], "a temporary file was left behind")
    }

    @Test func aDirectoryIsRefused() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-dir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runBinary(bin, ["ask", "--save", dir.path], stdin: answers)
        #expect(r.status == 74 && r.err.contains("Is a directory"), "\(r.err)")
        #expect(fileType(dir.path) == .typeDirectory)
    }

    /// The temporary file's name fits NAME_MAX whatever the target's: a valid 254-byte name
    /// works, and nothing is left beside it.
    @Test func aLongValidNameWorksAndNoTemporaryFileIsLeft() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-long")
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = String(repeating: "a", count: 249) + ".json"
        #expect(name.utf8.count == 254)
        let r = try runBinary(bin, ["ask", "--save", dir.appendingPathComponent(name).path], stdin: answers)
        #expect(r.status == 0, "\(r.err)")
        let again = try runBinary(bin, ["ask", "--save", dir.appendingPathComponent(name).path], stdin: answers)
        #expect(again.status == 0, "\(again.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [name])
    }

    /// A full disk and a read-only directory (each in a private mount namespace): exit 74,
    /// the old file intact, no temporary file left.
    @Test func aFullDiskOrReadOnlyDirectoryLeavesTheOldFile() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        guard isRoot, (try? runBinary("/usr/bin/unshare", ["-m", "true"]))?.status == 0 else { return }
        let dir = try scratch("save-full")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            set -u
            mount -t tmpfs -o size=64k tmpfs m || exit 99
            echo old > m/a.json
            dd if=/dev/zero of=m/fill bs=4k count=64 2>/dev/null
            echo relational | "$1" ask --save m/a.json >/dev/null 2>err; echo "full $?"; cat err
            cat m/a.json; ls -a m | tr '\\n' ' '; echo
            rm m/fill; mount -o remount,ro m
            echo relational | "$1" ask --save m/a.json >/dev/null 2>err; echo "ro $?"; cat err
            cat m/a.json; ls -a m | tr '\\n' ' '; echo
            """
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("m"), withIntermediateDirectories: true)
        let r = try runBinary("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script, "sh", bin], cwd: dir.path)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "\(r.out)")
        guard lines.count == 8 else { return }
        #expect(lines[0] == "full 74" && lines[1].contains("No space left on device"), "\(r.out)")
        #expect(lines[2] == "old" && lines[3] == ". .. a.json fill ", "\(r.out)")
        #expect(lines[4] == "ro 74" && lines[5].contains("Read-only file system"), "\(r.out)")
        #expect(lines[6] == "old" && lines[7] == ". .. a.json ", "\(r.out)")
    }

    /// The system calls, as strace sees them: the temporary file opened exclusively, never
    /// through a link, close-on-exec, under a random name; fsynced; renamed; the directory fsynced.
    @Test func theTemporaryFileIsExclusiveAndEverythingIsFsynced() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else { return }
        let dir = try scratch("save-trace")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("trace").path, target = dir.appendingPathComponent("a.json").path
        let r = try runBinary("/usr/bin/strace", ["-e", "trace=openat,fsync,rename,renameat,renameat2", "-o", trace, bin, "ask", "--save", target], stdin: answers)
        guard r.status == 0, let text = try? String(contentsOfFile: trace, encoding: .utf8) else { return } // ptrace not allowed here
        let calls = text.split(separator: "\n").filter { $0.contains(dir.lastPathComponent) || $0.hasPrefix("fsync") }
        #expect(calls.count == 5, "\(calls)")
        guard calls.count == 5 else { return }
        #expect(calls[0].contains("O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC") && calls[0].contains("/.dbadvisor") && calls[0].contains(".tmp\""), "\(calls[0])")
        #expect(calls[1].hasPrefix("fsync("))
        #expect(calls[2].hasPrefix("rename(") && calls[2].contains("a.json"))
        #expect(calls[3].contains("O_DIRECTORY"))
        #expect(calls[4].hasPrefix("fsync("))
        let first = try runBinary("/usr/bin/strace", ["-e", "trace=openat", "-o", trace, bin, "ask", "--save", target], stdin: answers)
        #expect(first.status == 0)
        let second = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").first { $0.contains("O_EXCL") }
        #expect(second != nil && second != calls[0], "the temporary name is the same from run to run")
    }

    /// The path is echoed ("Answers saved to ...") with its control characters escaped.
    @Test func theEchoedPathIsEscaped() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-echo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runBinary(bin, ["ask", "--save", dir.appendingPathComponent("a\u{1B}[31m\u{07}.json").path], stdin: answers)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains(#"a\u{1b}[31m\u{7}.json"#) && !r.out.contains("\u{1B}") && !r.out.contains("\u{07}"), "\(r.out.suffix(200))")
    }

    /// A link to /proc/self/fd/1 (what /dev/stdout is) reaches the pipe behind it: the answers
    /// are written to it, and the link is left alone. (The real /dev/stdout is not used: a
    /// binary that replaced its target would replace a file in /dev.)
    @Test func aLinkToStandardOutputWritesToThePipe() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("save-stdout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("stdout").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/fd/1")
        let r = try runBinary(bin, ["ask", "--save", link, "--format", "json"], stdin: answers)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("{\n  \"data-shape\": \"relational\""), "\(r.out.prefix(200))")
        #expect(fileType(link) == .typeSymbolicLink)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["stdout"])
    }
}
