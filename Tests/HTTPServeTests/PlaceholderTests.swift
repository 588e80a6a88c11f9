import Testing

@testable import HTTPServe

@Test func moduleLinks() {
    #expect(String(describing: HTTPServe.self) == "HTTPServe")
}
