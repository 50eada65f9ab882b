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

/// Batch's rounds: `begin` starts bodies 1..<count on the pool's threads and returns at once
/// (the caller does its own share, 0, meanwhile); `finish` waits for them. Run after run on
/// the same threads.
@Suite struct PoolTests {
    /// Slots each body writes its own of (no two bodies share one).
    final class Slots: @unchecked Sendable {
        let values = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
        init() { values.initialize(repeating: 0) }
        deinit { values.deallocate() }
    }

    @Test func beginRunsTheOthersAndFinishWaitsForThem() {
        let pool = Threads.Pool()
        let slots = Slots()
        for run in 1...3 {
            let started = pool.begin(4) { k in
                usleep(useconds_t(1_000 * k))
                slots.values[k] = run
            }
            #expect(started == 3)
            pool.finish()
            #expect(Array(slots.values) == [0, run, run, run], "run \(run)")
        }
        #expect(pool.begin(1) { _ in slots.values[0] = -1 } == 0, "one body: the caller's, none started")
        pool.finish()
        #expect(slots.values[0] == 0)
    }
}

#if os(Linux)
/// Batch frees and allocates its answers by the thousand. With the freed heap kept, memory
/// freed at the top of the heap and allocated again is not faulted in again: 4 MB in 32 KB
/// buffers, written, freed and allocated ten times, faults about 10,000 pages on this
/// thread with glibc's default (each round handed back) and none with it kept. Tests that
/// run beside this one may share its thread's heap and take what it freed (once 1,770
/// pages were faulted in so): the fewest of three tries is held to a quarter of the 10,000.
@Suite struct MemoryTests {
    @Test func freedMemoryIsKeptForTheNextRound() {
        #expect(Memory.keepFreedHeap(upTo: 64 << 20))
        /// Minor page faults of this thread (RUSAGE_THREAD: the tests beside it do not count).
        func faults() -> Int {
            var usage = rusage()
            getrusage(__rusage_who_t(1), &usage)
            return usage.ru_minflt
        }
        func round() {
            let buffers = (0..<128).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 32 << 10, alignment: 16) }
            for b in buffers { b.initializeMemory(as: UInt8.self, repeating: 1, count: 32 << 10) }
            for b in buffers { b.deallocate() }
        }
        var fewest = Int.max
        for _ in 0..<3 {
            round()
            let before = faults()
            for _ in 0..<10 { round() }
            fewest = min(fewest, faults() - before)
        }
        #expect(fewest < 2_500, "\(fewest) pages faulted in again")
    }
}
#endif
