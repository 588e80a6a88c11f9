import Foundation
import NIOCore
import NIOPosix

// live-load --flv FILE --url rtmp://127.0.0.1:1935/live/load --streams 500 --seconds 300 [--ramp-ms 20]
// Stream i publishes `<key><i>`; prints one line of totals every 10 s and a summary at the end.

var arguments = CommandLine.arguments.dropFirst()
var options: [String: String] = [:]
while let name = arguments.popFirst() {
    guard name.hasPrefix("--"), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("usage: live-load --flv FILE --url rtmp://host:port/app/key --streams N --seconds S [--ramp-ms MS]\n".utf8))
        exit(2)
    }
    options[String(name.dropFirst(2))] = value
}
guard let flv = options["flv"], let url = options["url"], let components = URLComponents(string: url), components.scheme == "rtmp",
    let host = components.host
else {
    FileHandle.standardError.write(Data("live-load: --flv and --url rtmp://host:port/app/key are required\n".utf8))
    exit(2)
}
let port = components.port ?? 1935
let pathParts = components.path.split(separator: "/").map(String.init)
let app = pathParts.first ?? "live"
let keyPrefix = pathParts.dropFirst().joined(separator: "/").isEmpty ? "load" : pathParts.dropFirst().joined(separator: "/")
let streams = Int(options["streams"] ?? "10") ?? 10
let seconds = Int64(options["seconds"] ?? "60") ?? 60
let rampMilliseconds = Int64(options["ramp-ms"] ?? "20") ?? 20

let tags = try FLVFile.tags(path: flv)
let stats = Stats()
let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let tcURL = "rtmp://\(host):\(port)/\(app)"

for index in 0..<streams {
    let key = "\(keyPrefix)\(index)"
    ClientBootstrap(group: group)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    PublisherHandler(tags: tags, app: app, tcURL: tcURL, key: key, duration: .seconds(seconds), stats: stats))
            }
        }
        .connect(host: host, port: port)
        .whenFailure { _ in stats.dropped() }
    if rampMilliseconds > 0 { usleep(UInt32(rampMilliseconds * 1000)) }
}

let end = Date().addingTimeInterval(Double(seconds) + Double(streams) * Double(rampMilliseconds) / 1000 + 5)
while Date() < end {
    sleep(10)
    let s = stats.snapshot
    print("publishing \(s.started - s.dropped)/\(streams), refused \(s.refused), dropped \(s.dropped), frames \(s.frames), \(s.bytes * 8 / 1_000_000) Mbit sent")
}
let s = stats.snapshot
print("done: \(s.started) started, \(s.refused) refused, \(s.dropped) dropped early, \(s.frames) frames, \(s.bytes) bytes")
// The generator shares the machine with the server under test: say what it cost.
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
print(String(format: "generator CPU: %.2f s", seconds(usage.ru_utime) + seconds(usage.ru_stime)))
try group.syncShutdownGracefully()
