import Hummingbird

/// CORS for players on other origins (hls.js pages, test players): every response carries
/// `Access-Control-Allow-Origin`, the headers a range-requesting player reads are exposed,
/// and `OPTIONS` preflights are answered here. Unlike Hummingbird's CORSMiddleware the header
/// is sent even without an `Origin` request header, so a CDN caching the response keeps it.
struct CORSHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let origin: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowMethods] = "GET, HEAD, OPTIONS"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Range"
            headers[.accessControlMaxAge] = "86400"
            return Response(status: .noContent, headers: headers)
        }
        do {
            var response = try await next(request, context)
            CORSHeaders.add(origin: origin, to: &response.headers)
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            CORSHeaders.add(origin: origin, to: &response.headers)
            return response
        }
    }
}

/// The fields added to every response; the middleware and the event-loop fast path
/// (`StreamFileFastPath`) both add them here, so both send the same.
enum CORSHeaders {
    static func add(origin: String, to headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = origin
        headers[.accessControlExposeHeaders] = "Content-Length, Content-Range, ETag, Last-Modified, Age"
    }
}
