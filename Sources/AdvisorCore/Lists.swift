extension Array {
    /// `count` copies of `value`, as `Array(repeating:count:)` makes them, its storage allocated
    /// through the specialized path (`reserveCapacity`). `Array(repeating:count:)` and
    /// `Array(unsafeUninitializedCapacity:)` allocate through a library function that is not
    /// specialized: it looks the storage's type up in the runtime's table on every call (some
    /// 450 instructions; about 4 lists a batch JSON line, 2 a CSV row, callgrind). For the lists
    /// made per line; a list made once may take either.
    @inline(__always)
    init(filledWith value: Element, count: Int) {
        self.init()
        reserveCapacity(count)
        append(contentsOf: repeatElement(value, count: count))
    }
}

/// A list that keeps its room when emptied: an estimate builder's parts, prices used, texts
/// and assumptions, emptied for each of some five estimates a batch line. `Array`'s
/// `removeAll(keepingCapacity:)` goes through the library's general `replaceSubrange`, some 200
/// instructions a list (callgrind; `removeLast(_:)` and `removeSubrange` the same), and its
/// `append` checks that its storage is unshared; here emptying sets the count.
///
/// A class, so that the list is never copied: the builder that holds it is its only owner
/// (a value holding the storage would share it when copied). So it has reference semantics,
/// unlike an array: `var other = list` is the same list, and a change through either is a
/// change of both. Read as a collection; bounds are checked as an array's are.
final class KeptList<Element>: RandomAccessCollection, MutableCollection {
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    func index(after i: Int) -> Int { i + 1 }
    func index(before i: Int) -> Int { i - 1 }

    subscript(i: Int) -> Element {
        get {
            precondition(i >= 0 && i < count, "index out of range")
            return base[i]
        }
        set {
            precondition(i >= 0 && i < count, "index out of range")
            base[i] = newValue
        }
    }

    func append(_ element: Element) {
        if count == capacity { grow(count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Appends copies of `more`, which may lie in this list's own storage: when the list
    /// grows, they are copied into the new room before the old is freed.
    func append(contentsOf more: UnsafeBufferPointer<Element>) {
        guard let from = more.baseAddress, more.count > 0 else { return }
        if count + more.count > capacity {
            grow(count + more.count, appending: more)
        } else {
            (base + count).initialize(from: from, count: more.count)
        }
        count += more.count
    }

    /// Empties the list; its room stays.
    func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    /// Lends the elements.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Room for at least `needed` elements (twice the room when outgrown), the elements moved;
    /// `appending` (its count not yet counted) copied in after them while the old room is
    /// still there, as it may lie in it.
    private func grow(_ needed: Int, appending more: UnsafeBufferPointer<Element>? = nil) {
        let room = Swift.max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: room)
        if let more, let from = more.baseAddress { (moved + count).initialize(from: from, count: more.count) }
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = room
    }
}
