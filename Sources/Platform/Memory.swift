#if canImport(Glibc)
import Glibc
#endif

/// How the C library's allocator treats memory freed at the top of the heap.
public enum Memory {
    /// Asks glibc's allocator to keep up to `bytes` of freed memory at the top of the heap
    /// instead of handing it back to the system at once (`mallopt(M_TRIM_THRESHOLD)`; its
    /// default is 128 KB). For a program that frees and allocates the same large buffers again
    /// and again, such as batch's rendered answers of some 20 KB each, returning them after
    /// each round and faulting fresh pages in for the next costs page faults and system time.
    /// Up to `bytes` freed then stays with the process after a peak (batch's measured peak was
    /// the same), and setting the threshold turns off glibc's dynamic mmap threshold: blocks
    /// of 128 KB or more (a very long line's copies) are each mapped and unmapped anew, as
    /// glibc's default does until the first such block is freed. The setting holds for the
    /// whole process from then on. `mallopt` is looked up at run time (the Glibc
    /// module does not declare it): where it is missing (another C library, a static
    /// executable), nothing changes and the answer is false.
    @discardableResult
    public static func keepFreedHeap(upTo bytes: Int32) -> Bool {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        // RTLD_DEFAULT (a null handle): the symbol wherever the process has it.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mTrimThreshold: Int32 = -1  // M_TRIM_THRESHOLD in <malloc.h>
        return unsafeBitCast(symbol, to: Mallopt.self)(mTrimThreshold, bytes) == 1
        #else
        return false
        #endif
    }
}
