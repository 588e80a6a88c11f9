import CLibAV

/// Picks output timescales and converts libav timestamps into them.
enum Timescales {
    /// Below this a stream time base is too coarse for video (`1/1000` is the coarsest we keep,
    /// as mkv and flv use it and their timestamps are exact in it).
    static let minimumExactVideoTimescale: Int32 = 1000
    /// The MPEG clock, used when a stream's time base cannot be kept as is.
    static let fallbackVideoTimescale: UInt32 = 90_000

    /// The stream's own time base when it is `1/N` with N ≥ 1000 (conversion is then the identity),
    /// otherwise 90 kHz.
    static func video(for timeBase: AVRational) -> UInt32 {
        if timeBase.num == 1 && timeBase.den >= minimumExactVideoTimescale { return UInt32(timeBase.den) }
        return fallbackVideoTimescale
    }

    /// `value` (in `timeBase`) in ticks of `timescale`, rounded to nearest; exact (no arithmetic)
    /// when the time base already is `1/timescale`.
    static func rescale(_ value: Int64, from timeBase: AVRational, to timescale: UInt32) -> Int64 {
        if timeBase.num == 1 && Int64(timeBase.den) == Int64(timescale) { return value }
        return hlsseg_rescale_near(value, timeBase, AVRational(num: 1, den: Int32(clamping: timescale)))
    }

    /// How many ticks of `timescale` one tick of `timeBase` spans, rounded up (at least 1):
    /// the error a timestamp may carry after conversion from a coarse clock.
    static func tickSpan(of timeBase: AVRational, in timescale: UInt32) -> Int64 {
        guard timeBase.den > 0 else { return 1 }
        let numerator = Int64(timeBase.num) * Int64(timescale)
        let denominator = Int64(timeBase.den)
        return max(1, (numerator + denominator - 1) / denominator)
    }
}
