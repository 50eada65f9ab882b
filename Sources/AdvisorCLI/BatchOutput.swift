import AdvisorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Batch {
    /// The output for one workload shape (without any id), in memory the queue can point at
    /// until it is written: a fleet repeats shapes, and a repeated answer is never copied.
    final class Rendered: @unchecked Sendable {  // its bytes never change once written
        let bytes: UnsafeMutableRawBufferPointer
        /// Where the part another line can take starts: after a CSV row's id and line cells
        /// (0 for anything else).
        let tail: Int

        /// Takes `count` bytes at `memory`, the C allocator's (`JSONWriter.takeBuffer`): freed
        /// with the answer.
        init(adopting memory: UnsafeMutableRawPointer, count: Int, tail: Int = 0) {
            bytes = UnsafeMutableRawBufferPointer(start: memory, count: count)
            self.tail = tail
        }

        /// A copy of `source`.
        convenience init(_ source: UnsafeRawBufferPointer, tail: Int = 0) {
            self.init(adopting: Rendered.copy(source), count: source.count, tail: tail)
        }

        /// A copy of `source`.
        convenience init(_ source: [UInt8], tail: Int = 0) {
            self.init(adopting: source.withUnsafeBytes(Rendered.copy), count: source.count, tail: tail)
        }

        /// `source` copied into memory of the C allocator's.
        private static func copy(_ source: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
            let memory = UnsafeMutableRawPointer(JSONWriter.allocate(max(source.count, 1)))
            if let from = source.baseAddress { memory.copyMemory(from: from, byteCount: source.count) }
            return memory
        }

        deinit { free(bytes.baseAddress) }
    }

    /// Output waiting to be written: small pieces copied into an arena, rendered answers
    /// referenced where they lie, all written with writev when enough has gathered (or before
    /// a read of the input that would wait). Without a real descriptor (tests), the pieces are joined and
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
}
