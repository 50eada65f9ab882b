@testable import AdvisorCore
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

/// Three workloads worked by hand the way AWS's pricing pages bill them: 730 hours and
/// 2,628,000 seconds a month, us-east-1 On-Demand prices from catalog/prices.json.
@Suite struct EstimateTests {
    let engine = Engine(catalog: sharedCatalog)

    func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 0.01 } ?? false }

    @Test func dynamoDBByTheRequestUnitFormula() throws {
        let e = engine.estimate("dynamodb", profile(#"{"data-shape":"key-value","throughput":"10k","read-share":"80%","item-size":"6KB","consistency":"eventual","data-size":"100GB"}"#))
        let capacity = try #require(e.parts.first { $0.item == "capacity" }?.monthlyUSD)
        // 8,000 reads/s of 6 KB, eventually consistent: 8,000 × 2 units × 0.5 = 8,000 RCU.
        // 2,000 writes/s of 6 KB: 2,000 × 6 = 12,000 WCU.
        // Provisioned (low): 8,000 × 730 × $0.00013 + 12,000 × 730 × $0.00065 = $759.20 + $5,694 = $6,453.20.
        #expect(close(capacity.low, 6453.2))
        // On-demand (high): 8,000 × 2,628,000 / 1M × $0.125 + 12,000 × 2,628,000 / 1M × $0.625 = $2,628 + $19,710 = $22,338.
        #expect(close(capacity.high, 22338))
        // Storage: 100 GB × $0.25 = $25, in every AZ at no extra charge.
        #expect(close(e.parts.first { $0.item == "storage" }?.monthlyUSD?.low, 25))
        #expect(close(e.monthlyUSD?.low, 6478.2) && close(e.monthlyUSD?.high, 22363))
        #expect(e.missing.isEmpty && e.region == "us-east-1")
        #expect(e.prices.count == 5 && e.prices.allSatisfy { $0.source.hasPrefix("https://") && $0.asOf == "2025-12-06" })
    }

    static let relational = #""data-shape":"relational","consistency":"acid-transactions","data-size":"2TB","throughput":"3k","read-share":"80%","item-size":"4KB","stage":"production""#

    @Test func rdsPostgreSQLBillsTheStandbyTwice() throws {
        let multi = engine.estimate("rds-postgresql", profile("{" + Self.relational + #","availability":"multi-az"}"#))
        // Instances: 3,000 req/s at 1,000 per vCPU = 3 vCPUs → db.r7g.xlarge (4); at 250 = 12 → db.r7g.4xlarge (16).
        // Multi-AZ rate $0.478 per large-hour (standby included): 0.478 × 4/2 × 730 = $697.88; 0.478 × 16/2 × 730 = $2,791.52.
        let instances = try #require(multi.parts.first { $0.item == "instances" }?.monthlyUSD)
        #expect(close(instances.low, 697.88) && close(instances.high, 2791.52))
        // Storage: 2 TB = 2,048 GB of gp3 at the Multi-AZ $0.23 = $471.04.
        #expect(close(multi.parts.first { $0.item == "storage" }?.monthlyUSD?.low, 471.04))
        #expect(close(multi.monthlyUSD?.low, 1168.92) && close(multi.monthlyUSD?.high, 3262.56))
        // Single-AZ: 0.239 × 2 × 730 = $348.94 to 0.239 × 8 × 730 = $1,395.76; storage 2,048 × $0.115 = $235.52.
        let single = engine.estimate("rds-postgresql", profile("{" + Self.relational + #","availability":"single-az"}"#))
        #expect(close(single.monthlyUSD?.low, 584.46) && close(single.monthlyUSD?.high, 1631.28))
    }

    @Test func auroraPostgreSQLAddsAReaderAndCountsIO() throws {
        let e = engine.estimate("aurora-postgresql", profile("{" + Self.relational + #","availability":"multi-az"}"#))
        // Instances: a writer and a reader, 2 × $0.276 × 4/2 × 730 = $805.92 to 2 × 0.276 × 16/2 × 730 = $3,223.68.
        let instances = try #require(e.parts.first { $0.item == "instances" }?.monthlyUSD)
        #expect(close(instances.low, 805.92) && close(instances.high, 3223.68))
        // Storage billed once (six copies, one price): 2,048 GB × $0.10 = $204.80.
        #expect(close(e.parts.first { $0.item == "storage" }?.monthlyUSD?.low, 204.8))
        // I/O: 600 writes/s of 4 KB = 600 write I/Os; low (reads all cached): 600 × 2,628,000 / 1M × $0.20 = $315.36.
        // High: plus 2,400 reads/s of one 8 KB page each: 3,000 × 2,628,000 / 1M × $0.20 = $1,576.80.
        let io = try #require(e.parts.first { $0.item == "I/O" }?.monthlyUSD)
        #expect(close(io.low, 315.36) && close(io.high, 1576.8))
        #expect(close(e.monthlyUSD?.low, 1326.08) && close(e.monthlyUSD?.high, 5005.28))
    }

    @Test func thePickAndTheFirstAlternativesCarryNumericEstimates() throws {
        let r = engine.recommend(profile("{" + Self.relational + #","availability":"multi-az"}"#), withWhatIf: false)
        let shown = [r.pick.service.id] + r.alternatives.prefix(2).map(\.0.service.id)
        for id in shown {
            let e = try #require(r.estimates.first { $0.service == id })
            #expect(e.monthlyUSD != nil, "\(id)")
            #expect(e.parts.contains { $0.item == "storage" && $0.monthlyUSD != nil }, "\(id)")
        }
        #expect(r.estimates.map(\.service) == [r.pick.service.id] + r.alternatives.map(\.0.service.id))
    }

    @Test func multiAZCostsMoreThanSingleAZ() {
        for id in ["rds-postgresql", "rds-mysql", "aurora-postgresql", "documentdb", "neptune", "opensearch", "timestream-influxdb"] {
            let multi = engine.estimate(id, profile("{" + Self.relational + #","availability":"multi-az"}"#))
            let single = engine.estimate(id, profile("{" + Self.relational + #","availability":"single-az"}"#))
            #expect((multi.monthlyUSD?.low ?? 0) > (single.monthlyUSD?.low ?? .infinity), "\(id)")
        }
    }

    @Test func missingInputsAreUnknownNeverZero() {
        let r = engine.recommend(profile(#"{"data-shape":"relational"}"#), withWhatIf: false)
        #expect(!r.estimates.isEmpty)
        for e in r.estimates {
            #expect(e.monthlyUSD == nil, "\(e.service)")
            for part in e.parts where part.monthlyUSD == nil { #expect(!part.missing.isEmpty, "\(e.service) \(part.item)") }
            for part in e.parts { #expect(part.monthlyUSD == nil || part.item == "compute", "\(e.service) \(part.item)") }
        }
        let rds = r.estimates.first { $0.service == "rds-postgresql" }
        #expect(rds?.missing == ["throughput", "data-size"])
        let dynamo = engine.estimate("dynamodb", profile(#"{"data-shape":"key-value","throughput":"10k"}"#))
        #expect(dynamo.parts.first { $0.item == "capacity" }?.missing == ["read-share", "item-size"])
    }
}

@Suite struct PriceTableTests {
    let prices = sharedCatalog.prices

    @Test func enoughPricesMostlyFromAWS() {
        #expect(prices.prices.count >= 30)
        let aws = prices.prices.filter(\.isFromAWS).count
        #expect(Double(aws) / Double(prices.prices.count) >= 0.9)
        #expect(prices.prices.allSatisfy { $0.source.hasPrefix("https://") && $0.asOf.count == 10 && !$0.region.isEmpty })
    }

    @Test func anotherRegionFallsBackToUSEast1() throws {
        let hit = try #require(prices.lookup("dynamodb", "storage-standard", region: "eu-central-1"))
        #expect(hit.fellBack && hit.price.region == "us-east-1" && hit.price.usd == 0.25)
        #expect(prices.lookup("dynamodb", "no-such-dimension", region: "us-east-1") == nil)
    }
}

@Suite struct LowestCostTests {
    let engine = Engine(catalog: sharedCatalog)
    static let workload = #""data-shape":"relational","consistency":"acid-transactions","data-size":"2TB","throughput":"3k","read-share":"80%","item-size":"4KB","availability":"multi-az""#

    @Test func theCheapestEstimateThatFitsGainsAndSaysByHowMuch() throws {
        let r = engine.recommend(profile("{" + Self.workload + #","cost-priority":"lowest-cost"}"#), withWhatIf: false)
        let all = [r.pick] + r.alternatives.map(\.0)
        let favoured = all.filter { $0.scoreFindings.contains { $0.rule == Engine.cheapestEstimateRule } }
        // RDS for PostgreSQL, MySQL and MariaDB share prices: $1,168.92 to $3,262.56 (see rdsPostgreSQLBillsTheStandbyTwice),
        // favoured together; the next is RDS for Db2 (db.r6i, licence not included): 0.5 × 2 × 730 = $730 to
        // 0.5 × 8 × 730 = $2,920 for instances, plus 2,048 GB × $0.23 = $471.04: $1,201.04 to $3,391.04.
        #expect(Set(favoured.map(\.service.id)) == ["rds-postgresql", "rds-mysql", "rds-mariadb"])
        let text = try #require(favoured.first?.scoreFindings.first { $0.rule == Engine.cheapestEstimateRule }?.text)
        // Midpoints: (1,168.92 + 3,262.56) / 2 = 2,215.74 against (1,201.04 + 3,391.04) / 2 = 2,296.04: $80.30 (3%) less.
        #expect(text.contains("about $80.30 (3%) less than Amazon RDS for Db2"))
        // Redshift's estimate does not size anything to the request rate: never compared.
        #expect(!(all.first { $0.service.id == "redshift" }?.scoreFindings.contains { $0.rule == Engine.cheapestEstimateRule } ?? false))
    }

    @Test func theReasonSaysWhichRegionsPricesItUsed() throws {
        let r = engine.recommend(profile("{" + Self.workload + #","cost-priority":"lowest-cost","region":"eu-central-1"}"#), withWhatIf: false)
        let text = try #require(r.pick.scoreFindings.first { $0.rule == Engine.cheapestEstimateRule }?.text)
        #expect(text.contains("us-east-1 prices where the table has none for eu-central-1"))
    }

    @Test func otherPrioritiesLeaveScoresAlone() {
        let r = engine.recommend(profile("{" + Self.workload + #","cost-priority":"balanced"}"#), withWhatIf: false)
        #expect(!([r.pick] + r.alternatives.map(\.0)).contains { $0.scoreFindings.contains { $0.rule == Engine.cheapestEstimateRule } })
    }
}

@Suite struct RegionTests {
    let engine = Engine(catalog: sharedCatalog)

    @Test func aServiceNotOfferedThereIsRuledOutCitingTheList() throws {
        // Aurora DSQL's stated list (AWS Regional Services List, 2026-08-22) has 20 Regions, not af-south-1.
        let r = engine.recommend(profile(#"{"data-shape":"relational","region":"af-south-1"}"#), withWhatIf: false)
        let dsql = try #require(r.excluded.first { $0.service.id == "aurora-dsql" })
        let finding = try #require(dsql.exclusions.first { $0.rule == "region-not-offered" })
        #expect(finding.text.contains("af-south-1") && finding.text.contains("20 of the 34 commercial Regions"))
        // The finding cites the service's own list (the fact's source), not a generic page.
        #expect(finding.source == sharedCatalog.service("aurora-dsql")?.fact("regions")?.source)
        #expect(r.pick.service.id != "aurora-dsql")
        // Offered everywhere: not ruled out.
        #expect(!r.excluded.contains { $0.service.id == "rds-postgresql" })
        // Neptune Analytics cites its own user guide's list.
        let n = engine.recommend(profile(#"{"data-shape":"graph","region":"mx-central-1"}"#), withWhatIf: false)
        let na = try #require(n.excluded.first { $0.service.id == "neptune-analytics" }?.exclusions.first { $0.rule == "region-not-offered" })
        #expect(na.source.contains("neptune-analytics"))
    }

    @Test func whySaysWhatRecommendSays() throws {
        let p = profile(#"{"data-shape":"relational","region":"af-south-1"}"#)
        let r = engine.recommend(p)
        let e = try #require(engine.explain("aurora-dsql", profile: p))
        let fromRecommend = try #require(r.excluded.first { $0.service.id == "aurora-dsql" }).exclusions.map(\.text)
        #expect(e.assessment.exclusions.map(\.text) == fromRecommend && e.rank == nil)
        // The cheap paths agree with the full one.
        #expect(engine.pick(p) == r.pick.service.id && engine.genuinePick(p) == r.pick.service.id)
    }

    @Test func anInferredListRulesNothingOutAndSaysSo() throws {
        // S3 Vectors' list is inferred (incomplete): no exclusion on it, a configuration note instead.
        let p = profile(#"{"data-shape":"vector","region":"sa-east-1"}"#)
        let r = engine.recommend(p, withWhatIf: false)
        #expect(!r.excluded.contains { $0.service.id == "s3-vectors" && $0.exclusions.contains { $0.rule == "region-not-offered" } })
        let s3 = try #require(engine.assess(p).first { $0.service.id == "s3-vectors" })
        let note = try #require(s3.configuration.first { $0.rule == "region-list-unconfirmed" })
        #expect(note.text.contains("sa-east-1") && note.text.contains("inferred"))
    }

    @Test func aCapabilityNotOfferedThereCountsAsMissing() throws {
        // Aurora DSQL runs in sa-east-1, but its multi-Region clusters are offered in 10 Regions (US, Asia Pacific, Europe sets).
        let p = profile(#"{"data-shape":"relational","availability":"multi-region-active","region":"sa-east-1"}"#)
        let dsql = try #require(engine.assess(p).first { $0.service.id == "aurora-dsql" })
        let finding = try #require(dsql.exclusions.first { $0.rule == "region-capability-not-offered" })
        // Nothing else runs relational multi-Region active-active, so Aurora DSQL is shown as the
        // closest, with the capability as its unmet requirement.
        let r = engine.recommend(p, withWhatIf: false)
        #expect(r.pick.service.id == "aurora-dsql" && r.confidence.level == .low && r.pick.exclusions.contains { $0.rule == "region-capability-not-offered" })
        #expect(finding.text.contains("sa-east-1") && finding.text.contains("10 of the 34"))
        #expect(!dsql.exclusions.contains { $0.rule == "region-not-offered" })
        // In us-east-1 both are offered.
        let us = engine.recommend(profile(#"{"data-shape":"relational","availability":"multi-region-active","region":"us-east-1"}"#), withWhatIf: false)
        #expect(!us.excluded.contains { $0.service.id == "aurora-dsql" })
        // MemoryDB: offered in eu-north-1, its Multi-Region clusters are not.
        let m = engine.assess(profile(#"{"role":"cache","availability":"multi-region-active","region":"eu-north-1"}"#)).first { $0.service.id == "memorydb" }
        #expect(m?.exclusions.contains { $0.rule == "region-capability-not-offered" } == true)
    }

    @Test func everyRegionRunsAndRulesOutWhatIsNotOfferedThere() throws {
        let question = try #require(sharedCatalog.question("region"))
        #expect(question.valueNames.count == 34)
        for code in question.valueNames {
            let p = profile(#"{"data-shape":"relational","region":"\#(code)"}"#)
            let r = engine.recommend(p, withWhatIf: false)
            for service in sharedCatalog.services {
                guard let fact = service.fact("regions") else { continue }
                let ruledOut = r.excluded.first { $0.service.id == service.id }?.exclusions.first { $0.rule == "region-not-offered" }
                #expect((ruledOut != nil) == !fact.strings.contains(code), "\(service.id) in \(code)")
                if let ruledOut { #expect(ruledOut.source == fact.source && ruledOut.text.contains(code)) }
            }
            #expect(r.estimates.first?.region == code)
        }
    }

    @Test func whatIfReevaluatesRegionAndCostPriority() {
        // Every what-if entry is what a full evaluation of the changed profile picks, and every
        // single change that moves the genuine pick is listed.
        let profiles = [
            #"{"data-shape":"relational","region":"us-east-1"}"#,
            #"{"data-shape":"relational","availability":"multi-region-active","region":"eu-west-1"}"#,
            "{" + LowestCostTests.workload + "}",
            "{" + LowestCostTests.workload + #","cost-priority":"lowest-cost","region":"eu-central-1"}"#,
        ]
        for text in profiles {
            let p = profile(text)
            let pick = engine.recommend(p, withWhatIf: false).pick.service.id
            let listed = engine.whatIfs(p, pick: pick)
            let expected = engine.whatIfsByFullEvaluation(p, pick: pick)
            #expect(listed == expected, "\(text)")
        }
    }

    @Test func regionsNothingTellsApartAreSweptOnce() throws {
        let swept = try #require(Sweep.representatives(sharedCatalog)["region"])
        #expect(swept.count > 1 && swept.count < 34)
        // Two Regions in one group give the same scores and exclusions on any profile.
        let engine = self.engine
        for code in try #require(sharedCatalog.question("region")).valueNames where !swept.contains(code) {
            let p = profile(#"{"data-shape":"graph","availability":"multi-region-active","region":"\#(code)"}"#)
            let same = swept.contains { rep in
                var q = p
                q["region"] = .choice(rep)
                return engine.assess(q, withReasons: false).map { "\($0.score)/\($0.exclusions.map(\.rule))" } == engine.assess(p, withReasons: false).map { "\($0.score)/\($0.exclusions.map(\.rule))" }
            }
            #expect(same, "\(code)")
        }
    }

    @Test func pricesFallBackToUSEast1WithANote() {
        let e = engine.estimate("rds-postgresql", profile(#"{"data-shape":"relational","data-size":"100GB","throughput":"500","availability":"single-az","region":"eu-central-1"}"#))
        #expect(e.region == "eu-central-1")
        #expect(e.monthlyUSD != nil)
        #expect(e.notes.contains { $0.contains("us-east-1") })
    }
}

/// A price's citation text, written into one buffer, against its parts joined.
@Suite struct PriceCitationTextTests {
    /// A price's `text`, written into one buffer, is the sentence its parts make, byte for
    /// byte, for every price of the catalog.
    @Test func citationIsThePricesText() {
        #expect(!sharedCatalog.prices.prices.isEmpty)
        for price in sharedCatalog.prices.prices {
            let spelled = "$" + JSON.format(number: price.usd) + " " + price.unit + " (" + price.item + ", " + price.region + ")"
            #expect(Array(price.text.utf8) == Array(spelled.utf8))
        }
    }
}

/// What an estimate builder keeps of its parts: items, keys and assumptions as closed sets,
/// bases end to end.
@Suite struct EstimateBuilderPartsTests {
    typealias B = EstimateBuilder

    /// Written as they lie (`JSONWriter.plain`), each is what `string` writes of it: none
    /// holds a byte that needs an escape.
    @Test func itemsKeysAndAssumptionsNeedNoEscape() {
        let keys: [B.MissingKeys] = [.throughput, .readShare, .itemSize, .dataSize]
        // Every key, each a bit of its own, in the order they are written.
        #expect(keys.map(\.rawValue) == [1, 2, 4, 8] && B.MissingKeys(rawValue: 0x0F).names == ["throughput", "read-share", "item-size", "data-size"])
        #expect(B.Assumption.allCases.count <= 64)
        let texts: [StaticString] = B.Item.allCases.map(\.name) + B.Assumption.allCases.map(\.text) + keys.map(\.staticName)
        for text in texts {
            var plain = JSONWriter(capacity: 16), escaped = JSONWriter(capacity: 16)
            plain.plain(text)
            escaped.string(text.description)
            var a: [UInt8] = [], b: [UInt8] = []
            plain.flush(into: &a)
            escaped.flush(into: &b)
            #expect(a == b, "\(text)")
        }
    }

    /// The keys the unknown parts need, each once, in the order the parts first name them;
    /// the assumptions each once in the order made, after On-Demand when a part has a figure.
    @Test func missingKeysAndAssumptionsInTheOrderFirstGiven() {
        let b = EstimateBuilder(table: sharedCatalog.prices, citations: [])
        b.reset(service: "dynamodb", region: "us-east-1", multiAZ: true)
        b.add(.capacity, nil, "one", missing: [.readShare, .itemSize])
        b.add(.storage, nil, "two", missing: [.dataSize])
        b.add(.io, nil, "three", missing: [.throughput, .readShare, .dataSize])
        #expect(b.missing == ["read-share", "item-size", "data-size", "throughput"])
        #expect(b.build().parts.map(\.missing) == [["read-share", "item-size"], ["data-size"], ["throughput", "read-share", "data-size"]])
        #expect(b.build().parts.map(\.basis) == ["one", "two", "three"])
        b.assume(.gp3)
        b.assume(.sizing)
        b.assume(.gp3)
        #expect(b.allAssumptions == [B.Assumption.gp3.text.description, B.Assumption.sizing.text.description])
        b.add(.compute, CostRange(5), "four", missing: [.throughput])
        #expect(b.build().parts.last?.missing == [], "a part with a figure needs nothing")
        #expect(b.allAssumptions.first == B.Assumption.onDemand.text.description)
        #expect(b.allAssumptions.count == 3)
        // Emptied for the next estimate: nothing of the last is left.
        b.reset(service: "dynamodb", region: "us-east-1", multiAZ: true)
        b.add(.storage, nil, "five", missing: [.dataSize])
        #expect(b.missing == ["data-size"] && b.allAssumptions.isEmpty && b.build().parts.map(\.basis) == ["five"])
    }
}
