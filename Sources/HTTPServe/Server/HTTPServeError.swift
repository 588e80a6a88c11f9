/// Errors of `hlsseg serve` before it listens.
public struct HTTPServeError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable { case badRoot, badWWW }
    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
