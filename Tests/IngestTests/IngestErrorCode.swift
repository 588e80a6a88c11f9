import Testing

@testable import Ingest

/// Runs `body` and returns the code of the `IngestError` it threw, or nil if it did not throw.
/// Any other error fails the test. Tests compare codes, which are stable; reasons are for people.
func ingestErrorCode(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> IngestError.Code? {
    do {
        try body()
        return nil
    } catch let error as IngestError {
        return error.code
    } catch {
        Issue.record("threw \(error), not an IngestError", sourceLocation: sourceLocation)
        return nil
    }
}
