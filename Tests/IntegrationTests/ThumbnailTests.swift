import Foundation
import TestSupport
import Testing

/// `GET /api/streams/<name>/thumbnail.jpg` on recordings made by `hlsseg segment`, served by
/// `hlsseg serve`, the pictures judged by ffprobe and by ffmpeg's own decode of the same
/// keyframe, scaled the same way (PSNR).
@Suite("thumbnails", .timeLimit(.minutes(3)))
struct ThumbnailTests {
    /// The least PSNR (dB) between a thumbnail and ffmpeg's decode of the same keyframe scaled
    /// the same way: same decoder, same scaler, so what remains is JPEG's loss (about 37 dB
    /// at quantiser 4). Levels copied from limited range without expansion give about 25 dB.
    static let minimumPSNR = 30.0

    @Test("the JPEG decodes, has the width asked for and the source's aspect, and matches ffmpeg's decode of the keyframe")
    func pictureMatchesFFmpeg() async throws {
        let served = try await ServedRecording.start("thumbnail-picture", fixture: .colourful)
        defer { served.stop() }
        for width in [320, 160, 642] {
            let answer = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=2.5&width=\(width)")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.headers["content-type"] == "image/jpeg")
            let jpeg = served.directory.appendingPathComponent("thumb-\(width).jpg")
            try Data(answer.body).write(to: jpeg)
            let (codec, size) = try await Self.probe(jpeg)
            #expect(codec == "mjpeg")
            // 640x360: 16:9, height rounded to even as `scale=W:-2` does.
            let expectedHeight = Int((Double(width) * 9 / 16 / 2).rounded()) * 2
            #expect(size.width == width && abs(size.height - expectedHeight) <= 1, "\(size)")
            let psnr = try await Self.psnr(
                jpeg, againstKeyframeOf: served.segment(1), initSegment: served.initSegment, width: width,
                scratch: served.directory)
            #expect(psnr >= Self.minimumPSNR, "width \(width): PSNR \(psnr) dB against ffmpeg's decode")
        }
    }

    @Test("a source with non-square pixels keeps its display aspect")
    func sampleAspectRatio() async throws {
        let served = try await ServedRecording.start("thumbnail-anamorphic", fixture: .anamorphic)
        defer { served.stop() }
        let answer = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg")
        #expect(answer.status == 200, "\(answer.text)")
        let jpeg = served.directory.appendingPathComponent("thumb.jpg")
        try Data(answer.body).write(to: jpeg)
        // 480x360 pixels at 4:3 sample aspect show as 640x360.
        let (_, size) = try await Self.probe(jpeg)
        #expect(size.width == 320 && abs(size.height - 180) <= 1, "\(size)")
    }

    @Test("at= as seconds, ISO 8601 and before the live edge name the segment at or before it; Cache-Control follows")
    func timesNameSegments() async throws {
        let served = try await ServedRecording.start("thumbnail-times", fixture: .colourful)
        defer { served.stop() }
        func get(_ query: String) throws -> HTTPExchange {
            let answer = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg" + query)
            #expect(answer.status == 200, "\(query): \(answer.status) \(answer.text)")
            return answer
        }
        // Seconds from the start: each names its segment (checked against ffmpeg's keyframes).
        var bySegment: [[UInt8]] = []
        for (index, seconds) in ["0", "2.5", "5.9"].enumerated() {
            let answer = try get("?at=\(seconds)")
            let jpeg = served.directory.appendingPathComponent("at-\(seconds).jpg")
            try Data(answer.body).write(to: jpeg)
            var scores: [Double] = []
            for segment in 0..<3 {
                scores.append(
                    try await Self.psnr(
                        jpeg, againstKeyframeOf: served.segment(segment), initSegment: served.initSegment, width: 320,
                        scratch: served.directory))
            }
            #expect(scores.firstIndex(of: scores.max()!) == index && scores[index] >= Self.minimumPSNR, "at=\(seconds): \(scores)")
            #expect(answer.headers["cache-control"] == "no-cache", "seconds move when old segments are removed")
            bySegment.append(answer.body)
        }
        let dates = try served.programDateTimes()
        let inSecond = try get("?at=" + Self.iso8601(dates[1].addingTimeInterval(0.7)))
        #expect(inSecond.body == bySegment[1], "a date inside the second segment")
        #expect(inSecond.headers["cache-control"]?.contains("max-age=86400") == true, "\(inSecond.headers)")
        #expect(try get("?at=-1").body == bySegment[2], "one second before the live edge")
        #expect(try get("?at=-3.5").body == bySegment[1], "3.5 s before the live edge")
        let newest = try get("")
        #expect(newest.body == bySegment[2] && newest.headers["cache-control"] == "no-cache", "no T: the newest segment")

        for path in [
            "?at=soon", "?at=100", "?at=-100", "?width=abc", "?width=8", "?width=5000", "?width=320.5",
            "?at=" + Self.iso8601(dates[0].addingTimeInterval(-60)),
        ] {
            let answer = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg" + path)
            #expect(answer.status == 400 && answer.text.contains("\"error\""), "\(path): \(answer.status) \(answer.text)")
        }
        let missing = try HTTPExchange.send(port: served.port, path: "/api/streams/nothing/thumbnail.jpg")
        #expect(missing.status == 404 && missing.text.contains("\"error\""), "\(missing.status) \(missing.text)")
    }

