@testable import AdvisorCore
import Testing

/// `KeptList` against `Array` over random appends, runs appended, changes and emptyings.
@Suite struct KeptListTests {
    /// One list and an array given the same steps from `seed`; every element, the count and the
    /// lent bytes compared after each step.
    func holdsToArray<T: Equatable>(seed: UInt64, capacity: Int, _ make: (UInt64) -> T) {
        var random = SchemaPatternTests.SplitMix(seed: seed)
        let kept = KeptList<T>(capacity: capacity)
        var array: [T] = []
        for step in 0..<4_000 {
            switch random.next() % 10 {
            case 0:
                kept.removeAll()
                array.removeAll(keepingCapacity: true)
            case 1, 2:
                let run = (0..<Int(random.next() % 40)).map { _ in make(random.next()) }
                run.withUnsafeBufferPointer { kept.append(contentsOf: $0) }
                array += run
            case 3 where !array.isEmpty:
                let i = Int(random.next() % UInt64(array.count)), value = make(random.next())
                kept[i] = value
                array[i] = value
            default:
                let value = make(random.next())
                kept.append(value)
                array.append(value)
            }
            #expect(kept.count == array.count, "step \(step)")
            #expect(Array(kept) == array, "step \(step)")
            #expect(kept.withUnsafeBufferPointer { Array($0) } == array, "step \(step)")
        }
    }

    @Test func bytesAsAnArrayHoldsThem() {
        holdsToArray(seed: 26, capacity: 1) { UInt8(truncatingIfNeeded: $0) }
        holdsToArray(seed: 27, capacity: 1024) { UInt8(truncatingIfNeeded: $0) }
    }

    @Test func valuesWithReferencesAsAnArrayHoldsThem() {
        // Strings past the small form are held by reference: moved when the list grows and
        // released when it is emptied, each once (a second release would crash the test).
        holdsToArray(seed: 28, capacity: 2) { String(repeating: "x", count: Int($0 % 40)) + "\($0)" }
    }
}
