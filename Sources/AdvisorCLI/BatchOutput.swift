import AdvisorCore
#if canImport(Glibc)
import Glibc
#endif

extension Batch {
    /// The output for one workload shape (without any id), in memory the queue can point at
    /// until it is written: a fleet repeats shapes, and a repeated answer is never copied.
    final class Rendered {
        let bytes: UnsafeMutableRawBufferPointer

        init(_ source: UnsafeRawBufferPointer) {
            bytes = .allocate(byteCount: source.count, alignment: 1)
            bytes.copyMemory(from: source)
        }

        init(_ source: [UInt8]) {
            bytes = .allocate(byteCount: source.count, alignment: 1)
            source.withUnsafeBytes { bytes.copyMemory(from: $0) }
        }

        deinit { bytes.deallocate() }
    }

    /// Output waiting to be written: small pieces copied into an arena, rendered answers
    /// referenced where they lie, all written with writev when enough has gathered (or before
    /// the input is read again). Without a real descriptor (tests), the pieces are joined and
    /// handed to `IO.writeOut`.
    final class OutputQueue {
        private let fd: Int32?
        private let fallback: (String) throws -> Void
        private let arena: UnsafeMutableRawPointer
        private let arenaCapacity = 1 << 16
        private var arenaUsed = 0
        private var pieces: [iovec] = []
        /// The rendered answers the pending pieces point into, kept alive until written.
        private var held: [Rendered] = []
        private(set) var pendingBytes = 0
        /// Fewer than IOV_MAX (1,024 on Linux), the most one writev takes.
        private let maxPieces = 1_000

        init(fd: Int32?, fallback: @escaping (String) throws -> Void) {
            self.fd = fd
            self.fallback = fallback
            arena = .allocate(byteCount: arenaCapacity, alignment: 16)
            pieces.reserveCapacity(maxPieces)
        }

        deinit { arena.deallocate() }

        /// Queues a copy of `bytes`.
        func append(_ bytes: UnsafeRawBufferPointer) throws {
            guard bytes.count > 0 else { return }
            if bytes.count > arenaCapacity - arenaUsed || pieces.count >= maxPieces { try flush() }
            if bytes.count > arenaCapacity {
                // Larger than the arena (a long error message): queued as a rendered piece.
                try append(Rendered(bytes), from: 0)
                return
            }
            let destination = arena + arenaUsed
            destination.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            arenaUsed += bytes.count
            pendingBytes += bytes.count
            // A piece that follows the previous one in the arena extends it.
            if let last = pieces.last, last.iov_base == UnsafeMutableRawPointer(destination - last.iov_len) {
                pieces[pieces.count - 1].iov_len += bytes.count
            } else {
                pieces.append(iovec(iov_base: destination, iov_len: bytes.count))
            }
        }

        func append(_ text: String) throws {
            var text = text
            try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
        }

        func append(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try append($0) }
        }

        /// Queues `rendered` from byte `offset` on, without copying it.
        func append(_ rendered: Rendered, from offset: Int) throws {
            guard offset < rendered.bytes.count else { return }
            if pieces.count >= maxPieces { try flush() }
            held.append(rendered)
            pieces.append(iovec(iov_base: rendered.bytes.baseAddress! + offset, iov_len: rendered.bytes.count - offset))
            pendingBytes += rendered.bytes.count - offset
        }

