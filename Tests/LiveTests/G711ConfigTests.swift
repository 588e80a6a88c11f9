import Foundation
import Ingest
import Live
import Segmenter
import TestSupport
import Testing

@Suite("G.711 transcoding settings")
struct G711ConfigTests {
    @Test("hlsseg.yml's g711_aac_bitrate is read beside the other live keys; absent, it is nil (the default applies)")
    func bitRateKey() throws {
        let file = try JSONDecoder().decode(LiveConfigFile.self, from: Data(#"{"rtmp_port": 1935, "g711_aac_bitrate": 24000}"#.utf8))
        #expect(file.g711AACBitrate == 24000)
        #expect(try JSONDecoder().decode(LiveConfigFile.self, from: Data("{}".utf8)).g711AACBitrate == nil)
        #expect(G711Transcoding.bitRateRange.contains(G711Transcoding.defaultBitRate))
    }

    @Test("the AAC comes out near the bit rate asked for (white noise, which takes all the bits it is given)", arguments: [16_000, 48_000])
    func bitRate(rate: Int) throws {
        let transcoder = try G711AACTranscoder(law: .muLaw, bitRate: rate)
        var random = SeededRandom(seed: 711)
        var packets: [MediaPacket] = []
        for second in 0..<10 {
            try transcoder.transcode(random.bytes(8000), pts: Int64(second * 8000), trackID: 2, into: &packets)
        }
        try transcoder.finish(trackID: 2, into: &packets)
        let bitsPerSecond = Double(packets.reduce(0) { $0 + $1.data.count } * 8) / 10
        #expect(bitsPerSecond > Double(rate) * 0.6 && bitsPerSecond < Double(rate) * 1.2, "\(bitsPerSecond) bit/s for \(rate)")
    }
}
