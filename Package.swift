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
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Already in the graph through Hummingbird; named because HTTPServe's fast path uses them.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        // Already in the graph through hummingbird-websocket; HTTPServe gzips playlists with it
        // (zlib, which libavformat-dev already brings in as zlib1g-dev).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // libavformat / libavcodec / libavutil / libswscale, found with pkg-config (Debian:
        // libavformat-dev; libswscale-dev for the thumbnails' scaler). The headers of all four
        // lie beside libavformat's, so its pkg-config flags cover them.
        .systemLibrary(
            name: "CLibAV",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        // mimalloc (Debian: libmimalloc-dev), the hlsseg executable's malloc: see
        // Sources/hlsseg/MemoryAllocator.swift.
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        // The one error type of every module, generic over each module's codes.
        .target(name: "CodedErrors", swiftSettings: strictSettings),
        // Pure: codec parsing, ISO-BMFF writing, the keyframe-aware splitter. No I/O.
        .target(name: "Segmenter", dependencies: ["CodedErrors"], swiftSettings: strictSettings),
        // Pure: the m3u8 model, writer and parser.
        .target(name: "Playlist", swiftSettings: strictSettings),
        // renameat2(RENAME_EXCHANGE) and syncfs, which Swift's Glibc module does not declare.
        .target(name: "CFileSystemCalls"),
        // One output stream on disk: Segmenter + Playlist + atomic file writes.
        .target(
            name: "Packager",
            dependencies: [
                "Segmenter", "Playlist", "CFileSystemCalls", "CodedErrors",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Progressive MP4 from fMP4 HLS recordings: the moov computed from the segments' moofs,
        // the media bytes copied from the segment files by range.
        .target(
            name: "Export",
            dependencies: ["Segmenter", "Playlist", "CodedErrors", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Sources of MediaPackets: libavformat files and URLs, the RTMP server (SwiftNIO).
        .target(
            name: "Ingest",
            dependencies: [
                "Segmenter", "CLibAV", "CodedErrors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Live orchestration: admission of publishers, the pump to each stream's packager, stream
        // lifecycle, the periodic sync loop, live configuration and metrics, the demo stream.
        .target(
            name: "Live",
            dependencies: [
                "Ingest", "Packager", "Segmenter", "Playlist", "CodedErrors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The HTTP side: playlists, segments, www/, JSON API, /metrics, the WebSocket ingest
        // route (into any `PublishHandler`). Live gives it the metric-name helper only.
        .target(
            name: "HTTPServe",
            dependencies: [
                "Live", "Ingest", "Playlist", "Segmenter", "Export", "CodedErrors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hlsseg",
            dependencies: [
                "Segmenter", "Playlist", "Packager", "Export", "Ingest", "Live", "HTTPServe", "CMimalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // Helpers more than one test target uses (a seeded random generator, polling, a log
        // recorder); not shipped.
        .target(
            name: "TestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport",
            swiftSettings: strictSettings),
        .testTarget(name: "SegmenterTests", dependencies: ["Segmenter", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "PlaylistTests", dependencies: ["Playlist", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "PackagerTests", dependencies: ["Packager", "Segmenter", "Playlist", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExportTests", dependencies: ["Export", "Segmenter", "Playlist", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest", "Segmenter", "TestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "HTTPServeTests",
            dependencies: [
                // Live: the demo clip, the fixture of real streams; Ingest: the WebSocket ingest's types.
                "HTTPServe", "Live", "Ingest", "Packager", "Playlist", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // NIO's HTTP/1 decoder and encoder are the oracles of the fast path's own.
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings),
        // Live ingest end to end in-process: ffmpeg, GStreamer and WebSocket publishers, pulled
        // URLs, the hub's lifecycle, sync loop and metrics, the live services.
        .testTarget(
            name: "LiveTests",
            dependencies: [
                "Live", "HTTPServe", "Ingest", "Packager", "Segmenter", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings),
        // Runs the built `hlsseg` binary against fixtures made by Debian's ffmpeg and checks
        // the output with ffmpeg/ffprobe as independent decoders.
        .testTarget(name: "IntegrationTests", dependencies: ["Playlist", "Segmenter", "TestSupport"], swiftSettings: strictSettings),
    ]
)
