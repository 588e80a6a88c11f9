import Foundation
import Playlist
import Segmenter
import TestSupport

/// Small fMP4 HLS recordings written to a scratch folder with the Segmenter's own writers:
/// 25 fps video (90 kHz, a keyframe every `gop` frames, one segment per GOP) and 48 kHz AAC
/// frames of 1024 samples. Every sample's 8-byte payload names it: track ID, then its index
/// in the whole source (big endian), so the bytes of an export say which samples it holds.
struct SyntheticRecording {
    struct Run {
        /// Seconds of media in this run (a whole number of GOPs).
        var gops: Int
        var gop = 50
        var video = true
        var audio = true
        /// Where the run's decode times start, in seconds (a reconnect restarts at 0).
        var timeOrigin = 0.0
        /// Audio starts this many frames of 1024 samples after video.
        var audioLeadIn = 0
        /// Video width: a different one is a codec-configuration change.
        var width = 320
        /// B-frame-like reordering: composition offsets of 2 frames on keyframes.
        var reorder = false
        /// Video frames carry no sync flag at all.
        var noKeyframes = false
    }

    static let videoTimescale: UInt32 = 90_000
    static let frameTicks: UInt32 = 3_600
    static let audioTimescale: UInt32 = 48_000
    static let audioFrame: UInt32 = 1_024

    let folder: URL
    var playlistPath: String { folder.appendingPathComponent("index.m3u8").path }
    /// Every sample written, per track ID, in decode order: the payload's index.
    private(set) var sampleCounts: [UInt32: Int] = [:]

    /// Writes `runs` one after another; each run after the first follows an
    /// `#EXT-X-DISCONTINUITY` (a reconnect) and has its own init when its width differs.
    init(_ name: String, runs: [Run], programDateTime: Int64? = nil, segmentSuffix: String = "m4s") throws {
        folder = try TestScratch.directory("export/" + name)
        var segments: [MediaSegment] = []
        var videoIndex = 0
        var audioIndex = 0
        var sequence: UInt32 = 1
        var wallClock = programDateTime
        var initNames: [Int: String] = [:]
        for (runNumber, run) in runs.enumerated() {
            var tracks: [Track] = []
            if run.video { tracks.append(Self.videoTrack(width: run.width)) }
            if run.audio { tracks.append(try Self.audioTrack()) }
            let key = run.width * 4 + (run.video ? 2 : 0) + (run.audio ? 1 : 0)
            let initName = initNames[key] ?? "init_\(initNames.count).mp4"
            if initNames[key] == nil {
                try Data(InitSegment.bytes(tracks: tracks)).write(to: folder.appendingPathComponent(initName))
                initNames[key] = initName
            }
            var videoTime = UInt64(run.timeOrigin * Double(Self.videoTimescale))
            var audioTime = UInt64(run.timeOrigin * Double(Self.audioTimescale)) + UInt64(run.audioLeadIn) * UInt64(Self.audioFrame)
            var runAudioEnd = audioTime
            for gop in 0..<run.gops {
                let segmentEnd = run.timeOrigin + Double((gop + 1) * run.gop) / 25
                var fragments: [TrackFragment] = []
                if run.video {
                    var samples: [Sample] = []
                    for frame in 0..<run.gop {
                        let isKey = frame == 0 && !run.noKeyframes
                        samples.append(
                            Sample(
                                duration: Self.frameTicks, compositionOffset: run.reorder ? Int32(Self.frameTicks) * 2 : 0, isSync: isKey,
                                data: Self.payload(1, videoIndex)))
                        videoIndex += 1
                    }
                    fragments.append(TrackFragment(trackID: 1, baseMediaDecodeTime: videoTime, samples: samples))
                    videoTime += UInt64(run.gop) * UInt64(Self.frameTicks)
                }
                if run.audio {
                    var samples: [Sample] = []
                    let start = audioTime
                    let limit = UInt64(segmentEnd * Double(Self.audioTimescale))
                    // Frames that start in the segment; the recording's last frame ends with its video.
                    let isLastSegment = runNumber == runs.count - 1 && gop == run.gops - 1
                    while isLastSegment ? runAudioEnd + UInt64(Self.audioFrame) <= limit : runAudioEnd < limit {
                        samples.append(Sample(duration: Self.audioFrame, isSync: true, data: Self.payload(2, audioIndex)))
                        audioIndex += 1
                        runAudioEnd += UInt64(Self.audioFrame)
                    }
                    audioTime = runAudioEnd
                    fragments.append(TrackFragment(trackID: 2, baseMediaDecodeTime: start, samples: samples))
                }
                let name = "seg\(segments.count).\(segmentSuffix)"
                try Data(Fragment.bytes(sequenceNumber: sequence, tracks: fragments).joined).write(to: folder.appendingPathComponent(name))
                sequence += 1
                let duration = Double(run.gop) / 25
                segments.append(
                    MediaSegment(
                        uri: name, duration: duration, discontinuity: runNumber > 0 && gop == 0,
                        map: MediaInitializationSection(uri: initName),
                        programDateTime: wallClock.map { ProgramDateTime(millisecondsSinceEpoch: $0) }))
                wallClock = wallClock.map { $0 + Int64(duration * 1000) }
            }
        }
        sampleCounts = [1: videoIndex, 2: audioIndex]
        let playlist = MediaPlaylist(targetDuration: 2, playlistType: .vod, endList: true, segments: segments)
        try PlaylistWriter.write(playlist).write(to: folder.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
    }

    /// Track 1 (video) or 2 (audio), then the sample's index, big endian.
    static func payload(_ track: UInt8, _ index: Int) -> [UInt8] {
        [track, 0, 0, 0] + withUnsafeBytes(of: UInt32(index).bigEndian, Array.init)
    }

    static func videoTrack(width: Int) -> Track {
        let avcC = AVCDecoderConfigurationRecord(
            profileIndication: 66, profileCompatibility: 0xC0, levelIndication: 30,
            sequenceParameterSets: [[0x67, 0x42, 0xC0, 0x1E, UInt8(width / 16)]], pictureParameterSets: [[0x68, 0xCE, 0x3C, 0x80]])
        return Track(id: 1, format: .video(codec: .h264(avcC), width: width, height: 180, timescale: videoTimescale))
    }

    static func audioTrack() throws -> Track {
        let asc = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 3, channelConfiguration: 2)
        return Track(id: 2, format: .audio(codec: .aac(asc), sampleRate: 48_000, channels: 2, timescale: audioTimescale))
    }
}
