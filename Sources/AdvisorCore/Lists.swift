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