        /// Writes everything queued. A failed write throws `WriteError` (EPIPE, ENOSPC...).
        func flush() throws {
            defer {
                pieces.removeAll(keepingCapacity: true)
                held.removeAll(keepingCapacity: true)
                arenaUsed = 0
                pendingBytes = 0
            }
            guard !pieces.isEmpty else { return }
            guard let fd else {
                var joined: [UInt8] = []
                joined.reserveCapacity(pendingBytes)
                for piece in pieces {
                    joined.append(contentsOf: UnsafeRawBufferPointer(start: piece.iov_base, count: piece.iov_len))
                }
                try fallback(String(decoding: joined, as: UTF8.self))
                return
            }
            var start = 0
            while start < pieces.count {
                let n = pieces.withUnsafeBufferPointer { all in
                    writev(fd, all.baseAddress! + start, Int32(min(all.count - start, maxPieces)))
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(code: errno)
                }
                // Skip what was written: whole pieces, then part of one.
                var written = n
                while start < pieces.count, written >= pieces[start].iov_len {
                    written -= pieces[start].iov_len
                    start += 1
                }
                if written > 0 {
                    pieces[start].iov_base += written
                    pieces[start].iov_len -= written
                }
            }
        }
    }

    /// Where a line's top-level "id" value lies, found by a scan that builds nothing; the
    /// line's other bytes, with that place, are the key under which an answer is reused.
    struct LineKey: Hashable {
        /// The line without the id's value.
        var rest: [UInt8]
        /// Where the id's value was cut out (-1: the line has no id).
        var idOffset: Int
    }

    /// Scans a line that may be a JSON object: its key, and the id's text when it is a plain
    /// string (printable ASCII, no escape), which is then exactly the id's output form. Nil
    /// when the line is not that simple; such a line is parsed in full.
    ///
    /// A key is only ever looked up, never trusted: an answer is stored under it only after
    /// the line was parsed and validated in full, and a later line with the same key has the
    /// same bytes around a well-formed id, so it is the same valid profile.
    static func scan(_ line: UnsafeRawBufferPointer) -> (key: LineKey, id: Range<Int>?)? {
        let count = line.count
        var i = 0
        func skipSpace() { while i < count, line[i] == 0x20 || line[i] == 0x09 { i += 1 } }
        /// Moves past a string starting at i (a quote); false if it does not end.
        func skipString() -> Bool {
            i += 1
            while i < count {
                let b = line[i]
                if b == UInt8(ascii: "\\") { i += 2; continue }
                i += 1
                if b == UInt8(ascii: "\"") { return true }
            }
            return false
        }
        skipSpace()
        guard i < count, line[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var id: Range<Int>? = nil
        while true {
            skipSpace()
            guard i < count, line[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i
            guard skipString() else { return nil }
            let isID = i - keyStart == 4 && line[keyStart + 1] == UInt8(ascii: "i") && line[keyStart + 2] == UInt8(ascii: "d")
            skipSpace()
            guard i < count, line[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < count else { return nil }
            let valueStart = i
            // A value: a string, or anything up to the next separator at this depth.
            var depth = 0
            while i < count {
                let b = line[i]
                if b == UInt8(ascii: "\"") {
                    guard skipString() else { return nil }
                    if depth == 0 { break }
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                    if depth == 0 { i += 1; break }
                } else if depth == 0, b == UInt8(ascii: ",") || b == 0x20 || b == 0x09 { break }
                i += 1
            }
            if isID {
                guard id == nil else { return nil }
                // Plain: a quote, printable ASCII without quote or backslash, a quote.
                guard i - valueStart >= 2, line[valueStart] == UInt8(ascii: "\""), line[i - 1] == UInt8(ascii: "\"") else { return nil }
                for k in valueStart + 1..<i - 1 {
                    let b = line[k]
                    guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\"), b != UInt8(ascii: "\"") else { return nil }
                }
                id = valueStart..<i
            }
            skipSpace()
            guard i < count else { return nil }
            if line[i] == UInt8(ascii: ",") { i += 1; continue }
            guard line[i] == UInt8(ascii: "}") else { return nil }
            i += 1
            skipSpace()
            guard i == count else { return nil }
            break
        }
        var rest: [UInt8]
        if let id {
            rest = Array(line[..<id.lowerBound])
            rest.append(contentsOf: line[id.upperBound...])
        } else {
            rest = Array(line)
        }
        return (LineKey(rest: rest, idOffset: id?.lowerBound ?? -1), id)
    }
}
