#if canImport(Glibc)
import Glibc
#endif

/// The few operating-system services dbadvisor needs, on the C library directly. The binary
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
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
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

    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a
    /// reader never sees half a file.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw Failure(code: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw Failure(code: code)
            }
            offset += n
        }
        if close(fd) != 0 || rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(code: code)
        }
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

    /// The absolute path with links resolved, or `path` itself when it cannot be resolved.
    public static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Seconds on a clock that only moves forward, for durations.
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

extension StringProtocol {
    /// Without leading and trailing white space of any kind (spaces, tabs, line breaks, and
    /// the other Unicode white space characters).
    public var trimmedWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
