/// Decides on publish requests; implemented by the live hub (`LiveHub` in Live).
public protocol PublishHandler: Sendable {
    func publish(_ request: PublishRequest) async -> PublishDecision
}
