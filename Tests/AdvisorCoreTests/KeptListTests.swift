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

    /// Objects that count themselves: as many live as the list holds after every step (none
    /// left behind by emptying or growing), and none once the list is gone.
    @Test func everyElementIsReleasedOnceAndOnlyOnce() {
        final class Tally { var live = 0 }
        final class Counted {
            let tally: Tally
            init(_ tally: Tally) { self.tally = tally; tally.live += 1 }
            deinit { tally.live -= 1 }
        }
        let tally = Tally()
        var random = SchemaPatternTests.SplitMix(seed: 30)
        do {
            let kept = KeptList<Counted>(capacity: 1)
            for step in 0..<2_000 {
                switch random.next() % 6 {
                case 0: kept.removeAll()
                case 1:
                    let run = (0..<Int(random.next() % 20)).map { _ in Counted(tally) }
                    run.withUnsafeBufferPointer { kept.append(contentsOf: $0) }
                case 2 where !kept.isEmpty: kept[Int(random.next() % UInt64(kept.count))] = Counted(tally)
                default: kept.append(Counted(tally))
                }
                #expect(tally.live == kept.count, "step \(step)")
            }
        }
        #expect(tally.live == 0)
    }

    /// A list appended with its own elements, growing and not: each copied before the room
    /// they lie in is freed.
    @Test func aListTakesItsOwnElements() {
        let kept = KeptList<String>(capacity: 2)
        var array: [String] = []
        for k in 0..<12 {
            let text = String(repeating: "y", count: 20) + "\(k)"
            kept.append(text)
            array.append(text)
            kept.withUnsafeBufferPointer { kept.append(contentsOf: $0) }
            array += array
            #expect(Array(kept) == array)
        }
    }
}
