import AdvisorCore
import Testing

/// Issue 17, numbers and quantities, as a class: no value is respelled into another.
@Suite struct HostileNumberTests {
    /// Every whole number prints as itself: beyond 9e15 the zeros of a whole number were
    /// stripped as if they followed a point (9e15 printed as 9).
    @Test func wholeNumbersPrintAsThemselves() {
        var n = 1.0
        for _ in 0..<300 {
            let text = JSON.format(number: n)
            #expect(Double(text) == n, "\(n) printed as \(text)")
            n *= 7
        }
        for exponent in 15...30 {
            var power = 1.0
            for _ in 0..<exponent { power *= 10 }
            for m in [1.0, 9, 12.5] {
                #expect(Double(JSON.format(number: m * power)) == m * power)
            }
        }
    }

    /// A number member's source text, as written.
    @Test(arguments: ["1234567890123456789", "1e16", "1e-7", "-0", "2.50", "1E+2"])
    func theCapturedMemberIsTheSourceText(_ text: String) throws {
        let (json, source) = try JSONParser.parse(Array(#"{"a":{"id":0},"id": \#(text) ,"b":1}"#.utf8), capturing: "id")
        #expect(source == text)
        #expect(json["id"]?.numberValue == Double(text))
    }

    /// A comma or '_' only groups thousands; anywhere else (a decimal comma) it is refused.
    @Test(arguments: ["1,5k", "20,00", "1,5", "1.000,5", "1,0000", ",5", "1,", "1_5", "12,34,567", "1.5,000"])
    func separatorsOutsideThousandsAreRefused(_ text: String) {
        #expect(RequestRate.parse(text) == .failure(.misplacedSeparator), "\(text)")
        #expect(DataSize.parse(text + "GB") == .failure(.misplacedSeparator), "\(text)GB")
    }

    @Test(arguments: [("1,000", 1_000.0), ("1,500,000", 1_500_000), ("1_000", 1_000), ("999", 999), ("12,345.5", 12_345.5), ("500 k", 500_000), ("1.5 M", 1_500_000), ("2 k/s", 2_000)])
    func groupedThousandsAndSpacedUnitsAreRead(_ text: String, _ value: Double) {
        #expect(RequestRate.parse(text) == .success(RequestRate(perSecond: value)), "\(text)")
    }

    /// Out of range is refused, however the number is written.
    @Test(arguments: ["1000000000001", "9000000000000000", "1e300", "99999999999999M"])
    func enormousRatesAreRefused(_ text: String) {
        #expect(RequestRate.parse(text) == .failure(.tooLarge) || RequestRate.parse(text) == .failure(.malformed), "\(text)")
    }
}
