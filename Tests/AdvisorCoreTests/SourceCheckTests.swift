import AdvisorCore
import Testing

@Suite struct SourceCheckTests {
    @Test(arguments: ["https://aws.amazon.com/dynamodb/", "https://example.com/", "https://example.com",
                      "https://docs.aws.amazon.com/amazondynamodb/", "https://www.usage.ai/"])
    func landingAndHomePagesAreRecognised(url: String) {
        #expect(Catalog.isLandingPage(url))
    }

    @Test(arguments: ["https://aws.amazon.com/dynamodb/sla/", "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html",
                      "https://dynobase.dev/dynamodb-sla/", "https://aws.amazon.com/keyspaces/sla",
                      "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/WhatIs.deployment.html"])
    func pagesWithAPathAreNot(url: String) {
        #expect(!Catalog.isLandingPage(url))
    }

    @Test func theBundledCatalogCitesNoLandingPageForAFigure() {
        #expect(sharedCatalog.sourceProblems().isEmpty, "\(sharedCatalog.sourceProblems())")
    }
}
