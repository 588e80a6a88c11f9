import ArgumentParser
import Packager

/// FFmpeg's `hls_start_number_source` values (`--hls-start-number-source`).
enum StartNumberSourceOption: String, ExpressibleByArgument, CaseIterable {
    case generic, epoch
    case epochMicroseconds = "epoch_us"
    case datetime

    var source: StartNumberSource {
        switch self {
        case .generic: .generic
        case .epoch: .epoch
        case .epochMicroseconds: .epochMicroseconds
        case .datetime: .datetime
        }
    }
}