    @Test("a second request for the same picture is not decoded again; If-None-Match gets 304")
    func cacheHit() async throws {
        let served = try await ServedRecording.start("thumbnail-cache", fixture: .colourful)
        defer { served.stop() }
        let before = try served.decodedCount()
        let first = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=1&width=200")
        #expect(first.status == 200)
        #expect(try served.decodedCount() == before + 1)
        let second = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=1.5&width=200")
        #expect(second.status == 200 && second.body == first.body)
        #expect(try served.decodedCount() == before + 1, "the same segment and width come from the cache")
        let etag = try #require(first.headers["etag"])
        let revalidated = try HTTPExchange.send(
            port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=1&width=200", headers: ["If-None-Match": etag])
        #expect(revalidated.status == 304 && revalidated.body.isEmpty)
        let otherWidth = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=1&width=240")
        #expect(otherWidth.status == 200 && otherWidth.headers["etag"] != etag)
        #expect(try served.decodedCount() == before + 2, "another width is another picture")
    }

    @Test("a damaged segment is a 404 with the reason, and the server goes on answering")
    func damagedSegment() async throws {
        let served = try await ServedRecording.start("thumbnail-damaged", fixture: .colourful)
        defer { served.stop() }
        // The first segment: noise in place of its whole file; the second: noise in its
        // media data after intact moof boxes (the picture itself does not decode).
        let first = served.segment(0)
        var noise = SeededRandom(seed: 20)
        try Data(noise.bytes(try Data(contentsOf: first).count)).write(to: first)
        let second = served.segment(1)
        var bytes = [UInt8](try Data(contentsOf: second))
        let mdat = try #require(bytes.firstRange(of: Array("mdat".utf8)))
        let media = (mdat.upperBound + 8)..<bytes.count
        bytes.replaceSubrange(media, with: noise.bytes(media.count))
        try Data(bytes).write(to: second)

        let decodedBefore = try served.decodedCount()
        for at in ["0.5", "2.5", "0.7", "2.7"] {
            let answer = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=\(at)")
            #expect(answer.status == 404 && answer.text.contains("no thumbnail"), "at=\(at): \(answer.status) \(answer.text)")
        }
        #expect(try served.decodedCount() == decodedBefore + 2, "a segment that failed is not decoded again")
        #expect(served.process.isRunning, "\(served.process.logText)")
        let next = try HTTPExchange.send(port: served.port, path: "/api/streams/cam/thumbnail.jpg?at=4.5")
        #expect(next.status == 200 && next.headers["content-type"] == "image/jpeg", "\(next.status) \(next.text)")
        #expect(try HTTPExchange.send(port: served.port, path: "/healthz").status == 200)
    }

    // MARK: - ffmpeg as the judge

    /// The codec and size ffprobe reads from an image file.
    static func probe(_ url: URL) async throws -> (codec: String, size: (width: Int, height: Int)) {
        let result = try await Subprocess.run(
            try Tools.ffprobe(),
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url.path],
            timeout: .seconds(60))
        let fields = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        guard result.succeeded, fields.count == 3, let width = Int(fields[1]), let height = Int(fields[2]) else {
            throw HarnessError("ffprobe cannot read \(url.path):\n\(result.summary)")
        }
        return (String(fields[0]), (width, height))
    }

