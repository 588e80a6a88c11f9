import CLibAV

/// How much libavformat/libavcodec print on their own. Their messages repeat, in libav's terms,
/// what hlsseg already reports as warnings, so by default only fatal ones get through.
public enum LibAVLog {
    public static func configure(verbose: Bool) {
        av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_FATAL)
    }
}
