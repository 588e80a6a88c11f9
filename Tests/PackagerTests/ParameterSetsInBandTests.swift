import Segmenter
import Testing

@testable import Packager

/// The first keyframe after a codec change carries the new init file's parameter sets in band
/// (see `Segment.withParameterSetsInBand`): SPS + PPS for H.264, VPS + SPS + PPS for HEVC.
@Suite struct ParameterSetsInBandTests {
    static let vps: [UInt8] = [0x40, 0x01, 0x0c, 0x01]
    static let sps: [UInt8] = [0x42, 0x01, 0x01, 0x01]
    static let pps: [UInt8] = [0x44, 0x01, 0xc0]

    static func segment(keyframe: [UInt8]) -> Segment {
        Segment(
            index: 0, startTime: 0, duration: 0.08, isIndependent: true,
            tracks: [
                TrackFragment(
                    trackID: 1, baseMediaDecodeTime: 0,
                    samples: [
                        Sample(duration: 3600, isSync: true, data: keyframe), Sample(duration: 3600, isSync: false, data: [0, 0, 0, 1, 2]),
                    ])
            ])
    }

    static func prefixed(_ units: [[UInt8]]) -> [UInt8] {
        units.flatMap { [0, 0, 0, UInt8($0.count)] + $0 }
    }

    @Test func hevcKeyframeGetsVPSSPSAndPPS() {
        let hvcC = HEVCDecoderConfigurationRecord(
            profileTierLevel: HEVCProfileTierLevel(
                profileSpace: 0, tierFlag: false, profileIdc: 1, compatibilityFlags: 0x6000_0000, constraintIndicatorFlags: 0,
                levelIdc: 60),
            chromaFormat: 1, bitDepthLumaMinus8: 0, bitDepthChromaMinus8: 0, numTemporalLayers: 1, temporalIDNested: true,
            arrays: [
                .init(complete: true, type: 32, units: [Self.vps]), .init(complete: true, type: 33, units: [Self.sps]),
                .init(complete: true, type: 34, units: [Self.pps]),
            ])
        let track = Track(id: 1, format: .video(codec: .hevc(hvcC), width: 320, height: 180, timescale: 90_000))
        let keyframe = Self.prefixed([[0x28, 0x01, 0xaf]])
        let result = Self.segment(keyframe: keyframe).withParameterSetsInBand(tracks: [track])
        #expect(result.tracks[0].samples[0].data == Self.prefixed([Self.vps, Self.sps, Self.pps]) + keyframe)
        #expect(result.tracks[0].samples[1].data == [0, 0, 0, 1, 2])
    }

    @Test func h264KeyframeGetsSPSAndPPS() {
        let avcC = AVCDecoderConfigurationRecord(
            profileIndication: 66, profileCompatibility: 0xc0, levelIndication: 30, sequenceParameterSets: [[0x67, 0x42]],
            pictureParameterSets: [[0x68, 0xce]])
        let track = Track(id: 1, format: .video(codec: .h264(avcC), width: 320, height: 180, timescale: 90_000))
        let keyframe = Self.prefixed([[0x65, 0x88]])
        let result = Self.segment(keyframe: keyframe).withParameterSetsInBand(tracks: [track])
        #expect(result.tracks[0].samples[0].data == Self.prefixed([[0x67, 0x42], [0x68, 0xce]]) + keyframe)
    }
}
