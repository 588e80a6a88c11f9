import Foundation
import Segmenter
import TestSupport

@testable import Ingest

/// Helpers of the G.711 tests: tones made by ffmpeg, AAC packets decoded back by ffmpeg, and
/// what the decoded samples hold.
enum G711Audio {
    /// `seconds` of ffmpeg's `sine` at `frequency` Hz, 8 kHz mono, after `silence` seconds of
    /// silence, as raw G.711 codes (`-f mulaw` / `-f alaw`).
    static func tone(_ law: G711Law, frequency: Int, seconds: Double, silence: Double = 0) throws -> [UInt8] {
        let directory = try TestScratch.directory("g711-tone-\(UUID().uuidString.prefix(8))").path
        let name = "\(directory)/tone-\(law == .muLaw ? "u" : "a")-\(frequency)-\(seconds)-\(silence).raw"
        let format = law == .muLaw ? "mulaw" : "alaw"
        try Fixtures.run(
            Fixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=\(frequency):sample_rate=8000:duration=\(seconds),adelay=\(Int(silence * 1000))",
                "-ac", "1", "-ar", "8000", "-f", format, name,
            ])
        return Array(try Data(contentsOf: URL(fileURLWithPath: name)))
    }

    /// The packets as an ADTS stream (AAC-LC, `config`'s rate and channels).
    static func adts(_ packets: [MediaPacket], config: AudioSpecificConfig) -> [UInt8] {
        var out: [UInt8] = []
        for packet in packets {
            let length = packet.data.count + 7
            let profile = UInt8(config.objectType - 1)
            let index = config.samplingFrequencyIndex
            let channels = config.channelConfiguration
            out += [
                0xFF, 0xF1, (profile << 6) | (index << 2) | (channels >> 2), ((channels & 3) << 6) | UInt8((length >> 11) & 3),
                UInt8((length >> 3) & 0xFF), UInt8((length & 7) << 5) | 0x1F, 0xFC,
            ]
            out += packet.data
        }
        return out
    }

    /// The packets decoded by ffmpeg (16-bit mono samples), and ffmpeg's stderr (errors only).
    static func decode(_ packets: [MediaPacket], config: AudioSpecificConfig) throws -> (samples: [Int16], errors: String) {
        let directory = try TestScratch.directory("g711-decode-\(UUID().uuidString.prefix(8))").path
        let token = UUID().uuidString
        let input = "\(directory)/\(token).aac"
        let output = "\(directory)/\(token).s16"
        try Data(adts(packets, config: config)).write(to: URL(fileURLWithPath: input))
        let result = try Subprocess.runBlocking(
            Fixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-i", input, "-ac", "1", "-f", "s16le", output])
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: output)) else {
            throw Fixtures.Missing(description: "ffmpeg did not decode the AAC: \(result.stderr)")
        }
        let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        return (samples, result.stderr)
    }

    /// Root-mean-square level of `samples` (full scale 1).
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot() / 32768
    }

    /// The frequency of a steady tone, from its rising zero crossings.
    static func frequency(_ samples: ArraySlice<Int16>, sampleRate: Double) -> Double {
        var crossings: [Int] = []
        var previous = samples.first ?? 0
        for (index, sample) in zip(samples.indices, samples) {
            if previous < 0 && sample >= 0 { crossings.append(index) }
            previous = sample
        }
        guard let first = crossings.first, let last = crossings.last, crossings.count > 1 else { return 0 }
        return Double(crossings.count - 1) * sampleRate / Double(last - first)
    }

    /// The first sample from which a 10 ms window holds more than a tenth of `level`.
    static func onset(_ samples: [Int16], level: Double) -> Int? {
        let window = 80
        var index = 0
        while index + window <= samples.count {
            if rms(samples[index..<(index + window)]) > level / 10 {
                // refine within the window: the first sample above a tenth of the level's peak
                let peak = level * 2.squareRoot() * 32768 / 10
                return (index..<(index + window)).first { abs(Double(samples[$0])) > peak } ?? index
            }
            index += window / 4
        }
        return nil
    }
}
