/// The timing an SPS's video usability information signals: H.264's timing_info (ITU-T H.264
/// §E.2.1) or HEVC's vui_timing_info (ITU-T H.265 §E.3.1). A clock tick lasts
/// `num_units_in_tick / time_scale` seconds; how many ticks a picture lasts differs: an H.264
/// frame lasts two (one per field, progressive video too), an HEVC picture one.
public struct VUITiming: Sendable, Equatable {
    public var numUnitsInTick: UInt32
    public var timeScale: UInt32
    /// H.264's fixed_frame_rate_flag; HEVC's VUI has no such flag (false).
    public var fixedFrameRate: Bool
    /// Clock ticks one coded picture (an access unit) lasts: 2 for H.264 frames, 1 for HEVC.
    public var ticksPerPicture: UInt32

    public init(numUnitsInTick: UInt32, timeScale: UInt32, fixedFrameRate: Bool, ticksPerPicture: UInt32) {
        self.numUnitsInTick = numUnitsInTick
        self.timeScale = timeScale
        self.fixedFrameRate = fixedFrameRate
        self.ticksPerPicture = ticksPerPicture
    }

    /// HEVC's VUI timing: a picture lasts one clock tick, so `time_scale / num_units_in_tick`
    /// is the picture rate (§E.3.1, e.g. 25 / 1 or 30000 / 1001).
    public static func hevc(numUnitsInTick: UInt32, timeScale: UInt32) -> VUITiming {
        VUITiming(numUnitsInTick: numUnitsInTick, timeScale: timeScale, fixedFrameRate: false, ticksPerPicture: 1)
    }

    /// Pictures per second as a fraction: `time_scale / (ticksPerPicture · num_units_in_tick)`.
    /// Either part may be zero when the SPS says so; the caller checks the range it accepts.
    public var picturesPerSecond: (numerator: Int64, denominator: Int64) {
        (Int64(timeScale), Int64(ticksPerPicture) * Int64(numUnitsInTick))
    }
}
