// swift-tools-version:6.0
// The live-ingest load generator: replays a prepared FLV at real-time pace over many RTMP
// connections from one process (SwiftNIO), instead of one ffmpeg per stream.
import PackageDescription

let package = Package(
    name: "live-load",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0")
    ],
    targets: [
        .executableTarget(
            name: "live-load",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        )
    ]
)
