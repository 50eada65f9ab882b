import AdvisorCore
import Testing

/// Worked examples of DynamoDB's documented capacity formula.
@Suite struct DynamoDBCapacityTests {
    typealias C = DynamoDBCapacity

    @Test func strongReadsOf4KBTakeOneUnitEach() {
        #expect(C.readUnits(readsPerSecond: 100, itemBytes: 4096, mode: .strong) == 100)
    }

    @Test func eventuallyConsistentReadsCostHalf() {
        #expect(C.readUnits(readsPerSecond: 100, itemBytes: 4096, mode: .eventual) == 50)
        // 6 KB rounds up to two 4 KB units, halved: 80 reads need 80 units.
        #expect(C.readUnits(readsPerSecond: 80, itemBytes: 6144, mode: .eventual) == 80)
    }

    @Test func largerItemsRoundUpToWhole4KBUnits() {
        // 9 KB is three 4 KB units.
        #expect(C.readUnits(readsPerSecond: 10, itemBytes: 9216, mode: .strong) == 30)
    }

    @Test func writesRoundUpToWhole1KBUnits() {
        // 1.5 KB is two 1 KB units.
        #expect(C.writeUnits(writesPerSecond: 50, itemBytes: 1536, transactional: false) == 100)
        #expect(C.writeUnits(writesPerSecond: 50, itemBytes: 500, transactional: false) == 50)
    }

    @Test func transactionalRequestsCostDouble() {
        #expect(C.writeUnits(writesPerSecond: 20, itemBytes: 1024, transactional: true) == 40)
        #expect(C.readUnits(readsPerSecond: 20, itemBytes: 4096, mode: .transactional) == 40)
    }
}

@Suite struct EstimateTests {
    let engine = Engine(catalog: sharedCatalog)

    @Test func dynamoDBCostFollowsTheCatalogPrices() throws {
        let r = engine.recommend(profile(#"{"data-shape":"key-value","throughput":"10k","read-share":"80%","item-size":"6KB","consistency":"eventual"}"#))
        let e = try #require(r.estimates.first { $0.label.hasPrefix("DynamoDB capacity") })
        // 8,000 reads/s of 6 KB eventually consistent: 8,000 RCU; 2,000 writes/s of 6 KB: 12,000 WCU.
        #expect(e.value?.hasPrefix("8000 RCU and 12000 WCU") == true)
        // Provisioned: 8,000 × 730 × $0.00013 + 12,000 × 730 × $0.00065 = $759.20 + $5,694 = $6,453.
        #expect(abs((e.monthlyUSD ?? 0) - 6453.2) < 0.01)
        #expect(e.basis.contains { $0.source.hasPrefix("https://") && !$0.asOf.isEmpty })
    }

    @Test func missingInputsAreUnknownNeverZero() throws {
        let r = engine.recommend(profile(#"{"data-shape":"key-value","throughput":"10k"}"#))
        let e = try #require(r.estimates.first { $0.label.hasPrefix("DynamoDB capacity") })
        #expect(e.value == nil && e.monthlyUSD == nil)
        #expect(e.missing == ["read-share", "item-size"])
    }
}
