import Foundation
import TestSupport

/// A stream kind as ffmpeg's `-map 0:v` / ffprobe's `codec_type` name it.
enum StreamKind: String, Sendable, CaseIterable {
    case video
    case audio

    var mapSpecifier: String { self == .video ? "0:v:0" : "0:a:0" }
}

/// Questions asked of ffmpeg/ffprobe, the independent tools that judge hlsseg's output.
enum Probe {
    /// Runs ffmpeg to make a file; throws with ffmpeg's stderr when it fails.
    static func ffmpegMake(_ arguments: [String], timeout: Duration = .seconds(300)) async throws {
        let result = try await Subprocess.run(
            try Tools.ffmpeg(), ["-nostdin", "-hide_banner", "-v", "error", "-y"] + arguments, timeout: timeout)
        guard result.succeeded else {
            throw HarnessError("fixture generation failed:\n\(result.summary)")
        }
    }

    /// Decodes every stream of `url` to nowhere; returns the run (its stderr lines are errors).
    /// FFmpeg's own fMP4 HLS of `source` (2-s segments, VOD) in `directory`: its playlist.
    static func ffmpegHLS(of source: URL, in directory: URL) async throws -> URL {
        let playlist = directory.appendingPathComponent("index.m3u8")
        try await ffmpegMake([
            "-i", source.path, "-map", "0", "-c", "copy", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2",
            "-hls_playlist_type", "vod", "-hls_segment_filename", directory.appendingPathComponent("part%d.m4s").path, playlist.path,
        ])
        return playlist
    }

    static func decode(_ url: URL, extraInput: [String] = []) async throws -> ProcessOutput {
        try await Subprocess.run(
            try Tools.ffmpeg(),
            ["-nostdin", "-hide_banner", "-v", "error"] + extraInput + ["-i", url.path, "-f", "null", "-"],
            timeout: .seconds(120))
    }

    /// Packets per stream kind (first stream of each kind), read with `ffprobe -count_packets`.
    static func packetCounts(_ url: URL) async throws -> [StreamKind: Int] {
        let result = try await Subprocess.run(
            try Tools.ffprobe(),
            [
                "-v", "error", "-count_packets", "-show_entries", "stream=codec_type,nb_read_packets",
                "-of", "json", url.path,
            ],
            timeout: .seconds(120))
        guard result.succeeded else { throw HarnessError("ffprobe failed:\n\(result.summary)") }
        struct Streams: Decodable {
            struct Stream: Decodable {
                var codecType: String?
                var readPackets: String?

                enum CodingKeys: String, CodingKey {
                    case codecType = "codec_type"
                    case readPackets = "nb_read_packets"
                }
            }
            var streams: [Stream]?
        }
        let decoded = try JSONDecoder().decode(Streams.self, from: Data(result.stdout.utf8))
        var counts: [StreamKind: Int] = [:]
        for stream in decoded.streams ?? [] {
            guard let kind = stream.codecType.flatMap(StreamKind.init(rawValue:)), counts[kind] == nil else {
                continue
            }
            counts[kind] = Int(stream.readPackets ?? "") ?? 0
        }
        return counts
    }

    /// The hash column of `ffmpeg -f framemd5` for one stream: packet payloads with
    /// `decoded == false` (`-c copy`), decoded frames with `decoded == true`.
    static func frameHashes(_ url: URL, _ kind: StreamKind, decoded: Bool) async throws -> [String] {
        var arguments = ["-nostdin", "-hide_banner", "-v", "error", "-i", url.path, "-map", kind.mapSpecifier]
        if decoded {
            if kind == .video { arguments += ["-fps_mode", "passthrough"] }
        } else {
            arguments += ["-c", "copy"]
        }
        arguments += ["-f", "framemd5", "-"]
        let result = try await Subprocess.run(try Tools.ffmpeg(), arguments, timeout: .seconds(120))
        guard result.status == 0, !result.timedOut else {
            throw HarnessError("framemd5 failed:\n\(result.summary)")
        }
        return result.stdout.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("#") }
            .compactMap { line in
                // stream#, dts, pts, duration, size, hash[, S=n, side-data size, side-data hash]
                let columns = line.split(separator: ",")
                return columns.count > 5 ? columns[5].trimmingCharacters(in: .whitespaces) : nil
            }
    }

    /// The presentation time (seconds) of every packet of one stream, in decode order.
    static func presentationTimes(_ url: URL, _ kind: StreamKind) async throws -> [Double?] {
        let result = try await Subprocess.run(
            try Tools.ffprobe(),
            [
                "-v", "error", "-select_streams", kind == .video ? "v:0" : "a:0",
                "-show_entries", "packet=pts_time", "-of", "csv=p=0", url.path,
            ],
            timeout: .seconds(60))
        guard result.succeeded else { throw HarnessError("ffprobe failed:\n\(result.summary)") }
        return result.stdout.split(whereSeparator: \.isNewline).map {
            Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ", ")))
        }
    }

    /// The `flags` of every video packet of `url`, in decode order (`K_` for a keyframe).
    static func videoPacketFlags(_ url: URL) async throws -> [String] {
        let result = try await Subprocess.run(
            try Tools.ffprobe(),
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", url.path],
            timeout: .seconds(60))
        guard result.succeeded else { throw HarnessError("ffprobe failed:\n\(result.summary)") }
        return result.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }
}

/// Writes the concatenation of `parts` to `destination` (init segment + media segments make a
/// plain fragmented MP4 any demuxer reads).
func concatenate(_ parts: [URL], into destination: URL) throws {
    var bytes = Data()
    for part in parts {
        bytes.append(try Data(contentsOf: part))
    }
    try bytes.write(to: destination)
}