    /// PSNR (average, dB) of `jpeg` against ffmpeg's decode of the first frame of `segment`
    /// (after its init segment), scaled to `width` with the same bicubic scaler in YUV, both
    /// compared as RGB (each converted by ffmpeg from its own range).
    static func psnr(_ jpeg: URL, againstKeyframeOf segment: URL, initSegment: URL, width: Int, scratch: URL) async throws -> Double {
        let joined = scratch.appendingPathComponent("joined-\(segment.lastPathComponent)")
        try concatenate([initSegment, segment], into: joined)
        let reference = scratch.appendingPathComponent("reference-\(segment.lastPathComponent)-\(width).png")
        try await Probe.ffmpegMake([
            "-i", joined.path, "-frames:v", "1", "-vf", "scale=\(width):-2:flags=bicubic,format=yuv420p", reference.path,
        ])
        let result = try await Subprocess.run(
            try Tools.ffmpeg(),
            [
                "-nostdin", "-hide_banner", "-i", jpeg.path, "-i", reference.path, "-lavfi",
                "[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]psnr", "-f", "null", "-",
            ],
            timeout: .seconds(60))
        guard result.succeeded, let line = result.stderrLines.last(where: { $0.contains("PSNR") && $0.contains("average:") }),
            let value = line.components(separatedBy: "average:").last?.split(separator: " ").first
        else { throw HarnessError("no PSNR from ffmpeg:\n\(result.summary)") }
        if value == "inf" { return .infinity }
        guard let psnr = Double(value) else { throw HarnessError("unreadable PSNR '\(value)' in: \(line)") }
        return psnr
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// Sources for thumbnails, made once per run with ffmpeg: 6 s, GOP 2 s (three 2-s segments),
/// H.264 High with B-frames, limited-range `yuv420p` as cameras send.
private enum ThumbnailFixture: String {
    /// testsrc2 (saturated colours, black and white areas) at 640x360.
    case colourful = "thumbnail-colourful.mp4"
    /// testsrc2 at 480x360 with a 4:3 sample aspect ratio (displays as 640x360).
    case anamorphic = "thumbnail-anamorphic.mp4"

    var filter: String {
        switch self {
        case .colourful: "testsrc2=size=640x360:rate=30:duration=6"
        case .anamorphic: "testsrc2=size=480x360:rate=30:duration=6,setsar=4/3"
        }
    }
}

private actor ThumbnailFixtures {
    static let shared = ThumbnailFixtures()
    /// One making per fixture, awaited by every test that asks meanwhile (tests run concurrently).
    private var making: [String: Task<URL, any Error>] = [:]

    func url(_ fixture: ThumbnailFixture) async throws -> URL {
        if let task = making[fixture.rawValue] { return try await task.value }
        let task = Task {
            let url = try TestScratch.directory("thumbnail-fixtures").appendingPathComponent(fixture.rawValue)
            try await Probe.ffmpegMake([
                "-f", "lavfi", "-i", fixture.filter, "-c:v", "libx264", "-profile:v", "high", "-bf", "2", "-g", "60",
                "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", url.path,
            ])
            return url
        }
        making[fixture.rawValue] = task
        return try await task.value
    }
}

/// A fixture segmented by `hlsseg segment` into `<root>/cam` (2-s segments, program
/// date-times) and served by `hlsseg serve` on a free loopback port.
private struct ServedRecording {
    let directory: URL
    let stream: URL
    let port: Int
    let process: ServeProcess

    static func start(_ name: String, fixture: ThumbnailFixture) async throws -> ServedRecording {
        let source = try await ThumbnailFixtures.shared.url(fixture)
        let directory = try TestScratch.directory(name)
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let stream = root.appendingPathComponent("cam")
        let run = try await runSegment(
            inputs: [source], outputDirectory: stream,
            arguments: ["--hls-time", "2", "--hls-playlist-type", "event", "--hls-flags", "program_date_time"])
        try #require(run.succeeded, "\(run.summary)")
        let port = try freeLoopbackPort()
        let process = try ServeProcess.start(
            ["serve", "--root", root.path, "--http-port", "\(port)", "--no-rtmp", "--log-level", "warning"],
            log: directory.appendingPathComponent("serve.log"))
        try await waitUntil("the HTTP port accepts connections", seconds: 30) { canConnect(port: port) }
        return ServedRecording(directory: directory, stream: stream, port: port, process: process)
    }

    func stop() { process.stop() }

    var initSegment: URL { stream.appendingPathComponent("init.mp4") }

    func segment(_ index: Int) -> URL { stream.appendingPathComponent("seg\(index).m4s") }

    /// The `#EXT-X-PROGRAM-DATE-TIME` of each segment, in order.
    func programDateTimes() throws -> [Date] {
        let text = try String(contentsOf: stream.appendingPathComponent("index.m3u8"), encoding: .utf8)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try text.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") }.map { line in
            let value = String(line.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count))
            guard let date = formatter.date(from: value) else { throw HarnessError("unreadable date \(value)") }
            return date
        }
    }

    /// `hlsseg_thumbnails_decoded_total` from `/metrics`.
    func decodedCount() throws -> Int {
        let metrics = try HTTPExchange.send(port: port, path: "/metrics").text
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix("hlsseg_thumbnails_decoded_total") }),
            let value = line.split(separator: " ").last.flatMap({ Double($0) })
        else { throw HarnessError("no hlsseg_thumbnails_decoded_total in /metrics:\n\(metrics)") }
        return Int(value)
    }
}
