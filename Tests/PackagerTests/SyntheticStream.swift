import Foundation
import Logging
import Packager
import Playlist
import Segmenter
import TestSupport

/// Synthetic streams for driving `StreamPackager` without any codec: AAC-LC frames of 1024
/// samples (audio-only streams cut on any frame) and H.264-shaped video packets.
enum SyntheticStream {
    static func audioTrack(sampleRate: Int = 48_000, id: UInt32 = 1) throws -> Track {
        let index: UInt8 = sampleRate == 44_100 ? 4 : 3
        let asc = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: index, channelConfiguration: 2)
        return Track(
            id: id,
            format: .audio(codec: .aac(asc), sampleRate: sampleRate, channels: 2, timescale: UInt32(sampleRate)))
    }

    static func videoTrack(width: Int = 320, id: UInt32 = 1) -> Track {
        let avcC = AVCDecoderConfigurationRecord(
            profileIndication: 66, profileCompatibility: 0xC0, levelIndication: 30,
            sequenceParameterSets: [[0x67, 0x42, 0xC0, 0x1E, UInt8(width / 16)]], pictureParameterSets: [[0x68, 0xCE, 0x3C, 0x80]])
        return Track(id: id, format: .video(codec: .h264(avcC), width: width, height: 180, timescale: 90_000))
    }

    /// AAC frame `index` (1024 samples), payload marking its index.
    static func audioPacket(_ index: Int, trackID: UInt32 = 1, offset: Int64 = 0) -> MediaPacket {
        let ticks = Int64(index) * 1024 + offset
        return MediaPacket(
            trackID: trackID, dts: ticks, pts: ticks, duration: 1024, isKeyframe: true,
            data: [0x21, UInt8(index & 0xFF), UInt8(index >> 8 & 0xFF)])
    }

    /// Video frame `index` at 25 fps, a keyframe every `gop` frames; no B-frames.
    static func videoPacket(_ index: Int, gop: Int = 25, trackID: UInt32 = 1) -> MediaPacket {
        let ticks = Int64(index) * 3600
        let key = index % gop == 0
        return MediaPacket(
            trackID: trackID, dts: ticks, pts: ticks, duration: 3600, isKeyframe: key,
            data: [0, 0, 0, 2, key ? 0x65 : 0x41, UInt8(index & 0xFF)])
    }

    static func temporaryDirectory(_ name: String, fileSync: FileSync = .perFile) throws -> OutputDirectory {
        try OutputDirectory(path: TestScratch.directory("packager/" + name).path, fileSync: fileSync)
    }

    static func readPlaylist(_ directory: OutputDirectory, name: String = "index.m3u8") throws -> MediaPlaylist {
        let text = try String(contentsOfFile: directory.filePath(name), encoding: .utf8)
        return try PlaylistParser.parseMedia(text)
    }

    static func files(_ directory: OutputDirectory) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
    }

    static var logger: Logger { Logger(label: "test") }
}
