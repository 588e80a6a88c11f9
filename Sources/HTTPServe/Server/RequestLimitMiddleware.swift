import Hummingbird

/// Refuses over-long request targets (414) and request bodies on the read-only routes (413
/// above a small limit): nothing a player sends comes near them.
struct RequestLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Bodies are never read by the read-only routes; a route that took uploads would set its
    /// own limit.
    static var maxReadOnlyBody: Int { 0 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.string.utf8.count <= RequestLimits.maxTargetLength else { throw HTTPError(.uriTooLong) }
        if request.method == .get || request.method == .head,
            let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxReadOnlyBody
        {
            throw HTTPError(.contentTooLarge)
        }
        if request.uri.path.utf8.contains(0) { throw HTTPError(.badRequest) }
        return try await next(request, context)
    }
}
