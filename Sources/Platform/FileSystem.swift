#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files and directories: the few operating-system services dbadvisor needs, on the C library
/// directly (Glibc on Linux, Darwin on macOS; the calls used are POSIX and exist in both). The binary
/// does not link Foundation: loading Foundation and ICU is most of a Swift program's start-up
/// on Linux, longer than everything dbadvisor itself does to answer.
public enum FileSystem {
    public enum Kind: Sendable { case missing, directory, file }

    /// Why a file could not be read or written: the C library's message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// What is at `path`, following symbolic links.
    public static func kind(_ path: String) -> Kind {
        var status = stat()
        guard stat(path, &status) == 0 else { return .missing }
        return (status.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }

    /// Every byte readable from `fd` until end of input; more than `limit` bytes is `tooLarge`.
    public static func readAll(_ fd: Int32, limit: Int) throws -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(code: errno)
            }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
            if data.count > limit { throw TooLarge(limit: limit) }
        }
    }

    public struct TooLarge: Error, Sendable { public var limit: Int }

    /// The whole file at `path`.
    public static func readFile(_ path: String, limit: Int = 256 * 1_048_576) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw Failure(code: errno) }
        defer { close(fd) }
        return try readAll(fd, limit: limit)
    }

    /// Writes `bytes` to `path` so that a reader never sees half a file and a failure (a full
    /// disk, a read-only directory) leaves the old file as it was:
    /// - a symbolic link is followed, and its target replaced (the link stays a link);
    /// - a regular file is replaced by a temporary file beside it, created with
    ///   O_EXCL|O_NOFOLLOW|O_CLOEXEC under a random name that fits NAME_MAX whatever the
    ///   target's name, given the old file's mode and owner, written, fsynced, renamed over
    ///   the target, and the directory fsynced;
    /// - anything else that exists (a character device such as /dev/null, a FIFO) is never
    ///   replaced: it is opened and written to, as a shell's `>` would; a directory is refused.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        // What the path names, links followed by the kernel: this also sees through the
        // /proc/self/fd links behind /dev/stdout, whose text ("pipe:[1234]") names no file.
        var status = stat()
        let target: String
        let exists: Bool
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw Failure(code: EISDIR)
            default:
                try writeInPlace(bytes, to: path)
                return
            }
            exists = true
            target = try resolvingLinks(path)
        } else if errno == ENOENT {
            // Nothing there, or a link to a file still to be created: the file is made where
            // the link points.
            exists = false
            target = try resolvingLinks(path)
        } else {
            throw Failure(code: errno)
        }
        let directory: String
        if let slash = target.utf8.lastIndex(of: UInt8(ascii: "/")) {
            let prefix = String(target[..<slash])
            directory = prefix.isEmpty ? "/" : prefix
        } else {
            directory = "."
        }
        // 1 + 9 + 16 + 4 = 30 bytes: well inside NAME_MAX (255) for any target name.
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            let random = String(UInt64.random(in: .min ... .max), radix: 16)
            temporary = directory + "/.dbadvisor" + String(repeating: "0", count: 16 - random.count) + random + ".tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        if fd < 0 { throw Failure(code: errno) }
        func fail(_ code: Int32) -> Failure {
            close(fd)
            unlink(temporary)
            return Failure(code: code)
        }
        if exists {
            // The owner first: changing it clears set-id bits, which the mode then restores.
            if status.st_uid != geteuid() || status.st_gid != getegid() {
                if fchown(fd, status.st_uid, status.st_gid) != 0 { throw fail(errno) }
            }
            if fchmod(fd, status.st_mode & 0o7777) != 0 { throw fail(errno) }
        }
        if let code = writeAll(fd, bytes) { throw fail(code) }
        if fsync(fd) != 0 { throw fail(errno) }
        if close(fd) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(code: code)
        }
        if rename(temporary, target) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(code: code)
        }
        // The rename itself is durable once the directory is.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            let synced = fsync(dirFD) == 0 || errno == EINVAL
            let code = errno
            close(dirFD)
            if !synced { throw Failure(code: code) }
        }
    }

    /// Writes to something that is not a regular file (a device, a FIFO) without replacing it.
    static func writeInPlace(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        if fd < 0 { throw Failure(code: errno) }
        if let code = writeAll(fd, bytes) {
            close(fd)
            throw Failure(code: code)
        }
        // A device or a FIFO may not support fsync (EINVAL): there is nothing to make durable.
        if fsync(fd) != 0, errno != EINVAL, errno != EROFS {
            let code = errno
            close(fd)
            throw Failure(code: code)
        }
        if close(fd) != 0 { throw Failure(code: errno) }
    }

    /// Every byte of `bytes` to `fd`, retried after EINTR and short writes; the errno of a
    /// failed write (EPIPE included), or nil. The one write loop: files and standard output.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }

    /// `path` with symbolic links followed, as far as they lead (a link to a file that does
    /// not exist yet resolves to that file's path). More than 40 links is ELOOP, as the kernel's limit.
    static func resolvingLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            if n < 0 { throw Failure(code: errno) }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.utf8.lastIndex(of: UInt8(ascii: "/")) {
                current = String(current[...slash]) + link
            } else {
                current = link
            }
        }
        throw Failure(code: ELOOP)
    }

    /// The regular files under `root` whose names end in `suffix`, as paths relative to
    /// `root`, in sorted order, descending into subdirectories (not into symbolic links to them).
    public static func files(under root: String, endingWith suffix: String) -> [String] {
        var out: [String] = []
        func walk(_ relative: String) {
            let path = relative.isEmpty ? root : root + "/" + relative
            guard let dir = opendir(path) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                var status = stat()
                guard lstat(root + "/" + child, &status) == 0 else { continue }
                if (status.st_mode & S_IFMT) == S_IFDIR {
                    walk(child)
                } else if name.hasSuffix(suffix), stat(root + "/" + child, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
                    // Regular files only (a link to one counts): reading a FIFO or a device
                    // named *.json would block or never end.
                    out.append(child)
                }
            }
        }
        walk("")
        return out.sorted()
    }

    /// Makes `path` and any missing parents (mode 0700: the user's own data), as `mkdir -p`.
    public static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw Failure(code: errno) }
        }
        guard kind(path) == .directory else { throw Failure(code: ENOTDIR) }
    }

    /// The absolute path with links resolved, or `path` itself when it cannot be resolved.
    public static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// The C library's read(2), named so that it cannot be taken for a method called `read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
