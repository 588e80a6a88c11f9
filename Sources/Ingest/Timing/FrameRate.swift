import Segmenter

/// A video frame rate as an exact fraction, `frames` per `seconds`: 30000/1001 for 29.97, so
/// that frame times on a grid do not drift (`time(ofFrame:timescale:)`).
struct FrameRate: Sendable, Hashable, CustomStringConvertible {
    /// Frames in `seconds` seconds; both positive and without a common factor.
    let frames: Int64
    let seconds: Int64

    /// Slower than this is not a video frame rate (a rate of 0.1 fps is one frame in 10 s).
    static let minimumFramesPerSecond = 0.1
    /// Faster than any camera sends; VUI timing above it is a placeholder some encoders write
    /// (a 90 kHz clock with one tick per frame), not a frame rate.
    static let maximumFramesPerSecond = 300.0

    /// The rate of raw H.264 whose SPS carries no timing when the user gave none
    /// (`InputOptions.defaultFramerate`, ffmpeg's default).
    static let fallback = FrameRate(framesPerSecond: InputOptions.defaultFramerate)!

    /// The rates an estimate snaps to (within `snapTolerance`): film, PAL and NTSC rates.
    static let common: [FrameRate] = [
        FrameRate(frames: 24_000, seconds: 1001)!, FrameRate(frames: 24, seconds: 1)!, FrameRate(frames: 25, seconds: 1)!,
        FrameRate(frames: 30_000, seconds: 1001)!, FrameRate(frames: 30, seconds: 1)!, FrameRate(frames: 50, seconds: 1)!,
        FrameRate(frames: 60_000, seconds: 1001)!, FrameRate(frames: 60, seconds: 1)!,
    ]
    /// An estimate within 1 % of a common rate is taken to be that rate: arrival jitter leaves
    /// a small error, and an encoder runs at one of these far more often than at 29.5 fps.
    static let snapTolerance = 0.01

    /// `nil` unless both are positive and the rate lies between the minimum and the maximum.
    init?(frames: Int64, seconds: Int64) {
        guard frames > 0, seconds > 0 else { return nil }
        let rate = Double(frames) / Double(seconds)
        guard rate >= Self.minimumFramesPerSecond, rate <= Self.maximumFramesPerSecond else { return nil }
        let divisor = Self.greatestCommonDivisor(frames, seconds)
        // Every real rate reduces to far less (30000/1001); the bound keeps frame times exact in
        // 128-bit arithmetic.
        guard seconds / divisor <= Int64(UInt32.max) else { return nil }
        self.frames = frames / divisor
        self.seconds = seconds / divisor
    }

    /// A whole number of frames per second (`--framerate`).
    init?(framesPerSecond: Int) {
        self.init(frames: Int64(framesPerSecond), seconds: 1)
    }

    /// The rate the SPS VUI timing signals: `time_scale / (2 · num_units_in_tick)` for H.264
    /// (§E.2.1; a frame lasts two ticks, one per field, for progressive video too),
    /// `time_scale / num_units_in_tick` for HEVC. `nil` with values outside the plausible range.
    init?(timing: VUITiming) {
        let rate = timing.picturesPerSecond
        self.init(frames: rate.numerator, seconds: rate.denominator)
    }

    /// The rate for a measured number of frames per second: the nearest common rate within
    /// `snapTolerance`, otherwise the measurement to 1/1000 fps. `nil` outside the plausible range.
    static func estimated(framesPerSecond measured: Double) -> FrameRate? {
        guard measured.isFinite, measured > 0 else { return nil }
        let nearest = common.min { abs($0.framesPerSecond - measured) < abs($1.framesPerSecond - measured) }!
        if abs(nearest.framesPerSecond - measured) <= nearest.framesPerSecond * snapTolerance { return nearest }
        return FrameRate(frames: Int64((measured * 1000).rounded()), seconds: 1000)
    }

    /// The rate given to frames without timestamps, in order of precedence: the user's
    /// (`--framerate`), the SPS VUI timing, the estimate from the arrival intervals.
    static func forFramesWithoutTimestamps(explicit: FrameRate?, timing: VUITiming?, estimate: FrameRate?) -> FrameRate? {
        explicit ?? timing.flatMap(FrameRate.init(timing:)) ?? estimate
    }

    var framesPerSecond: Double { Double(frames) / Double(seconds) }

    /// When frame `index` of a grid at this rate starts, in ticks of `timescale` from the
    /// grid's first frame: exact to the nearest tick for every index, never accumulating the
    /// rounding of a per-frame duration (29.97 fps at 1 kHz is 33.367 ms per frame).
    func time(ofFrame index: Int64, timescale: UInt32) -> Int64 {
        guard index > 0 else { return 0 }
        // index · timescale · seconds / frames in 128 bits: `seconds` < 2^32 (see `init`), so
        // timescale · seconds fits in 64.
        let divisor = UInt64(frames)
        let product = UInt64(index).multipliedFullWidth(by: UInt64(timescale) * UInt64(seconds))
        guard product.high < divisor else { return .max }
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        let time = Int64(clamping: quotient)
        return remainder >= divisor - remainder && time < .max ? time + 1 : time
    }

    var description: String {
        let fps = (framesPerSecond * 1000).rounded() / 1000
        return seconds == 1 ? "\(frames) fps" : "\(fps) fps (\(frames)/\(seconds))"
    }

    private static func greatestCommonDivisor(_ a: Int64, _ b: Int64) -> Int64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
