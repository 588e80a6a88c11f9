import Foundation
import TestSupport
import Testing

/// Tiny media files made by Debian's ffmpeg at test time (2 s, 160×120), generated once per run.
enum Fixtures {
    static let ffmpeg = "/usr/bin/ffmpeg"
    static let ffprobe = "/usr/bin/ffprobe"

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The fixture directory; every file below is made on first use.
    static let directory: Result<String, any Error> = Result { try generate() }

    static func path(_ name: String) throws -> String {
        "\(try directory.get())/\(name)"
    }

    private static func generate() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: ffmpeg) else {
            throw Missing(description: "ffmpeg not found: run scripts/setup.sh (apt-get install ffmpeg)")
        }
        let directory = try TestScratch.directory("ingest-fixtures").path
        func make(_ arguments: String) throws {
            try run(ffmpeg, ["-hide_banner", "-loglevel", "error", "-y"] + arguments.split(separator: " ").map(String.init), in: directory)
        }
        let video = "-f lavfi -i testsrc2=size=160x120:rate=25"
        let audio = "-f lavfi -i sine=frequency=440:sample_rate=48000"
        let x264 = "-c:v libx264 -profile:v high -bf 2 -g 25 -preset veryfast"
        try make("\(video) \(audio) -t 2 \(x264) -c:a aac -b:a 48k -movflags +faststart av.mp4")
        try make("-i av.mp4 -c copy av.mkv")
        try make("-i av.mp4 -c copy av.flv")
        try make("-i av.mp4 -c copy av.ts")
        try make("-i av.mp4 -c:v copy -an -bsf:v h264_mp4toannexb video.h264")
        try make("\(audio) -t 3 -c:a aac -b:a 48k audio.aac")
        // The same video joined with a clip of another size: the SPS changes at its first IDR.
        try make("-f lavfi -i testsrc=size=128x96:rate=25 -t 1 \(x264) -pix_fmt yuv420p other-size.h264")
        try writeFileBytes(
            "\(directory)/joined.h264", try readFileBytes("\(directory)/video.h264") + readFileBytes("\(directory)/other-size.h264"))
        try make("-i av.mp4 -vn -c:a copy audio.m4a")
        if encoderExists("libvpx-vp9") {
            try make("\(video) -t 1 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 50k vp9.webm")
            try make("\(video) \(audio) -t 1 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 50k -c:a aac vp9aac.mkv")
        } else {
            try make("\(video) -t 1 -c:v mpeg4 vp9.webm.mp4")
        }
        try "hello, this is not media\n".write(toFile: "\(directory)/notes.txt", atomically: true, encoding: .utf8)
        return directory
    }

    static func encoderExists(_ name: String) -> Bool {
        (try? capture(ffmpeg, ["-hide_banner", "-encoders"]))?.contains(" \(name) ") ?? false
    }

    /// Packets per stream as ffprobe counts them (`-count_packets`), in stream order.
    static func packetCounts(_ path: String) throws -> [Int] {
        // mpegts lists its streams twice (under the program as well): keep the first of each index.
        let output = try capture(
            ffprobe, ["-v", "error", "-count_packets", "-show_entries", "stream=index,nb_read_packets", "-of", "csv=p=0", path])
        var counts: [Int: Int] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if fields.count == 2, counts[fields[0]] == nil { counts[fields[0]] = fields[1] }
        }
        return counts.keys.sorted().map { counts[$0]! }
    }

    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws {
        _ = try capture(tool, arguments, in: directory)
    }

    static func capture(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let result = try Subprocess.runBlocking(tool, arguments, in: directory)
        guard result.succeeded else {
            throw Missing(description: "\(tool) \(arguments.joined(separator: " ")) failed (\(result.status))")
        }
        return result.stdout
    }

    /// A copy of `name` cut to `fraction` of its size.
    static func truncated(_ name: String, fraction: Double) throws -> String {
        let source = try path(name)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let target = try path("cut-\(Int(fraction * 100))-\(name)")
        try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: target))
        return target
    }
}

func readFileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeFileBytes(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
