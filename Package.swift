// swift-tools-version:6.0
import PackageDescription

/// Every Swift target builds in Swift 6 mode with `any` spelled out for existentials.
let strictSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "hlsseg",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hlsseg", targets: ["hlsseg"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // libavformat / libavcodec / libavutil, found with pkg-config (Debian: libavformat-dev).
        .systemLibrary(
            name: "CLibAV",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev"])]
        ),
        // Pure: codec parsing, ISO-BMFF writing, the keyframe-aware splitter. No I/O.
        .target(name: "Segmenter", swiftSettings: strictSettings),
        // Pure: the m3u8 model, writer and parser.
        .target(name: "Playlist", swiftSettings: strictSettings),
        // One output stream on disk: Segmenter + Playlist + atomic file writes.
        .target(
            name: "Packager",
            dependencies: [
                "Segmenter", "Playlist",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Sources of MediaPackets: libavformat files and URLs.
        .target(
            name: "Ingest",
            dependencies: [
                "Segmenter", "CLibAV",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hlsseg",
            dependencies: [
                "Segmenter", "Playlist", "Packager", "Ingest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SegmenterTests", dependencies: ["Segmenter"], swiftSettings: strictSettings),
        .testTarget(name: "PlaylistTests", dependencies: ["Playlist"], swiftSettings: strictSettings),
        .testTarget(
            name: "PackagerTests", dependencies: ["Packager", "Segmenter", "Playlist"],
            swiftSettings: strictSettings),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Segmenter"], swiftSettings: strictSettings),
        // Runs the built `hlsseg` binary against fixtures made by Debian's ffmpeg and checks
        // the output with ffmpeg/ffprobe as independent decoders.
        .testTarget(name: "IntegrationTests", dependencies: ["Playlist"], swiftSettings: strictSettings),
    ]
)
