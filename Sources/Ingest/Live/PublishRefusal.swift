/// Why a publish request was refused: a kind and a reason for the log and the publisher.
public struct PublishRefusal: Error, Sendable, Equatable {
    /// `outputRefused`: the stream's folder cannot be written safely (it, or an entry of it,
    /// is a symbolic link) or at all.
    public enum Kind: String, Sendable { case badName, alreadyPublishing, unauthorized, outputRefused }
    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}
